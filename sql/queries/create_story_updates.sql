-- The clustering's assignments, COPYed here a chunk at a time, each chunk then written onto its articles
-- (update_article_stories.sql); the rows stay until the end of the transaction, so that a later chunk's read
-- of the stored window (clustered_in_window.sql) leaves out the articles this clustering already holds.
CREATE TEMPORARY TABLE IF NOT EXISTS story_updates (
    id            bigint NOT NULL,
    chunk         integer NOT NULL,
    story_id      bigint NOT NULL,
    reprint_id    bigint NOT NULL,
    minhash       bytea NOT NULL,
    shingles      bytea NOT NULL,
    terms         jsonb NOT NULL,
    model         text NOT NULL,
    content_hash  text,          -- the body the assignment was computed from
    PRIMARY KEY (chunk, id)
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS story_updates_id ON story_updates (id);
TRUNCATE story_updates;
