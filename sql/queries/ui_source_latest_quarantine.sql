-- A source's newest quarantined URLs with their reasons.
SELECT q.url, q.stage, q.reasons, q.created_at, q.details ->> 'title' AS title
FROM quarantine q
WHERE q.source_key = %(key)s
ORDER BY q.created_at DESC, q.id DESC
LIMIT %(limit)s;
