-- Back to 0003's search functions: the stemmer reads the folded text as it is.
CREATE OR REPLACE FUNCTION akhbar_document_vector(title_norm text, body_norm text, stop_lexemes text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(ts_delete(to_tsvector('public.akhbar_ar', coalesce(title_norm, '')), stop_lexemes), 'A')
        || setweight(ts_delete(to_tsvector('public.akhbar_ar', coalesce(body_norm, '')), stop_lexemes), 'B')
$$;

CREATE OR REPLACE FUNCTION akhbar_stop_lexemes() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lexeme), '{}')
    FROM public.search_stopwords, unnest(tsvector_to_array(to_tsvector('public.akhbar_ar', word))) AS lexeme
$$;

-- A query as a tsquery: folded, its stopwords dropped word by word, then read with websearch syntax
-- ("a phrase", OR, -word). A query of stopwords only becomes the empty query, which matches nothing.
CREATE OR REPLACE FUNCTION akhbar_query(query text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT websearch_to_tsquery('public.akhbar_ar', coalesce(string_agg(tok, ' ' ORDER BY n), ''))
    FROM regexp_split_to_table(public.akhbar_fold(query), '\s+') WITH ORDINALITY AS t (tok, n)
    WHERE tok <> ''
      AND NOT (to_tsvector('public.akhbar_ar', tok) <> ''::tsvector
               AND ts_delete(to_tsvector('public.akhbar_ar', tok), public.akhbar_stop_lexemes()) = ''::tsvector)
$$;


-- Ranked articles for a query, with a highlighted snippet of the body.
CREATE OR REPLACE FUNCTION search_articles(query text, lim integer DEFAULT 20)
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
           ts_headline('public.akhbar_ar', h.body_norm, q.tsq,
                       'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»')
    FROM hits h, q
    ORDER BY h.rank DESC, h.published_at DESC NULLS LAST, h.id DESC
$$;

-- Articles loaded before this migration: fold their text in SQL (the same folding as the loader's input) so

UPDATE articles SET search_vector = akhbar_document_vector(title_norm, body_norm, akhbar_stop_lexemes());
DROP FUNCTION IF EXISTS akhbar_search_form(text);
