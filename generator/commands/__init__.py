"""Commands beside the build: ``portal import`` (``importer``, its vocabulary ``import_vocab``, import
profiles ``import_profile``, task-list re-import ``task_reimport``) and ``portal demo-data`` (``demo``).
They use the stages (load, check) and write content files; no stage imports them."""
