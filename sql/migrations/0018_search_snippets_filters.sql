-- Search that reads like the articles: snippets in the article's own spelling, filters, bounded ranking.
--
-- Snippets. Matching runs on the folded search form of body_norm (ة -> ه -> ة, alef forms, ى, no diacritics),
-- and ts_headline could only cut its snippet from that form: "انة لا يعلم" for "أنه لا يعلم", "«كاس» «العالم»"
-- for "كأس العالم". akhbar_snippet asks ts_headline which words of the folded text match (HighlightAll), then
-- cuts the snippet from the stored body: folding never joins or splits whitespace-separated words, so the
-- n-th word of the body is the n-th word of its folded form (a body where that does not hold, e.g. after an
-- NFKC ligature that expands to several words, is aligned word by word instead). Consecutive matched words
-- are one phrase and get one mark; a stopword the query itself contains does not break a phrase.
--
-- Ranking. search_articles ranked every match (ts_rank_cd reads each match's vector): a word in half of
-- 100,000 articles cost ~300 ms. Now at most search_candidates() matches are ranked: all of them when there are
-- fewer, else the newest ones (the planner, which sees the query's real selectivity in PL/pgSQL, walks the
-- published_at index for a common word and the GIN index for a rare one). Ranks within 10% of each other are
-- near-ties, ordered newest first.

CREATE FUNCTION search_candidates() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1000 $$;

-- A snippet of ``body`` (the stored text) around the words of ``body_norm`` (its folded form) that ``tsq``
-- matches: up to ``max_words`` words, and a second stretch when it holds a query word the first lacks.
-- ``query`` is the text the user typed (its stopwords may join two matched words into one phrase).
CREATE FUNCTION akhbar_snippet(body text, body_norm text, tsq tsquery, query text,
                               mark_start text DEFAULT '«', mark_stop text DEFAULT '»', max_words integer DEFAULT 30)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = public, pg_temp AS $$
DECLARE
    hl_start constant text := chr(57344);  -- U+E000, U+E001: private-use characters (none in the 41,000 corpus texts)
    hl_stop constant text := chr(57345);
    words text[];         -- the body's words, as stored
    folded text[];        -- the folded words, matched ones carrying hl_start
    n integer;
    matched boolean[];
    query_words text[];
    hits integer[];       -- positions of the matched words
    terms text[];         -- their folded forms
    best_start integer;
    second_start integer;
    fragments text[] := '{}';
    piece text;
BEGIN
    words := regexp_split_to_array(btrim(coalesce(body, ''), E' \t\r\n'), '\s+');
    IF words = '{""}' THEN
        RETURN '';
    END IF;
    n := array_length(words, 1);
    IF tsq IS NULL OR numnode(tsq) = 0 THEN
        RETURN array_to_string(words[1:max_words], ' ') || CASE WHEN n > max_words THEN ' …' ELSE '' END;
    END IF;
    folded := regexp_split_to_array(btrim(ts_headline('public.akhbar_ar', akhbar_search_form(body_norm), tsq,
                                         'HighlightAll=true, StartSel="' || hl_start || '", StopSel="' || hl_stop || '"'),
                                          E' \t\r\n'), '\s+');
    IF coalesce(array_length(folded, 1), 0) <> n THEN
        -- The two texts do not split into the same words: fold each stored word on its own, and give it the
        -- folded words it became (none, one, or several).
        DECLARE
            aligned text[] := array_fill(''::text, ARRAY[n]);
            pos integer := 1;
            k integer;
        BEGIN
            FOR i IN 1..n LOOP
                k := coalesce(array_length(regexp_split_to_array(nullif(akhbar_fold(words[i]), ''), '\s+'), 1), 0);
                aligned[i] := array_to_string(folded[pos:pos + k - 1], ' ');
                pos := pos + k;
            END LOOP;
            folded := aligned;
        END;
    END IF;
    SELECT array_agg(strpos(f, hl_start) > 0 ORDER BY i),
           array_agg(i::integer ORDER BY i) FILTER (WHERE strpos(f, hl_start) > 0),
           array_agg(translate(f, hl_start || hl_stop, '') ORDER BY i) FILTER (WHERE strpos(f, hl_start) > 0)
    INTO matched, hits, terms
    FROM unnest(folded) WITH ORDINALITY AS u (f, i);
    IF hits IS NULL THEN  -- only the title matched
        RETURN array_to_string(words[1:max_words], ' ') || CASE WHEN n > max_words THEN ' …' ELSE '' END;
    END IF;
    query_words := regexp_split_to_array(akhbar_search_form(akhbar_fold(query)), '\s+');

    -- The stretch holding the most distinct matched words, the earliest of those; each candidate starts a
    -- few words before a match.
    SELECT st.s INTO best_start
    FROM (SELECT DISTINCT greatest(1, h - 4) AS s FROM unnest(hits) AS h) AS st
    JOIN unnest(hits, terms) AS m (i, term) ON m.i BETWEEN st.s AND st.s + max_words - 1
    GROUP BY st.s ORDER BY count(DISTINCT m.term) DESC, st.s LIMIT 1;
    -- A second, shorter stretch after the first, when it holds matched words the first does not.
    SELECT st.s INTO second_start
    FROM (SELECT DISTINCT h - 2 AS s FROM unnest(hits) AS h WHERE h - 2 >= best_start + max_words) AS st
    JOIN unnest(hits, terms) AS m (i, term) ON m.i BETWEEN st.s AND st.s + max_words / 2 - 1
    WHERE m.term <> ALL (SELECT f.term FROM unnest(hits, terms) AS f (i, term)
                         WHERE f.i BETWEEN best_start AND best_start + max_words - 1)
    GROUP BY st.s ORDER BY count(DISTINCT m.term) DESC, st.s LIMIT 1;

    fragments := fragments || akhbar_snippet_fragment(words, folded, matched, query_words, best_start,
                                                      least(n, best_start + max_words - 1), mark_start, mark_stop);
    IF second_start IS NOT NULL THEN
        fragments := fragments || akhbar_snippet_fragment(words, folded, matched, query_words, second_start,
                                                          least(n, second_start + max_words / 2 - 1),
                                                          mark_start, mark_stop);
    END IF;
    piece := array_to_string(fragments, ' … ');
    IF best_start > 1 THEN
        piece := '… ' || piece;
    END IF;
    IF coalesce(second_start + max_words / 2 - 1, best_start + max_words - 1) < n THEN
        piece := piece || ' …';
    END IF;
    RETURN piece;
END
$$;

-- Words first..last of a body, each run of matched words marked once. A word between two matched words
-- stays inside the run when the query holds it too (a stopword the query dropped, e.g. في in "وزير في مصر").
-- Leading and trailing punctuation stays outside a mark: «كأس العالم»، not «كأس العالم،».
CREATE FUNCTION akhbar_snippet_fragment(words text[], folded text[], matched boolean[], query_words text[],
                                        first integer, last integer, mark_start text, mark_stop text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    inside boolean[] := array_fill(false, ARRAY[last + 1]);
    out text[] := '{}';
    opening boolean;
    closing boolean;
    parts text[];
BEGIN
    FOR i IN first..last LOOP
        inside[i] := matched[i];
        IF NOT inside[i] AND i > first AND i < last AND matched[i - 1] AND matched[i + 1] THEN
            inside[i] := regexp_replace(folded[i], '[^ء-ي0-9a-zA-Z]', '', 'g') = ANY (query_words);
        END IF;
    END LOOP;
    FOR i IN first..last LOOP
        opening := inside[i] AND (i = first OR NOT inside[i - 1]);
        closing := inside[i] AND (i = last OR NOT inside[i + 1]);
        IF opening OR closing THEN
            parts := regexp_match(words[i], '^([]«»"''“”‘’()[{}<>،,.:;؛!?؟…–—-]*)(.*?)([]«»"''“”‘’()[{}<>،,.:;؛!?؟…–—-]*)$');
            out := out || (parts[1] || CASE WHEN opening THEN mark_start ELSE '' END || parts[2]
                           || CASE WHEN closing THEN mark_stop ELSE '' END || parts[3]);
        ELSE
            out := out || words[i];
        END IF;
    END LOOP;
    RETURN array_to_string(out, ' ');
END
$$;

DROP FUNCTION search_articles(text, integer);

-- Ranked articles for a query, optionally of one source, published within [date_from, date_to] (UTC days,
-- both included), or of one story; each with a snippet of its own text, the matched phrases between
-- mark_start and mark_stop.
CREATE FUNCTION search_articles(query text, lim integer DEFAULT 20, source text DEFAULT NULL,
                                date_from date DEFAULT NULL, date_to date DEFAULT NULL, story bigint DEFAULT NULL,
                                mark_start text DEFAULT '«', mark_stop text DEFAULT '»')
RETURNS TABLE (article_id bigint, published_at timestamptz, source_key text, title text, url text,
               story_id bigint, rank real, snippet text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
-- A plan for each query: a cached generic plan cannot know how many articles a query matches, and one that
-- suits a rare word reads every match of a common one (p95 214 ms instead of 64 ms in bench/load.py).
SET search_path = public, pg_temp SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    -- A variable, not a subquery: the planner then sees the real query and estimates how many articles match.
    tsq tsquery := akhbar_query(query);
    lo timestamptz := date_from::timestamp AT TIME ZONE 'UTC';
    hi timestamptz := (date_to + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF numnode(tsq) = 0 OR lim <= 0 THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH candidates AS MATERIALIZED (
        SELECT a.id, a.published_at AS published, a.search_vector
        FROM articles a
        WHERE a.search_vector @@ tsq
          AND (source IS NULL OR a.source_key = source)
          AND (lo IS NULL OR a.published_at >= lo)
          AND (hi IS NULL OR a.published_at < hi)
          AND (story IS NULL OR a.story_id = story)
        ORDER BY a.published_at DESC, a.id DESC  -- the order of the index articles_published
        LIMIT search_candidates()
    ), ranked AS (
        SELECT c.id, c.published, ts_rank_cd(c.search_vector, tsq) AS r
        FROM candidates c
    ), top AS (
        SELECT rk.id, rk.published, rk.r
        FROM ranked rk
        ORDER BY floor(ln(greatest(rk.r, 1e-6)) / ln(1.1)) DESC, rk.published DESC NULLS LAST, rk.id DESC
        LIMIT lim
    )
    SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url, a.story_id, t.r,
           akhbar_snippet(a.body, a.body_norm, tsq, query, mark_start, mark_stop)
    FROM top t JOIN articles a ON a.id = t.id
    ORDER BY floor(ln(greatest(t.r, 1e-6)) / ln(1.1)) DESC, t.published DESC NULLS LAST, t.id DESC;
END
$$;

GRANT EXECUTE ON FUNCTION search_articles(text, integer, text, date, date, bigint, text, text),
    akhbar_snippet(text, text, tsquery, text, text, text, integer) TO akhbar_reader;
