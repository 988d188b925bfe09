-- New stories, one per first member (execute_values); the aggregates are filled by refresh_stories.
INSERT INTO stories (canonical_article_id) VALUES %s
RETURNING id, canonical_article_id;
