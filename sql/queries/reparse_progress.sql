-- Re-parsable raw pages by the extractor version that last parsed them, those waiting in 'pending' included
-- (the progress of `akhbar maintenance reparse`: a page is done once the current version has parsed it).
SELECT extractor_version, count(*)
FROM raw_pages
WHERE extractor_version IS NOT NULL AND body IS NOT NULL AND fetch_error IS NULL
  AND COALESCE(http_status, 200) < 400 AND parse_status IN ('loaded', 'quarantined', 'pending')
GROUP BY extractor_version;
