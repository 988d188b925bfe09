-- The Sources pages read only, and never wait long: a UI request must not hold up a load.
SET LOCAL statement_timeout = '10s';
SET LOCAL lock_timeout = '2s';
