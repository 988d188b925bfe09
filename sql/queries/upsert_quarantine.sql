-- Quarantine pages with their reason codes (execute_values). One row per raw page; the newest verdict wins.
INSERT INTO quarantine (raw_page_id, crawl_run_id, source_key, url, stage, reasons, details)
VALUES %s
ON CONFLICT (raw_page_id) DO UPDATE
SET crawl_run_id = EXCLUDED.crawl_run_id, stage = EXCLUDED.stage, reasons = EXCLUDED.reasons,
    details = EXCLUDED.details, created_at = now();
