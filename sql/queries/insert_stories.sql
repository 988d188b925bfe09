-- New, empty stories (execute_values of (canonical_article_id)); refresh_stories fills them from their members.
INSERT INTO stories (canonical_article_id) VALUES %s
RETURNING id, canonical_article_id;
