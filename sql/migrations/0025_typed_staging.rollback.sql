-- Back to the article JSON per staged page (what the parse step staged before 0025).
ALTER TABLE extracted_pages ADD COLUMN article jsonb;
UPDATE extracted_pages
SET article = jsonb_build_object(
    'url', url, 'canonical_url', canonical_url, 'title', title, 'body', body, 'authors', to_jsonb(authors),
    'section', section, 'tags', to_jsonb(tags), 'language', language, 'images', images,
    'published_at', published_at, 'published_raw', published_raw, 'modified_at', modified_at,
    'modified_raw', modified_raw, 'agency', agency, 'dateline', dateline, 'title_norm', title_norm,
    'body_norm', body_norm, 'extractor', extractor, 'extractor_version', extractor_version, 'source', source_key);
ALTER TABLE extracted_pages
    ALTER COLUMN article SET NOT NULL,
    DROP COLUMN url, DROP COLUMN canonical_url, DROP COLUMN title, DROP COLUMN body, DROP COLUMN authors,
    DROP COLUMN section, DROP COLUMN tags, DROP COLUMN language, DROP COLUMN images, DROP COLUMN published_at,
    DROP COLUMN published_raw, DROP COLUMN modified_at, DROP COLUMN modified_raw, DROP COLUMN agency,
    DROP COLUMN dateline, DROP COLUMN title_norm, DROP COLUMN body_norm, DROP COLUMN extractor,
    DROP COLUMN extractor_version, DROP COLUMN content_hash;
DO $$
BEGIN
    ALTER TABLE extracted_pages ALTER COLUMN article SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
    NULL;
END $$;
