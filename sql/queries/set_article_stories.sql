-- Each clustered article's story, reprint group and clustering inputs
-- (execute_values of (id, story_id, reprint_id, minhash, shingles, terms, model)).
UPDATE articles a
SET story_id = v.story_id, reprint_id = v.reprint_id, minhash = v.minhash, story_shingles = v.shingles,
    story_terms = v.terms, story_model = v.model
FROM (VALUES %s) AS v (id, story_id, reprint_id, minhash, shingles, terms, model)
WHERE a.id = v.id;
