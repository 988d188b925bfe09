-- The page lifecycle has one owner (akhbar/pipeline/lifecycle.py); this is its state in the database.
--
--   pending -> extracted -> validated -> loaded          (terminal: loaded, quarantined, skipped)
--
-- - 'validated' is a state of its own: a page that passed the gate and waits for the load.
-- - claimed_by: the crawl run that works on the page now (NULL: the run that fetched it, crawl_run_id). A run
--   claims the non-terminal pages of its source whose run died (no process holds that run's lease, a session
--   advisory lock), so nothing is stranded by a crash; pages a live run holds are left to it.
-- - attempts: how many times a run claimed the page. Past AKHBAR_MAX_PAGE_ATTEMPTS the page is quarantined as
--   attempts_exhausted instead of being tried again (a page that crashes every run that touches it).
ALTER TABLE raw_pages DROP CONSTRAINT raw_pages_parse_status_check;
ALTER TABLE raw_pages ADD CONSTRAINT raw_pages_parse_status_check
    CHECK (parse_status IN ('pending', 'extracted', 'validated', 'quarantined', 'loaded', 'skipped'));
ALTER TABLE raw_pages
    ADD COLUMN claimed_by bigint REFERENCES crawl_runs (id),
    ADD COLUMN attempts integer NOT NULL DEFAULT 0;
-- The pages still in flight, per source: what a run adopts, and what must be empty when every run is done.
CREATE INDEX raw_pages_open ON raw_pages (source_key, id)
    WHERE parse_status IN ('pending', 'extracted', 'validated');
CREATE INDEX raw_pages_claimed ON raw_pages (claimed_by, parse_status) WHERE claimed_by IS NOT NULL;

-- "The newest staged copy per URL key" is decided in one place, when a run's pages are validated
-- (skip_superseded_pages.sql: the others are skipped with a reason); this index makes it a fact the loader
-- and the clusterer can rely on instead of choosing again.
CREATE UNIQUE INDEX extracted_pages_one_valid_per_key ON extracted_pages (crawl_run_id, url_key)
    WHERE validation_status = 'valid';

-- Pages that are articles have no quarantine row and the other way round; a page is quarantined when every
-- attempt at it failed.
ALTER TABLE quarantine DROP CONSTRAINT quarantine_stage_check;
ALTER TABLE quarantine ADD CONSTRAINT quarantine_stage_check
    CHECK (stage IN ('fetch', 'parse', 'validate', 'lifecycle'));
