-- Stories and reprint groups whose members changed after their aggregates were last computed (a re-parse, a
-- revision).
SELECT DISTINCT s.id
FROM article_stories m
JOIN articles a ON a.id = m.article_id
JOIN stories s ON s.id IN (m.story_id, m.reprint_id)
WHERE a.updated_at > s.updated_at;
