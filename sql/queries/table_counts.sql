SELECT (SELECT count(*) FROM raw_pages) AS raw_pages, (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM quarantine) AS quarantine, (SELECT count(*) FROM crawl_runs) AS crawl_runs;
