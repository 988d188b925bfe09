-- Migration 0018 replaced search_articles with a new signature (filters and snippet marks), and a new function
-- starts with EXECUTE granted to PUBLIC. Revoke it again, for every SECURITY DEFINER function of the schema,
-- as 0010 did; akhbar_reader keeps the EXECUTE 0018 granted it. Safe to apply again.
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
