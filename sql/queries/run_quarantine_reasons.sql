-- Pages a run quarantined, counted by reason.
SELECT reason, count(*) FROM quarantine, unnest(reasons) AS reason
WHERE crawl_run_id = %(run_id)s GROUP BY reason ORDER BY count(*) DESC, reason;
