-- The Sources pages read only, and never wait long: a UI request must not hold up a load. JIT off: these
-- queries are short, and compiling them cost ~60 ms of a 180 ms page at 100,000 articles (bench/ui.py).
SET LOCAL statement_timeout = '10s';
SET LOCAL lock_timeout = '2s';
SET LOCAL jit = off;
