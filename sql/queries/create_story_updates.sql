-- The clustering's assignments, COPYed here a chunk at a time before one UPDATE of articles writes them
-- (update_article_stories.sql); gone at the end of the transaction.
CREATE TEMPORARY TABLE IF NOT EXISTS story_updates (
    id            bigint PRIMARY KEY,
    story_id      bigint NOT NULL,
    reprint_id    bigint NOT NULL,
    minhash       bytea NOT NULL,
    shingles      bytea NOT NULL,
    terms         jsonb NOT NULL,
    model         text NOT NULL,
    content_hash  text           -- the body the assignment was computed from
) ON COMMIT DROP;
TRUNCATE story_updates;
