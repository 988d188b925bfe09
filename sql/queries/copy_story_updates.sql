COPY story_updates (id, story_id, reprint_id, minhash, shingles, terms, model, content_hash) FROM STDIN
