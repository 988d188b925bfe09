-- Pages that became quarantined are no longer articles: the article a page stands for (it is the article's
-- current raw page) is removed, so no page is both an article and quarantined. Returns how many, and the
-- stories they belonged to (whose aggregates need refreshing).
WITH gone AS (
    DELETE FROM articles WHERE raw_page_id = ANY(%(ids)s) RETURNING story_id
)
SELECT count(*), coalesce(array_agg(DISTINCT story_id) FILTER (WHERE story_id IS NOT NULL), '{}') FROM gone;
