-- depends: 0006_search_vector_inline
-- A second opinion on extraction: on a sample of each source's pages (1 in 20 by URL hash, and every page of a
-- source's first run) our article is compared with trafilatura's extraction of the same HTML. One row per page
-- and run. ``disagreements`` names what differs: body_short (our body under 60% of trafilatura's length),
-- body_long (over 150%), title or published (trafilatura found one and we did not); empty when both agree.
CREATE TABLE second_opinions (
    crawl_run_id      bigint NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    raw_page_id       bigint NOT NULL REFERENCES raw_pages (id) ON DELETE CASCADE,
    source_key        text NOT NULL REFERENCES sources (key),
    url               text NOT NULL,
    checked_at        timestamptz NOT NULL DEFAULT now(),
    our_body_chars    integer NOT NULL,
    their_body_chars  integer,          -- NULL: trafilatura found no text (nothing to compare the body with)
    disagreements     text[] NOT NULL DEFAULT '{}'
                      CHECK (disagreements <@ ARRAY['body_short', 'body_long', 'title', 'published']::text[]),
    disagrees         boolean GENERATED ALWAYS AS (cardinality(disagreements) > 0) STORED,
    PRIMARY KEY (crawl_run_id, raw_page_id)
);
CREATE INDEX second_opinions_source_day ON second_opinions (source_key, checked_at);

-- The rate per source and day, by field: what v_source_health shows beside its other counts.
CREATE VIEW v_second_opinion_daily AS
SELECT source_key,
       (checked_at AT TIME ZONE 'UTC')::date                             AS day,
       count(*)                                                          AS sampled,
       count(*) FILTER (WHERE disagrees)                                 AS disagreed,
       round(count(*) FILTER (WHERE disagrees)::numeric / count(*), 3)  AS disagreement_rate,
       count(*) FILTER (WHERE 'body_short' = ANY (disagreements))        AS body_short,
       count(*) FILTER (WHERE 'body_long' = ANY (disagreements))         AS body_long,
       count(*) FILTER (WHERE 'title' = ANY (disagreements))             AS title_missing,
       count(*) FILTER (WHERE 'published' = ANY (disagreements))         AS published_missing
FROM second_opinions
GROUP BY source_key, (checked_at AT TIME ZONE 'UTC')::date;

GRANT SELECT ON v_second_opinion_daily TO akhbar_reader;
