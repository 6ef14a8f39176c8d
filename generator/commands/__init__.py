"""Commands beside the build: ``portal import`` (``importer``, which runs its steps ``import_sheet`` →
``import_layout`` → ``import_items`` (with the cell parsers ``import_values``) → ``import_write``; re-import
of batches ``batch_reimport`` and task lists ``task_reimport``; choosing and drafting import profiles
``import_profile``) and ``portal demo-data`` (``demo``).
They use the stages (load, check; the import's vocabulary and the reading of profiles are load's
``import_vocab`` and ``profiles``) and write content files; no stage imports them."""
