"""One module per field of the Article: the parts of :class:`transforms.extract.GenericExtractor`.

Each part reads the shared parsed page (:class:`transforms.page.Page`) and the site's hints (the class attributes of
the extractor: zone, locale, site name, body container, ``SELECTORS``) and caches its result per page with
``functools.cached_property``. The selector tables are in :mod:`transforms.selectors`.
"""
