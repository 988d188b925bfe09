-- Each clustered article's story and MinHash signature (execute_values of (id, story_id, minhash)).
UPDATE articles a
SET story_id = v.story_id, minhash = v.minhash
FROM (VALUES %s) AS v (id, story_id, minhash)
WHERE a.id = v.id;
