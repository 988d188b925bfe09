-- The load's story assignments, written before the UPSERT reads them; gone at the end of the transaction.
CREATE TEMPORARY TABLE IF NOT EXISTS story_assignments (
    url_key     text PRIMARY KEY,
    story_id    bigint NOT NULL,
    reprint_id  bigint NOT NULL,
    minhash     bytea NOT NULL,
    shingles    bytea NOT NULL,
    terms       jsonb NOT NULL,
    model       text NOT NULL
) ON COMMIT DROP;
