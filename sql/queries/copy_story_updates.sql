COPY story_updates (id, chunk, story_id, reprint_id, published, model, content_hash) FROM STDIN
