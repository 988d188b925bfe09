-- The stored ETag and Last-Modified of a source's feeds, sitemaps and listing pages (for conditional GET).
SELECT url, etag, last_modified, checked_at FROM http_validators WHERE source_key = %(source_key)s;
