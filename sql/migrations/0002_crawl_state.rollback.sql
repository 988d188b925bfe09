ALTER TABLE raw_pages ALTER COLUMN body SET COMPRESSION default;
DROP VIEW IF EXISTS v_url_outcomes;
DROP TABLE IF EXISTS url_outcomes, http_validators;
