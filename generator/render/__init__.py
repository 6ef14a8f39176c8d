"""Stage 4, render: the derived :class:`~generator.derive.views.Portal` → the files of the site.

Takes the Portal, Pelican's Jinja2 environment and writer, the configuration and the search scopes the
index stage planned; gives files in the build folder (the pages through :class:`pages.Renderer`'s jobs,
which reuse unchanged pages). ``pages`` writes the pages from the templates, then, in
:func:`pages.write_files`, the other emitters in order:

- ``opendata``: data/*.csv, portal.json, portal.sqlite (docs/open-data.md);
- ``manifest``: integrity/manifest.json over the open data's rows (tamper evidence, ``portal verify``);
- the reference look-up (lookup/*.json) and the documents' files (in ``pages``);
- ``ics``: a calendar per notice;
- ``feeds``: Atom and RSS per task, complaint, region and site, and the OPML list.

Helpers of the pages: ``hant`` (the 繁體 reading of every page), ``charts`` and ``theme_extras`` (what
templates need: QR codes, statistics, charts), ``mailto`` (prefilled comment links).
"""
