"""Stage 4, render: the derived views → files of the site.

``pages`` drives the Pelican templates and calls the emitters: ``feeds`` (Atom/RSS), ``ics``
(calendars of notices), ``opendata`` (CSV, JSON, SQLite), ``manifest`` (tamper evidence and
``portal verify``), ``hant`` (the 繁體 reading), ``charts`` and ``theme_extras`` (what templates need),
``mailto`` (prefilled comment links).
"""
