-- Raw HTML retention: drop the body of pages fetched before the cutoff that are finished with (loaded,
-- quarantined or skipped). Everything else on the row stays. Pages still in flight keep their body.
UPDATE raw_pages
SET body = NULL, body_purged_at = %(purged_at)s
WHERE fetched_at < %(cutoff)s AND body IS NOT NULL
  AND parse_status IN ('loaded', 'quarantined', 'skipped');
