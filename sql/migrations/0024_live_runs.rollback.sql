DROP FUNCTION IF EXISTS akhbar_live_runs(bigint);
