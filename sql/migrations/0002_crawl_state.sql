-- depends: 0001_initial
-- Crawl state that survives ephemeral workers: one recorded outcome per discovered URL, and the HTTP
-- validators (ETag, Last-Modified) of every feed, sitemap and listing page for conditional GET.

-- The latest outcome of every URL a source's crawler discovered. One row per (source, URL key); a later run
-- overwrites the outcome, except "already_had", which only records that the URL was seen again.
CREATE TABLE url_outcomes (
    source_key       text NOT NULL REFERENCES sources (key),
    url_key          text NOT NULL,
    url              text NOT NULL,
    kind             text NOT NULL DEFAULT 'page'
                     CHECK (kind IN ('page', 'feed', 'sitemap', 'listing')),
    outcome          text NOT NULL
                     CHECK (outcome IN ('fetched', 'already_had', 'not_modified', 'robots_disallowed', 'offsite',
                                        'http_4xx', 'http_5xx', 'timeout', 'too_large', 'truncated',
                                        'network_error', 'not_html', 'blocked', 'deferred')),
    detail           text,
    http_status      integer,
    discovered_via   text,            -- the feed, sitemap or listing page that named the URL
    lastmod          timestamptz,     -- the sitemap's lastmod, or the feed's date, when given
    crawl_run_id     bigint NOT NULL REFERENCES crawl_runs (id),   -- the run that decided the outcome
    last_crawl_run_id bigint NOT NULL REFERENCES crawl_runs (id),  -- the last run that saw the URL
    first_seen_at    timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL,
    PRIMARY KEY (source_key, url_key)
);
CREATE INDEX url_outcomes_key ON url_outcomes (url_key);
CREATE INDEX url_outcomes_run ON url_outcomes (last_crawl_run_id, outcome);

CREATE VIEW v_url_outcomes AS
SELECT url, source_key AS source, outcome, detail, last_seen_at AS last_seen,
       kind, http_status, url_key, crawl_run_id, last_crawl_run_id
FROM url_outcomes;

-- Validators for conditional GET, per discovery URL (feeds, sitemaps, listing pages).
CREATE TABLE http_validators (
    url            text PRIMARY KEY,
    source_key     text NOT NULL REFERENCES sources (key),
    etag           text,
    last_modified  text,
    http_status    integer,
    checked_at     timestamptz NOT NULL,
    changed_at     timestamptz NOT NULL
);

-- Raw page bodies are written in bulk; lz4 compresses them several times faster than the default pglz
-- (where the server was built with lz4; otherwise they keep pglz).
DO $$
BEGIN
    ALTER TABLE raw_pages ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'lz4 is not available here; raw_pages.body keeps the default compression';
END
$$;
