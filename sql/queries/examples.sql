-- Example queries for analysts. Each runs as the read-only role akhbar_reader (views and search functions
-- only) or as any role that can read the tables. Dates are UTC unless a time zone is named.
-- Not run by the code. Copy what you need into psql.

-- 1. Today's articles per source (Cairo's day).
SELECT source_key, count(*) AS articles
FROM v_articles
WHERE published_at >= date_trunc('day', now() AT TIME ZONE 'Africa/Cairo') AT TIME ZONE 'Africa/Cairo'
GROUP BY source_key
ORDER BY articles DESC;

-- 2. Full-text search: ranked, title matches first, with a highlighted snippet. ى/ي, alef forms and
--    diacritics are folded, and stopwords are ignored. Websearch syntax works ("a phrase", OR, -word).
SELECT published_at, source_key, title, snippet, url
FROM search_articles('"وزارة الصحة" المستشفى -كورونا', 20);

-- 3. Stories covered by 3 or more outlets today (Cairo's day): the representative title (the copy most outlets
--    carried), who had it first, and how many minutes each outlet came after it.
SELECT story_id, title, source_count, sources, reprint_count, first_source, source_lags, first_published_at
FROM v_stories
WHERE source_count >= 3
  AND last_published_at >= date_trunc('day', now() AT TIME ZONE 'Africa/Cairo') AT TIME ZONE 'Africa/Cairo'
ORDER BY source_count DESC, first_published_at DESC;

-- 4. The members of one story, earliest first, with their reprint group: articles sharing reprint_id are
--    copies of one text, the others wrote the same event up in their own words (replace 42 with a story_id
--    from query 3).
SELECT published_at, source_key, title, agency, reprint_id, url
FROM v_story_members
WHERE story_id = 42
ORDER BY published_at;

-- 5. An agency's share of each source's articles this month (أ ش أ: the Middle East News Agency).
SELECT source_key,
       count(*) FILTER (WHERE agency = 'أ ش أ') AS mena_articles,
       count(*) AS all_articles,
       round(100.0 * count(*) FILTER (WHERE agency = 'أ ش أ') / count(*), 1) AS mena_percent
FROM v_articles
WHERE published_at >= date_trunc('month', now())
GROUP BY source_key
ORDER BY mena_percent DESC;

-- 6. Quarantine reasons this week, per source (from the health view, one key per reason code).
SELECT source_key, reason, sum(n::int) AS pages
FROM v_source_health, jsonb_each_text(quarantined_by_reason) AS r (reason, n)
WHERE day >= current_date - 7
GROUP BY source_key, reason
ORDER BY pages DESC;

-- 7. Source health: pages fetched, loaded, blocked and the share without a date, per day, for one source.
SELECT day, pages_fetched, articles_loaded, pages_quarantined, blocked, null_date_rate, last_successful_run
FROM v_source_health WHERE source_key = 'youm7'
ORDER BY day DESC LIMIT 14;

-- 8. Who has it first: how often each outlet is the first to publish a story several outlets carried, over
--    the last 30 days, and its median lag behind the first publisher when it is not.
SELECT source_key,
       count(*) AS stories,
       count(*) FILTER (WHERE was_first) AS first,
       round(100.0 * count(*) FILTER (WHERE was_first) / count(*), 1) AS first_percent,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_minutes) FILTER (WHERE NOT was_first) AS median_lag_minutes
FROM v_story_outlets
WHERE first_published_at >= now() - interval '30 days'
GROUP BY source_key
ORDER BY first_percent DESC;

-- 9. Articles corrected after publication (their text changed on a later crawl), newest first.
SELECT published_at, source_key, title, revisions, updated_at, url
FROM v_articles WHERE revisions > 0
ORDER BY updated_at DESC LIMIT 50;

-- 10. Fuzzy title search for a name spelt several ways (only where the server has pg_trgm).
SELECT title, similarity, url FROM search_titles_fuzzy('محمد صلاح', 20);
