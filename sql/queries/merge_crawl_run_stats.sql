-- Merge counts into a crawl run's stats, leaving its status and error as they are: `akhbar run` records the
-- totals of steps it ran several times, and the clustering that follows a load adds its story counts.
UPDATE crawl_runs SET stats = stats || %(stats)s::jsonb WHERE id = %(run_id)s;
