UPDATE crawl_runs SET judged_at = now() WHERE id = %(run_id)s;
