-- Back to the story columns on `articles` (what 0013 made). The clustering's stored inputs are not restored
-- (they were not kept): every article is left without a signature, so the clustering of that code takes each
-- again, and an article keeps its story meanwhile.
DROP VIEW v_articles;
DROP VIEW v_story_outlets;
DROP VIEW v_story_members;
ALTER TABLE articles
    ADD COLUMN minhash         bytea,
    ADD COLUMN story_id        bigint REFERENCES stories (id) ON DELETE SET NULL,
    ADD COLUMN reprint_id      bigint REFERENCES stories (id) ON DELETE SET NULL,
    ADD COLUMN story_shingles  bytea,
    ADD COLUMN story_terms     jsonb,
    ADD COLUMN story_model     text;
UPDATE articles a SET story_id = m.story_id, reprint_id = m.reprint_id, story_model = nullif(m.model, '')
FROM article_stories m WHERE m.article_id = a.id;
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_unclustered ON articles (id) WHERE minhash IS NULL;
CREATE INDEX articles_reprint ON articles (reprint_id);
CREATE INDEX articles_clustered_published ON articles ((coalesce(published_at, fetched_at)))
    WHERE minhash IS NOT NULL AND story_id IS NOT NULL;
DROP TABLE story_queue;
DROP TABLE article_stories;

CREATE VIEW v_articles AS
SELECT a.id, a.source_key, a.published_at, a.title, a.authors, a.agency, a.dateline, a.section, a.tags,
       a.language, a.body, a.canonical_url AS url, a.story_id, a.images, a.modified_at, a.fetched_at,
       a.first_loaded_at, a.updated_at,
       (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id) AS revisions
FROM articles a;

CREATE VIEW v_story_outlets AS
SELECT s.id AS story_id, a.source_key, min(coalesce(a.published_at, a.fetched_at)) AS first_published_at,
       round((extract(epoch FROM min(coalesce(a.published_at, a.fetched_at)) - s.first_published_at) / 60)::numeric,
             1) AS lag_minutes,
       a.source_key = s.first_source AS was_first
FROM stories s JOIN articles a ON a.story_id = s.id
WHERE s.kind = 'event' AND s.source_count >= 2
GROUP BY s.id, a.source_key, s.first_published_at, s.first_source;

CREATE VIEW v_story_members AS
SELECT a.story_id, a.reprint_id, a.id AS article_id, a.source_key, a.published_at, a.title, a.agency,
       a.canonical_url AS url, a.story_model
FROM articles a JOIN stories s ON s.id = a.story_id AND s.kind = 'event';

GRANT SELECT ON v_articles, v_story_outlets, v_story_members TO akhbar_reader;

CREATE OR REPLACE FUNCTION search_articles(query text, lim integer DEFAULT 20, source text DEFAULT NULL,
                                date_from date DEFAULT NULL, date_to date DEFAULT NULL, story bigint DEFAULT NULL,
                                mark_start text DEFAULT '«', mark_stop text DEFAULT '»')
RETURNS TABLE (article_id bigint, published_at timestamptz, source_key text, title text, url text,
               story_id bigint, rank real, snippet text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    tsq tsquery := akhbar_query(query);
    lo timestamptz := date_from::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (date_to + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF numnode(tsq) = 0 OR lim <= 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH candidates AS MATERIALIZED (
        SELECT a.id, a.published_at AS published, a.search_vector
        FROM articles a
        WHERE a.search_vector @@ tsq
          AND (source IS NULL OR a.source_key = source)
          AND (lo IS NULL OR a.published_at >= lo)
          AND (hi IS NULL OR a.published_at < hi)
          AND (story IS NULL OR a.story_id = story)
        ORDER BY a.published_at DESC, a.id DESC
        LIMIT search_candidates()
    ), ranked AS (
        SELECT c.id, c.published, ts_rank_cd(c.search_vector, tsq) AS r
        FROM candidates c
    ), top AS (
        SELECT rk.id, rk.published, rk.r
        FROM ranked rk
        ORDER BY floor(ln(greatest(rk.r, 1e-6)) / ln(1.1)) DESC, rk.published DESC NULLS LAST, rk.id DESC
        LIMIT lim
    )
    SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url, a.story_id, t.r,
           akhbar_snippet(a.body, a.body_norm, tsq, query, mark_start, mark_stop)
    FROM top t JOIN articles a ON a.id = t.id
    ORDER BY floor(ln(greatest(t.r, 1e-6)) / ln(1.1)) DESC, t.published DESC NULLS LAST, t.id DESC;
END
$$;
