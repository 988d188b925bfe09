-- The clustering's placements, COPYed here a chunk at a time, each chunk then written into article_stories
-- (update_article_stories.sql); the rows stay until the end of the transaction, so that a later chunk's read
-- of the stored window (clustered_in_window.sql) leaves out the articles this clustering already holds.
CREATE TEMPORARY TABLE IF NOT EXISTS story_updates (
    id            bigint NOT NULL,
    chunk         integer NOT NULL,
    story_id      bigint NOT NULL,
    reprint_id    bigint NOT NULL,
    published     timestamptz NOT NULL,
    model         text NOT NULL,
    content_hash  text,          -- the body the placement was computed from
    PRIMARY KEY (chunk, id)
) ON COMMIT DROP;
CREATE INDEX IF NOT EXISTS story_updates_id ON story_updates (id);
TRUNCATE story_updates;
-- The rows of the stories a chunk created (copy_stories.sql), moved into stories by insert_story_rows.sql.
CREATE TEMPORARY TABLE IF NOT EXISTS story_rows (LIKE stories INCLUDING DEFAULTS) ON COMMIT DROP;
TRUNCATE story_rows;
