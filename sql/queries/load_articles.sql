-- UPSERT the run's valid staged pages into articles on the canonical URL key, in one statement.
-- A page fetched earlier than the stored article never overwrites it. When the normalized body changed, the
-- version that loses (the stored one, or a late-arriving older fetch) is kept in article_revisions with its
-- fetch time. The search vector is computed here, once per written row whose text changed (not by a
-- generated column, which would cost it on every write). Story and MinHash signature come from the temporary
-- table story_assignments that akhbar.stories.cluster_staged filled just before, in the same transaction.
-- Returns (articles written, of which new, revisions kept).
WITH stop AS MATERIALIZED (  -- once per statement, not once per row
    SELECT akhbar_stop_lexemes() AS lexemes
), latest AS (  -- the newest staged copy per URL key: keys only, so the sort stays small
    SELECT DISTINCT ON (e.url_key) e.raw_page_id, e.url_key, r.fetched_at
    FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
    ORDER BY e.url_key, r.fetched_at DESC, e.raw_page_id DESC
), staged AS MATERIALIZED (  -- fields read from the JSON in one pass (each ->> would decompress it again),
                            -- beside what is stored now, read once before anything is written
    SELECT l.raw_page_id, l.url_key, l.fetched_at, e.source_key, j.*,
           md5(coalesce(j.body_norm, '')) AS content_hash,
           a.id AS old_id, a.fetched_at AS old_fetched_at, a.content_hash AS old_content_hash,
           a.title_norm AS old_title_norm, a.search_vector AS old_search_vector
    FROM latest l JOIN extracted_pages e ON e.raw_page_id = l.raw_page_id
    CROSS JOIN LATERAL jsonb_to_record(e.article) AS j (
        url text, canonical_url text, title text, body text, authors text[], section text, tags text[],
        language text, images jsonb, published_at timestamptz, published_raw text, modified_at timestamptz,
        modified_raw text, extractor text, extractor_version text, title_norm text, body_norm text, agency text,
        dateline text)
    LEFT JOIN articles a ON a.url_key = l.url_key
), superseded AS (  -- the stored version, replaced by a newer fetch with another body
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT a.id, a.url_key, a.raw_page_id, a.title, a.body, a.content_hash, a.published_at, a.modified_at,
           a.extractor_version, a.fetched_at
    FROM staged s JOIN articles a ON a.id = s.old_id
    WHERE s.old_fetched_at < s.fetched_at AND s.old_content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), late AS (  -- an older fetch arriving after a newer one: history, not the current version
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT s.old_id, s.url_key, s.raw_page_id, s.title, s.body, s.content_hash, s.published_at, s.modified_at,
           s.extractor_version, s.fetched_at
    FROM staged s
    WHERE s.fetched_at < s.old_fetched_at AND s.old_content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), upserted AS (
    INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, section,
                          tags, language, images, published_at, published_raw, modified_at, modified_raw,
                          extractor, extractor_version, fetched_at, title_norm, body_norm, agency, dateline,
                          content_hash, search_vector, story_id, minhash)
    SELECT s.url_key, s.url, s.canonical_url, s.source_key, s.raw_page_id, s.title, s.body,
           coalesce(s.authors, '{}'), s.section, coalesce(s.tags, '{}'), s.language, coalesce(s.images, '[]'),
           s.published_at, s.published_raw, s.modified_at, s.modified_raw, s.extractor, s.extractor_version,
           s.fetched_at, coalesce(s.title_norm, ''), coalesce(s.body_norm, ''), nullif(s.agency, ''),
           nullif(s.dateline, ''), s.content_hash,
           CASE WHEN s.old_content_hash = s.content_hash AND s.old_title_norm = coalesce(s.title_norm, '')
                THEN s.old_search_vector
                ELSE akhbar_document_vector(s.title_norm, s.body_norm, stop.lexemes)
           END,
           sa.story_id, sa.minhash
    FROM staged s CROSS JOIN stop
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
