INSERT INTO story_assignments (url_key, story_id, reprint_id, minhash, shingles, terms, model) VALUES %s
ON CONFLICT (url_key) DO UPDATE
SET story_id = EXCLUDED.story_id, reprint_id = EXCLUDED.reprint_id, minhash = EXCLUDED.minhash,
    shingles = EXCLUDED.shingles, terms = EXCLUDED.terms, model = EXCLUDED.model;
