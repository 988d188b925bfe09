-- The spider's own counts, merged into the run's stats when it closes.
UPDATE crawl_runs SET stats = stats || jsonb_build_object('crawl', %s::jsonb) WHERE id = %s;
