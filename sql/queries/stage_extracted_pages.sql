-- Stage a parse batch for the quality gate and the load, as COPY text rows in the column order of
-- akhbar.pipeline.parsing.staged_row: one article-shaped row per page. Run unstage_pages first in the same
-- transaction. Validation status, failed checks and extraction time take their defaults (pending, none, now).
COPY extracted_pages (raw_page_id, crawl_run_id, source_key, url_key, url, canonical_url, title, body, authors,
                      section, tags, language, images, published_at, published_raw, modified_at, modified_raw,
                      agency, dateline, title_norm, body_norm, extractor, extractor_version, content_hash)
FROM STDIN
