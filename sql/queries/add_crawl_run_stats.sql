-- Merge counts into a run's stats without moving its status (the clustering that follows a load).
UPDATE crawl_runs SET stats = stats || %(stats)s::jsonb WHERE id = %(run_id)s;
