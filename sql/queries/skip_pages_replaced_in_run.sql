-- After that load: each such page whose article now stands on the newer copy is skipped with the page that won.
UPDATE raw_pages r
SET parse_status = 'skipped', skip_reason = 'same article as raw page ' || pair.kept_page_id
FROM unnest(%(old_ids)s::bigint[], %(new_ids)s::bigint[]) AS pair (page_id, kept_page_id)
WHERE r.id = pair.page_id AND r.parse_status = 'loaded'
  AND EXISTS (SELECT 1 FROM articles a WHERE a.raw_page_id = pair.kept_page_id)
  AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.raw_page_id = pair.page_id);
