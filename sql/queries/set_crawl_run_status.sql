-- Move a crawl run to a stage and merge that stage's counts into its stats.
UPDATE crawl_runs
SET status = %(status)s,
    stats = stats || %(stats)s::jsonb,
    error = %(error)s,
    finished_at = CASE WHEN %(status)s IN ('loaded', 'failed') THEN now() ELSE finished_at END
WHERE id = %(run_id)s;
