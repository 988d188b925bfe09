-- Pages of a run that the extractor could not turn into an article (not fetch errors, not empty or non-HTML
-- pages), counted per source and set of reasons: they count toward a source's failure rate at the quality
-- gate. With a time, only those quarantined after it (the gate's last verdict on the run), so a finished run
-- judged again is not judged on old failures.
SELECT source_key, reasons, count(*)
FROM quarantine
WHERE crawl_run_id = %(run_id)s AND stage = 'parse'
  AND reasons && ARRAY['no_article', 'extraction_failed', 'extractor_crashed']
  AND (%(since)s::timestamptz IS NULL OR created_at > %(since)s::timestamptz)
GROUP BY source_key, reasons;
