"""Stage 5, index: search over the site.

Takes the derived Portal (and, for Pagefind, the folder the render stage wrote). ``whoosh_index``
turns every task, complaint and notice into a :class:`~generator.index.whoosh_index.SearchDoc` and
keeps the jieba-tokenised whoosh index behind ``portal search``. ``pagefind`` plans the browser
search's shards from those documents (:func:`pagefind.plan`, before rendering: the search page lists
the scopes; a shard keeps its items' keys and a digest, not the documents) and, once the pages are
written, makes each shard's documents again and indexes them with Pagefind into ``pagefind/``, reusing
the shards that did not change.
"""
