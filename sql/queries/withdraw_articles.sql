-- Pages that became quarantined are no longer articles: the article a page stands for (it is the article's
-- current raw page) is removed, so no page is both an article and quarantined. Returns how many, and the
-- stories they belonged to, event stories and reprint groups alike (whose aggregates need refreshing). Their
-- article_stories rows go with them (ON DELETE CASCADE); the SELECT still reads them (one snapshot).
WITH gone AS (
    DELETE FROM articles WHERE raw_page_id = ANY(%(ids)s) RETURNING id
)
SELECT count(*),
       coalesce((SELECT array_agg(DISTINCT s) FROM article_stories m, unnest(ARRAY[m.story_id, m.reprint_id]) AS s
                 WHERE m.article_id IN (SELECT id FROM gone)), '{}')
FROM gone;
