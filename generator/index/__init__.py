"""Stage 5, index: search over the rendered site.

``pagefind`` runs Pagefind over the pages (browser search, sharded by region); ``whoosh_index`` builds
the jieba-tokenised whoosh index behind ``portal search``.
"""
