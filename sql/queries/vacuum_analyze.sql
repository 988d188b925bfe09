-- Reclaim the space of updated and purged rows and refresh the planner's statistics, for every table of
-- the current database (run outside a transaction).
VACUUM (ANALYZE);
