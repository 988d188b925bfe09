-- The parse step stages an article-shaped row instead of the article as JSON (issue 16, "one write per
-- article"): one typed column per field the load writes to articles, the content hash computed by the parse
-- worker. The load reads the columns straight into its UPSERT: no JSON is parsed when the row is written,
-- nor taken apart twice (search vectors, then the UPSERT) when it is loaded.
ALTER TABLE extracted_pages
    ADD COLUMN url                text,
    ADD COLUMN canonical_url      text,
    ADD COLUMN title              text,
    ADD COLUMN body               text,
    ADD COLUMN authors            text[] NOT NULL DEFAULT '{}',
    ADD COLUMN section            text,
    ADD COLUMN tags               text[] NOT NULL DEFAULT '{}',
    ADD COLUMN language           text,
    ADD COLUMN images             jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN published_at       timestamptz,
    ADD COLUMN published_raw      text,
    ADD COLUMN modified_at        timestamptz,
    ADD COLUMN modified_raw       text,
    ADD COLUMN agency             text,
    ADD COLUMN dateline           text,
    ADD COLUMN title_norm         text NOT NULL DEFAULT '',
    ADD COLUMN body_norm          text NOT NULL DEFAULT '',
    ADD COLUMN extractor          text,
    ADD COLUMN extractor_version  text,
    ADD COLUMN content_hash       text;   -- md5 of body_norm, as articles.content_hash

-- Pages staged before this migration keep what they staged.
UPDATE extracted_pages e
SET (url, canonical_url, title, body, authors, section, tags, language, images, published_at, published_raw,
     modified_at, modified_raw, agency, dateline, title_norm, body_norm, extractor, extractor_version,
     content_hash) =
    (SELECT j.url, coalesce(j.canonical_url, j.url), j.title, j.body, coalesce(j.authors, '{}'), j.section,
            coalesce(j.tags, '{}'), j.language, coalesce(j.images, '[]'), j.published_at, j.published_raw,
            j.modified_at, j.modified_raw, nullif(j.agency, ''), nullif(j.dateline, ''),
            coalesce(j.title_norm, ''), coalesce(j.body_norm, ''), coalesce(j.extractor, 'generic'),
            coalesce(j.extractor_version, '0'), md5(coalesce(j.body_norm, ''))
     FROM jsonb_to_record(e.article) AS j (
         url text, canonical_url text, title text, body text, authors text[], section text, tags text[],
         language text, images jsonb, published_at timestamptz, published_raw text, modified_at timestamptz,
         modified_raw text, agency text, dateline text, title_norm text, body_norm text, extractor text,
         extractor_version text));

ALTER TABLE extracted_pages
    ALTER COLUMN url SET NOT NULL,
    ALTER COLUMN canonical_url SET NOT NULL,
    ALTER COLUMN extractor SET NOT NULL,
    ALTER COLUMN extractor_version SET NOT NULL,
    ALTER COLUMN content_hash SET NOT NULL,
    DROP COLUMN article;

-- The long texts compress with lz4 where the server has it (as articles.body does), faster than pglz.
DO $$
BEGIN
    ALTER TABLE extracted_pages ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE extracted_pages ALTER COLUMN body_norm SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
    NULL;
END $$;
