-- Back to 0006's search_articles: every match ranked, snippets cut from the folded text, no filters.
DROP FUNCTION search_articles(text, integer, text, date, date, bigint, text, text);
DROP FUNCTION akhbar_snippet(text, text, tsquery, text, text, text, integer);
DROP FUNCTION akhbar_snippet_fragment(text[], text[], boolean[], text[], integer, integer, text, text);
DROP FUNCTION search_candidates();

CREATE FUNCTION search_articles(query text, lim integer DEFAULT 20)
RETURNS TABLE (article_id bigint, published_at timestamptz, source_key text, title text, url text,
               story_id bigint, rank real, snippet text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH q AS (SELECT akhbar_query(query) AS tsq),
    hits AS (
        SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url, a.story_id, a.body_norm,
               ts_rank_cd(a.search_vector, q.tsq) AS rank
        FROM articles a, q
        WHERE numnode(q.tsq) > 0 AND a.search_vector @@ q.tsq
        ORDER BY rank DESC, a.published_at DESC NULLS LAST, a.id DESC
        LIMIT greatest(lim, 0)
    )
    SELECT h.id, h.published_at, h.source_key, h.title, h.canonical_url, h.story_id, h.rank,
           ts_headline('public.akhbar_ar', akhbar_search_form(h.body_norm), q.tsq,
                       'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»')
    FROM hits h, q
    ORDER BY h.rank DESC, h.published_at DESC NULLS LAST, h.id DESC
$$;
GRANT EXECUTE ON FUNCTION search_articles(text, integer) TO akhbar_reader;
