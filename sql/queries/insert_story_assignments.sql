INSERT INTO story_assignments (url_key, story_id, minhash) VALUES %s
ON CONFLICT (url_key) DO UPDATE SET story_id = EXCLUDED.story_id, minhash = EXCLUDED.minhash;
