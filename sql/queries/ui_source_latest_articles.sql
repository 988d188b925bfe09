-- A source's newest articles by first load.
SELECT a.id, a.title, a.url, a.published_at, a.first_loaded_at, a.authors, a.agency
FROM articles a
WHERE a.source_key = %(key)s
ORDER BY a.first_loaded_at DESC, a.id DESC
LIMIT %(limit)s;
