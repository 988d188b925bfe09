-- Which crawl runs are alive, defined once: a run is alive while a process holds its lease, the session advisory
-- lock (lease class, run id) in this database (akhbar.pipeline.lifecycle.lease). A killed process, a lost
-- connection or a restarted server releases it. The page claim and the crawl's clean-up of dead runs read this.
CREATE FUNCTION akhbar_live_runs(lease_class bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT l.objid::bigint
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = lease_class::oid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
$$;
