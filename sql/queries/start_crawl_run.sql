-- Start a crawl run. With a run label (an Airflow run id) the same label reuses its run: a retried or
-- re-run DAG run continues instead of starting over.
INSERT INTO crawl_runs (source_key, run_label)
VALUES (%(source_key)s, %(run_label)s)
ON CONFLICT (source_key, run_label) DO UPDATE SET status = 'running', error = NULL
RETURNING id;
