-- Raw pages an extractor could re-parse, by source and the extractor version that last parsed them: pages
-- with a body (not purged), that got an HTTP answer below 400, and that were loaded or quarantined.
SELECT source_key, extractor_version, count(*) AS pages
FROM raw_pages
WHERE extractor_version IS NOT NULL AND body IS NOT NULL AND fetch_error IS NULL
  AND COALESCE(http_status, 200) < 400 AND parse_status IN ('loaded', 'quarantined')
GROUP BY source_key, extractor_version
ORDER BY source_key, extractor_version;
