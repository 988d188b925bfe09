-- Search vectors stay in the article's heap row instead of TOAST.
--
-- search_articles ranks every article that matches (ts_rank_cd), so a common word reads tens of thousands of
-- vectors. A vector of a 3 KB article is about 2.5 KB after lz4, over the 2 KB at which PostgreSQL moved it
-- out of the row: each match then cost a TOAST index lookup and chunk reads. STORAGE MAIN keeps it compressed
-- in the row (it moves out only when the row would not fit in a page). Measured with bench/load.py on 100,000
-- synthetic articles: search p50 56.7 -> 32.6 ms, p95 560 -> 307 ms, the same results; the heap grows from
-- 107 to 389 MB while the table with its TOAST shrinks from 1339 to 1101 MB; the load's UPSERT is about 0.5 s
-- slower per 20,000 articles.
ALTER TABLE articles ALTER COLUMN search_vector SET STORAGE MAIN;

-- Stored vectors move into their rows when written again: a new value, equal to the old one.
UPDATE articles SET search_vector = search_vector || ''::tsvector WHERE search_vector IS NOT NULL;
