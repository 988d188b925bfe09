SELECT id, source_key, run_label, status, started_at, finished_at, stats, error, health, health_reason, judged_at
FROM crawl_runs WHERE id = %(run_id)s;
