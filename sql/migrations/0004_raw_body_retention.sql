-- Raw HTML retention: a raw page's body can be dropped after a number of days while its metadata (URL, key,
-- status, hash, headers, fetch time, parse status) stays, so the crawler still knows the page and every
-- article and quarantine row still points at it. body_purged_at says when, and why the body is NULL.
ALTER TABLE raw_pages ADD COLUMN body_purged_at timestamptz;
CREATE INDEX raw_pages_extractor_version ON raw_pages (source_key, extractor_version)
    WHERE body IS NOT NULL;
