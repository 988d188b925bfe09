-- For a batch big enough (akhbar.pipeline.PARALLEL_LOAD_PAGES), let load_search_vectors use parallel workers.
-- The planner cannot see that parsing and stemming a body costs far more than its estimate for to_tsvector,
-- and the staging heap looks small because the article JSON lives in TOAST, so on its own it would not
-- start workers. With none free, the query runs serially, as it would anyway.
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
-- The leader writes the vectors the workers compute into the temporary table; left to compute as well, it
-- holds them up (measured on 2 cores: 4.8-5.4 s instead of 5.6-6.3 s for the vectors of 20,000 articles).
SET LOCAL parallel_leader_participation = off;
