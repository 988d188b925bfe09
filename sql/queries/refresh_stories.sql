-- Recompute the aggregates of the given stories (event stories and reprint groups) from their members:
-- - canonical: the earliest member; first_source: its outlet ("who had it first"); source_lags: each outlet's
--   minutes between the story's first member and its own first member;
-- - title: the representative title, that of the earliest member of the story's largest reprint group (the
--   copy most outlets carried);
-- - agency: the one most members credit. Stories left with no member are removed.
WITH members AS (
    SELECT m.story_id AS sid, a.id, a.title, a.agency, a.source_key, m.reprint_id,
           coalesce(a.published_at, a.fetched_at) AS published
    FROM article_stories m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ANY(%(story_ids)s)
    UNION ALL
    SELECT m.reprint_id, a.id, a.title, a.agency, a.source_key, m.reprint_id,
           coalesce(a.published_at, a.fetched_at)
    FROM article_stories m JOIN articles a ON a.id = m.article_id
    WHERE m.reprint_id = ANY(%(story_ids)s) AND m.reprint_id <> m.story_id
), sized AS (
    -- per member: its reprint group's size in the story, and the first publication of the story and of its outlet
    SELECT m.*, count(*) OVER (PARTITION BY m.sid, m.reprint_id) AS group_size,
           min(m.published) OVER (PARTITION BY m.sid) AS story_first,
           min(m.published) OVER (PARTITION BY m.sid, m.source_key) AS source_first
    FROM members m
), agg AS (
    -- one grouping and no join: the planner, whose statistics may predate the clustering that just set these
    -- story ids, would otherwise pick a nested loop of story against story (quadratic in a large batch)
    SELECT sid,
           (array_agg(id ORDER BY published, id))[1] AS canonical_article_id,
           (array_agg(title ORDER BY group_size DESC, published, id))[1] AS title,
           (array_agg(source_key ORDER BY published, id))[1] AS first_source,
           mode() WITHIN GROUP (ORDER BY agency) AS agency,
           min(published) AS first_published_at,
           max(published) AS last_published_at,
           count(*) AS member_count,
           count(DISTINCT source_key) AS source_count,
           count(DISTINCT reprint_id) AS reprint_count,
           array_agg(DISTINCT source_key ORDER BY source_key) AS sources,
           -- each outlet's lag (minutes), once per outlet: its members all carry the same value
           jsonb_object_agg(source_key, round((extract(epoch FROM source_first - story_first) / 60)::numeric, 1))
               AS source_lags
    FROM sized GROUP BY sid
), updated AS (
    UPDATE stories s
    SET canonical_article_id = agg.canonical_article_id, title = agg.title, agency = agg.agency,
        first_published_at = agg.first_published_at, last_published_at = agg.last_published_at,
        member_count = agg.member_count, source_count = agg.source_count, sources = agg.sources,
        first_source = agg.first_source, source_lags = agg.source_lags,
        reprint_count = CASE WHEN s.kind = 'event' THEN agg.reprint_count ELSE 0 END,
        updated_at = now()
    FROM agg WHERE s.id = agg.sid
    RETURNING s.id
)
DELETE FROM stories s
WHERE s.id = ANY(%(story_ids)s) AND s.id NOT IN (SELECT id FROM updated);
