-- Stories and reprint groups whose members changed after their aggregates were last computed (a re-parse, a
-- revision).
SELECT DISTINCT s.id
FROM articles a JOIN stories s ON s.id IN (a.story_id, a.reprint_id)
WHERE a.updated_at > s.updated_at;
