ALTER TABLE quarantine DROP CONSTRAINT quarantine_stage_check;
UPDATE quarantine SET stage = 'parse' WHERE stage = 'lifecycle';
ALTER TABLE quarantine ADD CONSTRAINT quarantine_stage_check CHECK (stage IN ('fetch', 'parse', 'validate'));
DROP INDEX IF EXISTS extracted_pages_one_valid_per_key;
DROP INDEX IF EXISTS raw_pages_claimed;
DROP INDEX IF EXISTS raw_pages_open;
ALTER TABLE raw_pages DROP COLUMN IF EXISTS attempts, DROP COLUMN IF EXISTS claimed_by;
ALTER TABLE raw_pages DROP CONSTRAINT raw_pages_parse_status_check;
UPDATE raw_pages SET parse_status = 'extracted' WHERE parse_status = 'validated';
ALTER TABLE raw_pages ADD CONSTRAINT raw_pages_parse_status_check
    CHECK (parse_status IN ('pending', 'extracted', 'quarantined', 'loaded', 'skipped'));
