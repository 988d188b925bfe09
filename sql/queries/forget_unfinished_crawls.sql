-- Before a run crawls: earlier runs of the source whose crawl never finished (no crawl stats recorded: the
-- Scrapy process was killed) and that are dead (no lease held) may have saved a feed's or sitemap's validators
-- (ETag, Last-Modified) without storing the pages it listed; a conditional GET would then answer 304 and those
-- pages would never be fetched. Their validators are dropped, so the next crawl reads those documents in
-- full (pages already stored are recognized as already had), and the runs are marked as dealt with.
-- Returns the validators dropped.
WITH live AS (  -- runs whose lease a process holds (migration 0024)
    SELECT run_id FROM akhbar_live_runs(%(lease_class)s) AS run_id
), unfinished AS (
    UPDATE crawl_runs c SET stats = c.stats || '{"crawl_unfinished": true}'::jsonb
    WHERE c.source_key = %(source_key)s AND c.id <> %(run_id)s AND c.status IN ('running', 'failed')
      AND NOT c.stats ? 'crawl' AND NOT c.stats ? 'crawl_unfinished'
      AND c.id NOT IN (SELECT run_id FROM live)
    RETURNING c.started_at
), dropped AS (
    DELETE FROM http_validators v
    WHERE v.source_key = %(source_key)s AND v.checked_at >= (SELECT min(started_at) FROM unfinished)
    RETURNING v.url
)
SELECT count(*) FROM dropped;
