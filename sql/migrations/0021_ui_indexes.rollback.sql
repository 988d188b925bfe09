DROP INDEX IF EXISTS articles_source_first_loaded;
