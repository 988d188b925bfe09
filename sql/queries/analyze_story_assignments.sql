-- Temporary tables are never analyzed by autovacuum: give the planner the assignments' real size.
ANALYZE story_assignments;
