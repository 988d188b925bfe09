-- Pages of a run that the extractor could not turn into an article (not fetch errors, not empty or non-HTML
-- pages): they count toward a source's failure rate at the quality gate.
SELECT source_key, reasons
FROM quarantine
WHERE crawl_run_id = %(run_id)s AND stage = 'parse'
  AND reasons && ARRAY['no_article', 'extraction_failed', 'extractor_crashed'];
