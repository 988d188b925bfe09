-- Pages that became quarantined are no longer articles: the article a page stands for (it is the article's
-- current raw page) is removed, so no page is both an article and quarantined. Returns how many, and the
-- stories they belonged to, event stories and reprint groups alike (whose aggregates need refreshing).
WITH gone AS (
    DELETE FROM articles WHERE raw_page_id = ANY(%(ids)s) RETURNING story_id, reprint_id
)
SELECT count(*),
       coalesce((SELECT array_agg(DISTINCT s) FROM gone, unnest(ARRAY[story_id, reprint_id]) AS s
                 WHERE s IS NOT NULL), '{}')
FROM gone;
