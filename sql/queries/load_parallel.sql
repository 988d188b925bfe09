-- For a batch big enough (akhbar.pipeline.PARALLEL_LOAD_PAGES), let load_search_vectors use parallel workers.
-- The planner cannot see that parsing and stemming a body costs far more than its estimate for to_tsvector,
-- and the staging heap looks small because the article JSON lives in TOAST, so on its own it would not
-- start workers. With none free, the query runs serially, as it would anyway.
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
