-- Record the gate's verdict per staged page (execute_values of (raw_page_id, status, failed_checks)).
UPDATE extracted_pages e
SET validation_status = v.status, failed_checks = v.failed_checks
FROM (VALUES %s) AS v (raw_page_id, status, failed_checks)
WHERE e.raw_page_id = v.raw_page_id;
