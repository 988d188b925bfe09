-- UPSERT the run's valid staged pages into articles on the canonical URL key, in one statement.
-- A page fetched earlier than the stored article never overwrites it. When the normalized body changed, the
-- version that loses (the stored one, or a late-arriving older fetch) is kept in article_revisions with its
-- fetch time. The search vector is computed here, once per written row whose text changed (not by a
-- generated column, which would cost it on every write). Story and MinHash signature come from the temporary
-- table story_assignments that akhbar.stories.cluster_staged filled just before, in the same transaction.
-- Returns (articles written, of which new, revisions kept).
WITH stop AS MATERIALIZED (  -- once per statement, not once per row
    SELECT akhbar_stop_lexemes() AS lexemes
), staged AS (
    SELECT DISTINCT ON (e.url_key) e.raw_page_id, e.url_key, e.source_key, e.article, r.fetched_at,
           md5(coalesce(e.article->>'body_norm', '')) AS content_hash
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
    ORDER BY e.url_key, r.fetched_at DESC, e.raw_page_id DESC
), superseded AS (  -- the stored version, replaced by a newer fetch with another body
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT a.id, a.url_key, a.raw_page_id, a.title, a.body, a.content_hash, a.published_at, a.modified_at,
           a.extractor_version, a.fetched_at
    FROM articles a JOIN staged s ON s.url_key = a.url_key
    WHERE a.fetched_at < s.fetched_at AND a.content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), late AS (  -- an older fetch arriving after a newer one: history, not the current version
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT a.id, s.url_key, s.raw_page_id, s.article->>'title', s.article->>'body', s.content_hash,
           (s.article->>'published_at')::timestamptz, (s.article->>'modified_at')::timestamptz,
           s.article->>'extractor_version', s.fetched_at
    FROM articles a JOIN staged s ON s.url_key = a.url_key
    WHERE s.fetched_at < a.fetched_at AND a.content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), upserted AS (
    INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, section,
                          tags, language, images, published_at, published_raw, modified_at, modified_raw,
                          extractor, extractor_version, fetched_at, title_norm, body_norm, agency, dateline,
                          content_hash, search_vector, story_id, minhash)
    SELECT s.url_key, s.article->>'url', s.article->>'canonical_url', s.source_key, s.raw_page_id,
           s.article->>'title', s.article->>'body',
           ARRAY(SELECT jsonb_array_elements_text(s.article->'authors')),
           s.article->>'section',
           ARRAY(SELECT jsonb_array_elements_text(s.article->'tags')),
           s.article->>'language', COALESCE(s.article->'images', '[]'::jsonb),
           (s.article->>'published_at')::timestamptz, s.article->>'published_raw',
           (s.article->>'modified_at')::timestamptz, s.article->>'modified_raw',
           s.article->>'extractor', s.article->>'extractor_version', s.fetched_at,
           coalesce(s.article->>'title_norm', ''), coalesce(s.article->>'body_norm', ''),
           nullif(s.article->>'agency', ''), nullif(s.article->>'dateline', ''), s.content_hash,
           CASE WHEN a.content_hash = s.content_hash AND a.title_norm = coalesce(s.article->>'title_norm', '')
                THEN a.search_vector
                ELSE akhbar_document_vector(s.article->>'title_norm', s.article->>'body_norm', stop.lexemes)
           END,
           sa.story_id, sa.minhash
    FROM staged s CROSS JOIN stop
    LEFT JOIN articles a ON a.url_key = s.url_key
    LEFT JOIN story_assignments sa ON sa.url_key = s.url_key
    ON CONFLICT (url_key) DO UPDATE
    SET url = EXCLUDED.url, canonical_url = EXCLUDED.canonical_url, raw_page_id = EXCLUDED.raw_page_id,
        title = EXCLUDED.title, body = EXCLUDED.body, authors = EXCLUDED.authors, section = EXCLUDED.section,
        tags = EXCLUDED.tags, language = EXCLUDED.language, images = EXCLUDED.images,
        published_at = EXCLUDED.published_at, published_raw = EXCLUDED.published_raw,
        modified_at = EXCLUDED.modified_at, modified_raw = EXCLUDED.modified_raw,
        extractor = EXCLUDED.extractor, extractor_version = EXCLUDED.extractor_version,
        fetched_at = EXCLUDED.fetched_at, title_norm = EXCLUDED.title_norm, body_norm = EXCLUDED.body_norm,
        agency = EXCLUDED.agency, dateline = EXCLUDED.dateline, content_hash = EXCLUDED.content_hash,
        search_vector = EXCLUDED.search_vector,
        story_id = coalesce(EXCLUDED.story_id, articles.story_id),
        minhash = CASE WHEN EXCLUDED.story_id IS NOT NULL THEN EXCLUDED.minhash
                       WHEN articles.content_hash IS DISTINCT FROM EXCLUDED.content_hash THEN NULL
                       ELSE articles.minhash END,
        updated_at = now()
    WHERE articles.fetched_at <= EXCLUDED.fetched_at
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*), count(*) FILTER (WHERE inserted),
       (SELECT count(*) FROM superseded) + (SELECT count(*) FROM late)
FROM upserted;
