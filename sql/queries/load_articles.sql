-- UPSERT a load batch (the run's valid staged pages with raw page ids in (after, upto]) into articles on the
-- canonical URL key, in one statement.
-- A page fetched earlier than the stored article never overwrites it. When the normalized body changed, the
-- version that loses (the stored one, or a late-arriving older fetch) is kept in article_revisions with its
-- fetch time. The search vector is computed here, row by row as the rows are written, and only for a text that
-- differs from the stored one (a new article, or a changed body or title); otherwise the stored vector stays.
-- It is not a generated column, which would cost it on every write. One pass over the staged rows: no
-- temporary table of vectors written and read back. A statement that writes never runs in parallel, so the
-- load uses the cores by running batches side by side instead (akhbar.pipeline.loading.load_batches).
-- Stories are not assigned here: a new article, one whose body changed, or a placed one whose time
-- (coalesce(published_at, fetched_at)) is no longer the time its placement holds, joins story_queue (in this
-- statement, so the two commit together), and akhbar.stories.cluster_loaded clusters it after this transaction
-- commits (a placed article keeps its story; its placement takes the new body hash and time). The article
-- fields are the staged row's own columns (the parse step staged them article-shaped, with the content hash),
-- read straight into the INSERT, so no copy of the bodies is materialized.
-- Returns (articles written, of which new, revisions kept).
WITH latest AS MATERIALIZED (
    -- The run's valid staged pages, one per URL key (skip_superseded_pages.sql chose the newest copy; the unique
    -- index extracted_pages_one_valid_per_key holds it), beside what is stored for that key now (small columns
    -- only). The stored row is joined before the sort, so all of it is read before the first row is written:
    -- when the planner believes articles to be empty (a first load) a nested loop over it then stays cheap
    -- instead of rescanning, for every staged row, the rows this statement has already inserted.
    SELECT e.raw_page_id, e.url_key, r.fetched_at, e.content_hash,
           a.id AS old_id, a.fetched_at AS old_fetched_at, a.content_hash AS old_content_hash,
           a.title_norm AS old_title_norm, m.published AS placed_published
    FROM extracted_pages e
    JOIN raw_pages r ON r.id = e.raw_page_id
    LEFT JOIN articles a ON a.url_key = e.url_key
    LEFT JOIN article_stories m ON m.article_id = a.id
    WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
      AND e.raw_page_id > %(after)s AND e.raw_page_id <= %(upto)s
    ORDER BY e.url_key
), superseded AS (  -- the stored version, replaced by a newer fetch with another body
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT a.id, a.url_key, a.raw_page_id, a.title, a.body, a.content_hash, a.published_at, a.modified_at,
           a.extractor_version, a.fetched_at
    FROM latest s JOIN articles a ON a.id = s.old_id
    WHERE s.old_fetched_at < s.fetched_at AND s.old_content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), late AS (  -- an older fetch arriving after a newer one: history, not the current version
    INSERT INTO article_revisions (article_id, url_key, raw_page_id, title, body, content_hash, published_at,
                                   modified_at, extractor_version, fetched_at)
    SELECT s.old_id, s.url_key, s.raw_page_id, e.title, e.body, s.content_hash, e.published_at, e.modified_at,
           e.extractor_version, s.fetched_at
    FROM latest s JOIN extracted_pages e ON e.raw_page_id = s.raw_page_id
    WHERE s.fetched_at < s.old_fetched_at AND s.old_content_hash IS DISTINCT FROM s.content_hash
    ON CONFLICT (article_id, fetched_at, content_hash) DO NOTHING
    RETURNING 1
), upserted AS (
    INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, section,
                          tags, language, images, published_at, published_raw, modified_at, modified_raw,
                          extractor, extractor_version, fetched_at, title_norm, body_norm, agency, dateline,
                          content_hash, search_vector)
    SELECT s.url_key, e.url, e.canonical_url, e.source_key, s.raw_page_id, e.title, e.body, e.authors, e.section,
           e.tags, e.language, e.images, e.published_at, e.published_raw, e.modified_at, e.modified_raw,
           e.extractor, e.extractor_version, s.fetched_at, e.title_norm, e.body_norm, e.agency, e.dateline,
           s.content_hash,
           -- NULL means "unchanged": the stored vector stays (see DO UPDATE)
           CASE WHEN s.old_id IS NULL OR s.old_content_hash IS DISTINCT FROM s.content_hash
                     OR s.old_title_norm IS DISTINCT FROM e.title_norm
                THEN akhbar_document_vector(e.title_norm, e.body_norm, (SELECT akhbar_stop_lexemes()))
           END
    FROM latest s
    JOIN extracted_pages e ON e.raw_page_id = s.raw_page_id
    ON CONFLICT (url_key) DO UPDATE
    SET url = EXCLUDED.url, canonical_url = EXCLUDED.canonical_url, source_key = EXCLUDED.source_key,
        raw_page_id = EXCLUDED.raw_page_id,
        title = EXCLUDED.title, body = EXCLUDED.body, authors = EXCLUDED.authors, section = EXCLUDED.section,
        tags = EXCLUDED.tags, language = EXCLUDED.language, images = EXCLUDED.images,
        published_at = EXCLUDED.published_at, published_raw = EXCLUDED.published_raw,
        modified_at = EXCLUDED.modified_at, modified_raw = EXCLUDED.modified_raw,
        extractor = EXCLUDED.extractor, extractor_version = EXCLUDED.extractor_version,
        fetched_at = EXCLUDED.fetched_at, title_norm = EXCLUDED.title_norm, body_norm = EXCLUDED.body_norm,
        agency = EXCLUDED.agency, dateline = EXCLUDED.dateline, content_hash = EXCLUDED.content_hash,
        search_vector = coalesce(EXCLUDED.search_vector, articles.search_vector),
        updated_at = now()
    WHERE articles.fetched_at <= EXCLUDED.fetched_at
    RETURNING id, url_key, content_hash, coalesce(published_at, fetched_at) AS published, (xmax = 0) AS inserted
), queued AS (  -- a new article, a changed body or a moved time waits for the clustering; a placed one keeps its
                -- story meanwhile (a re-fetch that changes neither is not queued)
    INSERT INTO story_queue (article_id, content_hash)
    SELECT u.id, u.content_hash
    FROM upserted u JOIN latest s ON s.url_key = u.url_key
    WHERE u.inserted OR s.old_content_hash IS DISTINCT FROM u.content_hash
       OR (s.placed_published IS NOT NULL AND s.placed_published IS DISTINCT FROM u.published)
    ON CONFLICT (article_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, queued_at = now()
)
SELECT count(*), count(*) FILTER (WHERE inserted),
       (SELECT count(*) FROM superseded) + (SELECT count(*) FROM late)
FROM upserted;
