-- Move what a load appended to the pending lists of the GIN indexes on articles into the indexes proper,
-- in bulk, so that the searches after a load do not read a long unsorted list. Indexes that the current role
-- does not own are left to autovacuum.
SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am am ON am.oid = c.relam
WHERE i.indrelid = 'articles'::regclass AND am.amname = 'gin' AND pg_has_role(c.relowner, 'USAGE');
