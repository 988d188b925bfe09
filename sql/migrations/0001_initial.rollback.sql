DROP TABLE IF EXISTS quarantine, articles, extracted_pages, raw_pages, crawl_runs, sources;
