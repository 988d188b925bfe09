-- Forget every story and clustering input, to cluster the whole corpus again (akhbar stories recluster).
UPDATE articles
SET story_id = NULL, reprint_id = NULL, minhash = NULL, story_shingles = NULL, story_terms = NULL, story_model = NULL
WHERE minhash IS NOT NULL OR story_id IS NOT NULL;
DELETE FROM stories;
TRUNCATE story_term_df;
