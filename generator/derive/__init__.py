"""Stage 3, derive: what the content means as of a date.

Takes a checked :class:`generator.models.Content` and the as-of date; gives a
:class:`~generator.derive.views.Portal`, the views the emitters render. ``views`` holds those
dataclasses (they depend only on the shared modules); ``state`` computes each task's and complaint's
state, overdue, notice state and the region roll-ups (:func:`state.derive`); ``events`` every status
change as an event with a stable identity; ``stats`` the figures of the statistics page; ``flags`` the
public flags of the 数据核查 page. Inside the stage imports point one way: events on views; state and stats on events and views; flags on state.
"""
