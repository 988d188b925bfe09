-- Search: a word-final ه is read as ة before stemming, in documents, queries, stopwords and snippets alike.
--
-- normalize_for_search folds ة to ه (the normalization issue asks for it, and deduplication compares that
-- form), but the Snowball Arabic stemmer strips a final ة, not a final ه, once it has removed the article:
-- الحكومه stemmed to حكومه while حكومه stemmed to حكوم, so a search for حكومة missed every الحكومة, and عملية
-- missed العملية. Measured on the 40,000 commonest word forms of 4,000 corpus texts, weighted by frequency:
-- of the pairs of different forms that the stemmer gives one stem when ة is kept, stemming the folded form
-- gave one stem to 85.6%; reading its final ه as ة first gives one stem to 97.2%. Of the pairs that reading
-- joins, 94.4% are pairs the stemmer joins (99.6% before): a pronoun suffix (منه, حكومته) is sometimes read
-- as ة. body_norm and title_norm do not change; only the text handed to the stemmer does.
CREATE FUNCTION akhbar_search_form(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(coalesce(t, ''), 'ه(?![ء-ي])', 'ة', 'g')
$$;

CREATE OR REPLACE FUNCTION akhbar_document_vector(title_norm text, body_norm text, stop_lexemes text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(ts_delete(to_tsvector('public.akhbar_ar', public.akhbar_search_form(title_norm)),
                               stop_lexemes), 'A')
        || setweight(ts_delete(to_tsvector('public.akhbar_ar', public.akhbar_search_form(body_norm)),
                               stop_lexemes), 'B')
$$;

CREATE OR REPLACE FUNCTION akhbar_stop_lexemes() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lexeme), '{}')
    FROM public.search_stopwords,
         unnest(tsvector_to_array(to_tsvector('public.akhbar_ar', public.akhbar_search_form(word)))) AS lexeme
$$;

CREATE OR REPLACE FUNCTION akhbar_query(query text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT websearch_to_tsquery('public.akhbar_ar', coalesce(string_agg(tok, ' ' ORDER BY n), ''))
    FROM regexp_split_to_table(public.akhbar_search_form(public.akhbar_fold(query)), '\s+')
         WITH ORDINALITY AS t (tok, n)
    WHERE tok <> ''
      AND NOT (to_tsvector('public.akhbar_ar', tok) <> ''::tsvector
               AND ts_delete(to_tsvector('public.akhbar_ar', tok), public.akhbar_stop_lexemes()) = ''::tsvector)
$$;

-- The snippet is cut from the same text the vector was made from, so that the words it highlights are the
-- words that matched.
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
           ts_headline('public.akhbar_ar', akhbar_search_form(h.body_norm), q.tsq,
                       'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»')
    FROM hits h, q
    ORDER BY h.rank DESC, h.published_at DESC NULLS LAST, h.id DESC
$$;

-- Stored articles get their vectors again (about 0.5 ms an article).
UPDATE articles SET search_vector = akhbar_document_vector(title_norm, body_norm, akhbar_stop_lexemes());
