UPDATE raw_pages
SET parse_status = %(status)s, extractor_version = COALESCE(%(extractor_version)s, extractor_version)
WHERE id = ANY(%(ids)s);
