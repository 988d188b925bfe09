-- Ranked full-text search (the query is normalized by the caller with normalize_for_search as well).
SELECT article_id, published_at, source_key, title, url, story_id, rank, snippet
FROM search_articles(%(query)s, %(limit)s);
