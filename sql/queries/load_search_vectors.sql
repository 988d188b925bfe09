-- Before the UPSERT, for each of a run's valid staged pages: the hash of its normalized body and, when its
-- text differs from the stored article (a new article or a changed one), its search vector. Parsing and
-- stemming the bodies is most of a load's work, and INSERT ... SELECT never runs in parallel, but this query
-- may (see load_parallel.sql). Parallel workers cannot read temporary tables, so it reads the staging table
-- itself. load_articles reads the result; the temporary table goes at the end of the transaction.
CREATE TEMPORARY TABLE load_vectors ON COMMIT DROP AS
SELECT e.raw_page_id, h.content_hash,
       CASE WHEN a.id IS NULL OR a.content_hash IS DISTINCT FROM h.content_hash
                 OR a.title_norm IS DISTINCT FROM coalesce(j.title_norm, '')
            THEN akhbar_document_vector(j.title_norm, j.body_norm, (SELECT akhbar_stop_lexemes()))
       END AS search_vector  -- NULL: the stored vector stays
FROM extracted_pages e
CROSS JOIN LATERAL jsonb_to_record(e.article) AS j (title_norm text, body_norm text)
CROSS JOIN LATERAL (SELECT md5(coalesce(j.body_norm, '')) AS content_hash) AS h
LEFT JOIN articles a ON a.url_key = e.url_key
WHERE e.crawl_run_id = %(run_id)s AND e.validation_status = 'valid';
ALTER TABLE load_vectors ADD PRIMARY KEY (raw_page_id);
ANALYZE load_vectors;
