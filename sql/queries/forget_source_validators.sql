-- A run judged blocked: forget the source's conditional-GET validators (ETag, Last-Modified), so the next run
-- reads its feeds, sitemaps and listing pages in full and asks again for the article pages that were refused.
-- Otherwise an unchanged feed answers 304, no article page is asked for, and a source that still blocks us
-- looks merely empty. Returns the validators dropped.
WITH dropped AS (
    DELETE FROM http_validators WHERE source_key = %(source_key)s RETURNING url
)
SELECT count(*) FROM dropped;
