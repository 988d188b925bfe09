-- Stories in two tiers (akhbar/stories.py): every article gets a reprint group (near copies of one text) and
-- an event story (reprint groups plus independent write-ups of the same event). Both are rows of `stories`,
-- told apart by `kind`; articles point at their event story (story_id) and their reprint group (reprint_id).
-- The clusterer's inputs are stored with each article (shingle hashes, word counts) so later loads compare
-- against it without reading its text again, and `story_term_df` keeps the corpus's document frequencies.
-- Stories are derived data: the existing ones are dropped and every article is clustered again by the next
-- stories run (`akhbar stories recluster` does it at once).

ALTER TABLE stories
    ADD COLUMN kind           text NOT NULL DEFAULT 'event' CHECK (kind IN ('event', 'reprint')),
    ADD COLUMN first_source   text,                        -- the outlet of the earliest member
    ADD COLUMN source_lags    jsonb NOT NULL DEFAULT '{}', -- outlet -> minutes its first member came after it
    ADD COLUMN reprint_count  integer NOT NULL DEFAULT 0;  -- reprint groups in an event story

ALTER TABLE articles
    ADD COLUMN reprint_id      bigint REFERENCES stories (id) ON DELETE SET NULL,
    ADD COLUMN story_shingles  bytea,   -- sorted uint32 hashes of the body's word 3-shingles (little-endian)
    ADD COLUMN story_terms     jsonb,   -- {"b": stemmed body words -> count, "t": title words -> count}
    ADD COLUMN story_model     text;    -- the scorer version that placed the article (akhbar/story_scorer.json)
CREATE INDEX articles_reprint ON articles (reprint_id);
CREATE INDEX articles_clustered_published ON articles ((coalesce(published_at, fetched_at)))
    WHERE minhash IS NOT NULL AND story_id IS NOT NULL;

CREATE TABLE story_term_df (
    term  text PRIMARY KEY,   -- '' holds the number of documents
    df    bigint NOT NULL
);

UPDATE articles SET story_id = NULL, minhash = NULL WHERE story_id IS NOT NULL OR minhash IS NOT NULL;
DELETE FROM stories;

DROP VIEW v_stories;
CREATE VIEW v_stories AS
SELECT s.id AS story_id, s.title, s.agency, s.first_published_at, s.last_published_at, s.member_count,
       s.source_count, s.sources, s.reprint_count, s.first_source, s.source_lags,
       a.canonical_url AS canonical_url, s.canonical_article_id
FROM stories s LEFT JOIN articles a ON a.id = s.canonical_article_id
WHERE s.kind = 'event' AND s.source_count >= 2
ORDER BY s.last_published_at DESC NULLS LAST, s.id DESC;

-- One row per outlet of a multi-outlet event story: when it first had the story and how long after the first.
CREATE VIEW v_story_outlets AS
SELECT s.id AS story_id, a.source_key, min(coalesce(a.published_at, a.fetched_at)) AS first_published_at,
       round((extract(epoch FROM min(coalesce(a.published_at, a.fetched_at)) - s.first_published_at) / 60)::numeric,
             1) AS lag_minutes,
       a.source_key = s.first_source AS was_first
FROM stories s JOIN articles a ON a.story_id = s.id
WHERE s.kind = 'event' AND s.source_count >= 2
GROUP BY s.id, a.source_key, s.first_published_at, s.first_source;

-- The members of each event story with their reprint group (copies of one text share reprint_id).
CREATE VIEW v_story_members AS
SELECT a.story_id, a.reprint_id, a.id AS article_id, a.source_key, a.published_at, a.title, a.agency,
       a.canonical_url AS url, a.story_model
FROM articles a JOIN stories s ON s.id = a.story_id AND s.kind = 'event';

GRANT SELECT ON v_stories, v_story_outlets, v_story_members TO akhbar_reader;
