-- Before the UPSERT, for each valid staged page of the batch (the run's, raw page ids in (after, upto]): its
-- search vector when its text differs from the stored article's (a new article or a changed one). Parsing and
-- stemming the bodies is most of a load's work, and INSERT ... SELECT never runs in parallel, but this query
-- may (see load_parallel.sql). Parallel workers cannot read temporary tables, so it reads the staging table
-- itself. load_articles reads the result; the temporary table goes at the end of the transaction.
CREATE TEMPORARY TABLE load_vectors ON COMMIT DROP AS
SELECT e.raw_page_id,
       CASE WHEN a.id IS NULL OR a.content_hash IS DISTINCT FROM e.content_hash
                 OR a.title_norm IS DISTINCT FROM e.title_norm
            THEN akhbar_document_vector(e.title_norm, e.body_norm, (SELECT akhbar_stop_lexemes()))
       END AS search_vector  -- NULL: the stored vector stays
FROM extracted_pages e
LEFT JOIN articles a ON a.url_key = e.url_key
WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid'
  AND e.raw_page_id > %(after)s AND e.raw_page_id <= %(upto)s;
ALTER TABLE load_vectors ADD PRIMARY KEY (raw_page_id);
ANALYZE load_vectors;
