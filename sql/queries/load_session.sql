-- Settings for one load transaction (set_config(..., true) and SET LOCAL: they end with it).
-- The memory AKHBAR_LOAD_MEMORY allows (256MB by default) for the sorts and hashes over the staged rows, and for
-- the GIN entries: they are appended to the pending lists during the load and moved into the indexes in bulk
-- (an in-memory sort of them), by the session whose append takes a pending list past this size, and at the
-- end of the load by flush_search_indexes (akhbar.pipeline.loading.load_batches).
SELECT set_config('work_mem', %(memory)s, true),
       set_config('maintenance_work_mem', %(memory)s, true),
       set_config('gin_pending_list_limit', %(memory)s, true);
-- A load's estimates are rough (temporary tables, JSON fields), and JIT-compiling its plans cost more than
-- it saved when measured (0.85 s of a 3.4 s UPSERT of 20,000 articles).
SET LOCAL jit = off;
-- What the load writes compressed (the search vectors, 2-3 KB per article, kept in the row) is compressed with
-- lz4 where the server has it, which is faster than the default pglz; elsewhere the default stays.
DO $$
BEGIN
    PERFORM set_config('default_toast_compression', 'lz4', true);
EXCEPTION WHEN invalid_parameter_value THEN
    NULL;
END
$$;
