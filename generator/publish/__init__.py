"""Stage 6, publish: the built site replaces ``output/`` in one step (``swap``), under a build lock."""
