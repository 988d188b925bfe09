COPY story_updates (id, chunk, story_id, reprint_id, minhash, shingles, terms, model, content_hash) FROM STDIN
