-- The walking skeleton's schema: sources, crawl runs, raw pages (kept for re-parsing), the parse staging
-- area, articles and quarantine. Natural keys carry UNIQUE constraints so that every write is an UPSERT.

CREATE TABLE sources (
    key         text PRIMARY KEY,
    name        text NOT NULL,
    home_url    text NOT NULL,
    time_zone   text NOT NULL DEFAULT 'UTC',
    language    text NOT NULL DEFAULT 'ar',
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id           bigserial PRIMARY KEY,
    source_key   text NOT NULL REFERENCES sources (key),
    run_label    text,            -- e.g. the Airflow run id; unique per source when set
    status       text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'crawled', 'parsed', 'validated', 'loaded', 'failed')),
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    stats        jsonb NOT NULL DEFAULT '{}'::jsonb,
    error        text,
    UNIQUE (source_key, run_label)
);

-- One row per distinct (URL, body) fetched. The body is kept as fetched so a better extractor can re-parse
-- history without re-crawling. A re-fetch with the same body only bumps last_seen.
CREATE TABLE raw_pages (
    id                  bigserial PRIMARY KEY,
    source_key          text NOT NULL REFERENCES sources (key),
    crawl_run_id        bigint NOT NULL REFERENCES crawl_runs (id),
    last_crawl_run_id   bigint REFERENCES crawl_runs (id),
    url                 text NOT NULL,
    url_key             text NOT NULL,
    final_url           text,
    http_status         integer,
    headers             jsonb NOT NULL DEFAULT '{}'::jsonb,
    content_type        text,
    body                bytea,
    body_sha256         text NOT NULL,
    fetch_error         text,       -- network error, timeout ... when no response arrived
    fetched_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    parse_status        text NOT NULL DEFAULT 'pending'
                        CHECK (parse_status IN ('pending', 'extracted', 'quarantined', 'loaded', 'skipped')),
    skip_reason         text,       -- why a page that is not bad was not loaded (e.g. a newer copy won)
    extractor_version   text,
    UNIQUE (url_key, body_sha256)
);
CREATE INDEX raw_pages_run_status ON raw_pages (crawl_run_id, parse_status);
CREATE INDEX raw_pages_source ON raw_pages (source_key, fetched_at);

-- Parse results waiting for the quality gate and the load, one per raw page.
CREATE TABLE extracted_pages (
    raw_page_id        bigint PRIMARY KEY REFERENCES raw_pages (id) ON DELETE CASCADE,
    crawl_run_id       bigint NOT NULL REFERENCES crawl_runs (id),
    source_key         text NOT NULL REFERENCES sources (key),
    url_key            text NOT NULL,
    article            jsonb NOT NULL,
    validation_status  text NOT NULL DEFAULT 'pending'
                       CHECK (validation_status IN ('pending', 'valid', 'invalid')),
    failed_checks      text[] NOT NULL DEFAULT '{}',
    extracted_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extracted_pages_run ON extracted_pages (crawl_run_id, validation_status);

CREATE TABLE articles (
    id                 bigserial PRIMARY KEY,
    url_key            text NOT NULL UNIQUE,   -- key of the canonical URL
    url                text NOT NULL,
    canonical_url      text NOT NULL,
    source_key         text NOT NULL REFERENCES sources (key),
    raw_page_id        bigint REFERENCES raw_pages (id) ON DELETE SET NULL,
    title              text NOT NULL,
    body               text NOT NULL,
    authors            text[] NOT NULL DEFAULT '{}',
    section            text,
    tags               text[] NOT NULL DEFAULT '{}',
    language           text,
    images             jsonb NOT NULL DEFAULT '[]'::jsonb,
    published_at       timestamptz,
    published_raw      text,
    modified_at        timestamptz,
    modified_raw       text,
    extractor          text NOT NULL,
    extractor_version  text NOT NULL,
    fetched_at         timestamptz NOT NULL,
    first_loaded_at    timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_source_published ON articles (source_key, published_at DESC);
CREATE INDEX articles_published ON articles (published_at DESC);

-- Pages that did not become articles, with why. One row per raw page; re-validation overwrites it.
CREATE TABLE quarantine (
    id             bigserial PRIMARY KEY,
    raw_page_id    bigint NOT NULL UNIQUE REFERENCES raw_pages (id) ON DELETE CASCADE,
    crawl_run_id   bigint NOT NULL REFERENCES crawl_runs (id),
    source_key     text NOT NULL REFERENCES sources (key),
    url            text NOT NULL,
    stage          text NOT NULL CHECK (stage IN ('fetch', 'parse', 'validate')),
    reasons        text[] NOT NULL,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_source ON quarantine (source_key, created_at);
