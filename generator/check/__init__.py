"""Stage 2, check: the rules a loaded content must keep, before anything is derived or published.

Takes a :class:`generator.models.Content` and the as-of date; gives :class:`generator.errors.Problems`.
``rules`` holds the content rules (references, uniqueness, status transitions, close-out notices), ``rounds``
the rules of version 2 (inspections, their plans, links across rounds),
``integrity`` the document register and the other consistency rules (and the 长期未更新 measure the derive
stage applies; the public flags built on it are :mod:`generator.derive.flags`), ``pii`` the personal-data guard.
None of it depends on a later stage.
"""
