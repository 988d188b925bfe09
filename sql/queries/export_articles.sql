-- Articles in akhbar's export format (akhbar/archive.py), oldest first: all of them, or those of one source,
-- published within [date_from, date_to] (UTC days, both included; NULL: open).
SELECT url, canonical_url, source_key, title, body, authors, section, tags, language, images, published_at,
       published_raw, modified_at, modified_raw, agency, dateline, extractor, extractor_version, fetched_at
FROM articles
WHERE (%(source)s::text IS NULL OR source_key = %(source)s::text)
  AND (%(date_from)s::date IS NULL OR published_at >= %(date_from)s::date::timestamp AT TIME ZONE 'UTC')
  AND (%(date_to)s::date IS NULL OR published_at < (%(date_to)s::date + 1)::timestamp AT TIME ZONE 'UTC')
ORDER BY published_at NULLS FIRST, id;
