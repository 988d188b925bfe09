-- A batch of a run's staged pages for the quality gate: the fields the suite checks, after raw page id
-- %(after)s, at most %(limit)s of them (keyset order). Pages already judged in this run are judged again (the
-- gate is deterministic), so a retried validate step reaches the same verdict instead of passing on an empty
-- batch.
SELECT e.raw_page_id, e.url_key, e.url, e.canonical_url, e.title, e.body, e.published_at, e.language,
       r.fetched_at, e.source_key
FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
WHERE e.crawl_run_id = %(run_id)s AND e.raw_page_id > %(after)s
ORDER BY e.raw_page_id
LIMIT %(limit)s;
