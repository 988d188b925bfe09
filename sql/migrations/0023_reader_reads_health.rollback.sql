REVOKE SELECT (id, source_key, crawl_run_id, fetched_at, parse_status) ON raw_pages FROM akhbar_reader;
REVOKE SELECT ON sources, crawl_runs, articles, quarantine, url_outcomes, second_opinions FROM akhbar_reader;
