-- The run's health verdict (akhbar/pipeline/health.py) and, when the gate judged it, when.
UPDATE crawl_runs
SET health = %(health)s, health_reason = %(reason)s,
    judged_at = CASE WHEN %(judged)s THEN now() ELSE judged_at END
WHERE id = %(run_id)s;
