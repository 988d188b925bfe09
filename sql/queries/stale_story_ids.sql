-- Stories whose members changed after the story's aggregates were last computed (a re-parse, a revision).
SELECT DISTINCT a.story_id
FROM articles a JOIN stories s ON s.id = a.story_id
WHERE a.updated_at > s.updated_at;
