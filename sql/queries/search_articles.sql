-- Ranked full-text search (the query is normalized by the caller with normalize_for_search as well), with the
-- optional filters (NULL: any) and the marks put around matched phrases in the snippet.
SELECT article_id, published_at, source_key, title, url, story_id, rank, snippet
FROM search_articles(%(query)s, %(limit)s, source => %(source)s::text, date_from => %(date_from)s::date,
                     date_to => %(date_to)s::date, story => %(story)s::bigint,
                     mark_start => %(mark_start)s::text, mark_stop => %(mark_stop)s::text);
