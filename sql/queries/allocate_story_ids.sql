-- Ids for the stories a clustering chunk created (their rows are COPYed with the chunk, copy_stories.sql).
SELECT nextval('stories_id_seq') FROM generate_series(1, %(n)s);
