DROP INDEX IF EXISTS raw_pages_extractor_version;
ALTER TABLE raw_pages DROP COLUMN IF EXISTS body_purged_at;
