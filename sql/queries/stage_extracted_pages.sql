-- Stage a parse batch for the quality gate, as COPY text rows: raw_page_id, crawl_run_id, source_key, url_key,
-- article (the article JSON). Run unstage_pages first in the same transaction. Validation status, failed
-- checks and extraction time take their defaults (pending, none, now).
COPY extracted_pages (raw_page_id, crawl_run_id, source_key, url_key, article) FROM STDIN
