-- Recompute the aggregates of the given stories from their members: the earliest member is canonical, the
-- agency is the one most members credit. Stories left with no member are removed.
WITH agg AS (
    SELECT a.story_id,
           (array_agg(a.id ORDER BY coalesce(a.published_at, a.fetched_at), a.id))[1] AS canonical_article_id,
           (array_agg(a.title ORDER BY coalesce(a.published_at, a.fetched_at), a.id))[1] AS title,
           mode() WITHIN GROUP (ORDER BY a.agency) AS agency,
           min(coalesce(a.published_at, a.fetched_at)) AS first_published_at,
           max(coalesce(a.published_at, a.fetched_at)) AS last_published_at,
           count(*) AS member_count,
           count(DISTINCT a.source_key) AS source_count,
           array_agg(DISTINCT a.source_key ORDER BY a.source_key) AS sources
    FROM articles a
    WHERE a.story_id = ANY(%(story_ids)s)
    GROUP BY a.story_id
), updated AS (
    UPDATE stories s
    SET canonical_article_id = agg.canonical_article_id, title = agg.title, agency = agg.agency,
        first_published_at = agg.first_published_at, last_published_at = agg.last_published_at,
        member_count = agg.member_count, source_count = agg.source_count, sources = agg.sources,
        updated_at = now()
    FROM agg WHERE s.id = agg.story_id
    RETURNING s.id
)
DELETE FROM stories s
WHERE s.id = ANY(%(story_ids)s) AND s.id NOT IN (SELECT id FROM updated);
