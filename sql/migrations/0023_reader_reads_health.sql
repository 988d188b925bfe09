-- The Sources pages in the Airflow UI (akhbar/web) read as a login in akhbar_reader (akhbar_ui in compose), so
-- the reader may read what they count: runs, articles, quarantine, URL outcomes, second opinions, sources, and of
-- raw_pages only the columns that say when and in what state a page is (not its body or headers).
GRANT SELECT ON sources, crawl_runs, articles, quarantine, url_outcomes, second_opinions TO akhbar_reader;
GRANT SELECT (id, source_key, crawl_run_id, fetched_at, parse_status) ON raw_pages TO akhbar_reader;
