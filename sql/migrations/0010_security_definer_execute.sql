-- search_articles and search_titles_fuzzy run as their owner (SECURITY DEFINER, so that akhbar_reader can
-- search articles it cannot SELECT). PostgreSQL grants EXECUTE on a new function to PUBLIC, so any role that
-- could connect could call them. Only the roles granted EXECUTE (akhbar_reader, migration 0003) keep it.
--
-- Safe to apply again. It covers every SECURITY DEFINER function of the schema, whatever its signature; a
-- function created later (a new signature of search_articles included) starts with PUBLIC's EXECUTE again and
-- needs its own REVOKE (tests/integration/test_security.py fails until it has one).
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid::regprocedure
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prosecdef
        ORDER BY 1
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END $$;
