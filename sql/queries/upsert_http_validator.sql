-- Remember a discovery URL's validators after a 200 (changed) or a 304 (unchanged: only checked_at moves).
INSERT INTO http_validators (url, source_key, etag, last_modified, http_status, checked_at, changed_at)
VALUES (%(url)s, %(source_key)s, %(etag)s, %(last_modified)s, %(http_status)s, %(checked_at)s, %(checked_at)s)
ON CONFLICT (url) DO UPDATE
SET etag = CASE WHEN EXCLUDED.http_status = 304 THEN http_validators.etag ELSE EXCLUDED.etag END,
    last_modified = CASE WHEN EXCLUDED.http_status = 304 THEN http_validators.last_modified
                         ELSE EXCLUDED.last_modified END,
    changed_at = CASE WHEN EXCLUDED.http_status = 304 THEN http_validators.changed_at ELSE EXCLUDED.changed_at END,
    http_status = EXCLUDED.http_status,
    checked_at = EXCLUDED.checked_at,
    source_key = EXCLUDED.source_key;
