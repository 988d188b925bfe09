-- The Sources pages count a source's articles per day of first load; without this index every page view
-- would read all of a source's articles.
CREATE INDEX IF NOT EXISTS articles_source_first_loaded ON articles (source_key, first_loaded_at);
