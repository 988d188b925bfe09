-- When the source last got a new article, and when its first run started (for a source with none yet).
SELECT (SELECT max(first_loaded_at) FROM articles WHERE source_key = %(source_key)s),
       (SELECT min(started_at) FROM crawl_runs WHERE source_key = %(source_key)s);
