"""Stage 1, load: content files → typed models with their locations.

Takes a content folder (YAML and Markdown as docs/content-format.md describes); gives a
:class:`generator.models.Content` and the problems found on the way (:func:`generator.load.reader.read`).
``reader`` walks the folder and refuses unsafe files, ``yamlio`` parses YAML with line numbers and
no surprises (tags, aliases), ``schema`` builds models from mappings and checks every value's shape,
``profiles`` reads and checks the import profiles in ``import-profiles/`` (never published) against the
spreadsheet vocabulary in ``import_vocab`` (which ``portal import`` reads too).
"""
