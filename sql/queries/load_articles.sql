-- UPSERT the run's valid staged pages into articles on the canonical URL key, in one statement.
-- A page fetched earlier than the stored article never overwrites it.
WITH staged AS (
    SELECT DISTINCT ON (e.url_key) e.raw_page_id, e.url_key, e.source_key, e.article, r.fetched_at
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
    ORDER BY e.url_key, r.fetched_at DESC, e.raw_page_id DESC
), upserted AS (
    INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, section,
                          tags, language, images, published_at, published_raw, modified_at, modified_raw,
                          extractor, extractor_version, fetched_at)
    SELECT s.url_key, s.article->>'url', s.article->>'canonical_url', s.source_key, s.raw_page_id,
           s.article->>'title', s.article->>'body',
           ARRAY(SELECT jsonb_array_elements_text(s.article->'authors')),
           s.article->>'section',
           ARRAY(SELECT jsonb_array_elements_text(s.article->'tags')),
           s.article->>'language', COALESCE(s.article->'images', '[]'::jsonb),
           (s.article->>'published_at')::timestamptz, s.article->>'published_raw',
           (s.article->>'modified_at')::timestamptz, s.article->>'modified_raw',
           s.article->>'extractor', s.article->>'extractor_version', s.fetched_at
    FROM staged s
    ON CONFLICT (url_key) DO UPDATE
    SET url = EXCLUDED.url, canonical_url = EXCLUDED.canonical_url, raw_page_id = EXCLUDED.raw_page_id,
        title = EXCLUDED.title, body = EXCLUDED.body, authors = EXCLUDED.authors, section = EXCLUDED.section,
        tags = EXCLUDED.tags, language = EXCLUDED.language, images = EXCLUDED.images,
        published_at = EXCLUDED.published_at, published_raw = EXCLUDED.published_raw,
        modified_at = EXCLUDED.modified_at, modified_raw = EXCLUDED.modified_raw,
        extractor = EXCLUDED.extractor, extractor_version = EXCLUDED.extractor_version,
        fetched_at = EXCLUDED.fetched_at, updated_at = now()
    WHERE articles.fetched_at <= EXCLUDED.fetched_at
    RETURNING raw_page_id
)
SELECT count(*) FROM upserted;
