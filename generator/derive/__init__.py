"""Stage 3, derive: what the content means as of a date.

Takes a checked :class:`generator.models.Content` and the as-of date; gives the views the emitters
render: each task's and complaint's state, overdue, notice state (``state``), every status change as
an event with a stable identity (``events``), and the figures of the statistics page (``stats``).
"""
