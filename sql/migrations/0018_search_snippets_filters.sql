-- Search that reads like the articles: snippets in the article's own spelling, filters, bounded ranking.
--
-- Snippets. Matching runs on the folded search form of body_norm (ة -> ه -> ة, alef forms, ى, no diacritics),
-- and ts_headline could only cut its snippet from that form: "انة لا يعلم" for "أنه لا يعلم", "«كاس» «العالم»"
-- for "كأس العالم". akhbar_snippet finds the words of the folded text that stem to a query lexeme, then cuts
-- the snippet from the stored body: folding never joins or splits whitespace-separated words, so the n-th
-- word of the body is the n-th word of its folded form (a body where that does not hold, e.g. after an NFKC
-- ligature that expands to several words, is folded word by word instead). Consecutive matched words are one
-- phrase and get one mark; a stopword the query itself contains does not break a phrase.
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
--
-- A word matches when its stem (the akhbar_ar configuration, on its search form) is one of the query's
-- lexemes: the same test as the match itself. Stemming every word of a body is what ts_headline does, and it
-- was most of a search's time; so only the words that can match are stemmed. Besides removing affixes, the
-- stemmer lower-cases Latin letters, rewrites hamza carriers (ؤ -> و, ئ -> ي, a final one -> ء) and the verb
-- prefixes يست/تست/نست -> است; so, lower-cased and with ء ؤ ئ و ي ة ه left out of both (and a leading است
-- read as ست), a lexeme is a substring of every word it stems from. Checked on the 164,686 (word, lexeme)
-- pairs of 6,475 Al Arabiya articles of the corpus: no exception. That cheap test picks the candidates;
-- stemming them decides.
CREATE FUNCTION akhbar_snippet(body text, body_norm text, tsq tsquery, query text,
                               mark_start text DEFAULT '«', mark_stop text DEFAULT '»', max_words integer DEFAULT 30)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = public, pg_temp AS $$
DECLARE
    blind constant text := 'ءؤئويةه';  -- the letters the stemmer may rewrite, and ة/ه of the search form
    words text[];         -- the body's words, as stored
    folded text[];        -- the same words folded (body_norm), one per stored word
    n integer;
    lexemes text[];       -- the query's lexemes
    patterns text[];      -- LIKE patterns: each lexeme without the letters in ``blind``
    matched boolean[];
    query_words text[];
    hits integer[];       -- positions of the matched words
    terms text[];         -- the lexeme each matched
    best_start integer;
    second_start integer;
    fragments text[] := '{}';
    piece text;
BEGIN
    -- Stored bodies are paragraphs of single-spaced words joined by blank lines; body_norm is single-spaced.
    words := array_remove(string_to_array(translate(coalesce(body, ''), E'\n\r\t\f\v', '     '), ' '), '');
    n := coalesce(array_length(words, 1), 0);
    IF n = 0 THEN
        RETURN '';
    END IF;
    IF tsq IS NULL OR numnode(tsq) = 0 THEN
        RETURN array_to_string(words[1:max_words], ' ') || CASE WHEN n > max_words THEN ' …' ELSE '' END;
    END IF;
    folded := array_remove(string_to_array(coalesce(body_norm, ''), ' '), '');
    IF coalesce(array_length(folded, 1), 0) <> n THEN
        -- The texts do not split into the same words (an NFKC ligature that expands into several, a word of
        -- diacritics only, other whitespace): fold each stored word on its own.
        folded := ARRAY(SELECT akhbar_fold(w) FROM unnest(words) WITH ORDINALITY AS u (w, i) ORDER BY i);
    END IF;
    lexemes := ARRAY(SELECT replace(m[1], '''''', '''')
                     FROM regexp_matches(tsq::text, '''((?:[^'']|'''')+)''', 'g') AS m);
    patterns := ARRAY(SELECT DISTINCT '%' || replace(replace(replace(
                          translate(regexp_replace(l, '^است', 'ست'), blind, ''), '\', '\\'), '%', '\%'), '_', '\_') || '%'
                      FROM unnest(lexemes) AS l);
    SELECT array_agg(c.i ORDER BY c.i), array_agg(c.lexeme ORDER BY c.i) INTO hits, terms
    FROM (SELECT u.i::integer AS i,
                 (SELECT min(x) FROM unnest(tsvector_to_array(to_tsvector('public.akhbar_ar',
                                                                          akhbar_search_form(u.f)))) AS x
                  WHERE x = ANY (lexemes)) AS lexeme
          FROM unnest(folded) WITH ORDINALITY AS u (f, i)
          WHERE translate(lower(u.f), blind, '') LIKE ANY (patterns)) AS c
    WHERE c.lexeme IS NOT NULL;
    IF hits IS NULL THEN  -- only the title matched
        RETURN array_to_string(words[1:max_words], ' ') || CASE WHEN n > max_words THEN ' …' ELSE '' END;
    END IF;
    matched := array_fill(false, ARRAY[n]);
    FOR j IN 1..array_length(hits, 1) LOOP
        matched[hits[j]] := true;
    END LOOP;
    query_words := regexp_split_to_array(akhbar_search_form(akhbar_fold(query)), '\s+');

    -- The stretch holding the most distinct matched lexemes, the earliest of those; each candidate starts a
    -- few words before a match.
    SELECT st.s INTO best_start
    FROM (SELECT DISTINCT greatest(1, h - 4) AS s FROM unnest(hits) AS h) AS st
    JOIN unnest(hits, terms) AS m (i, term) ON m.i BETWEEN st.s AND st.s + max_words - 1
    GROUP BY st.s ORDER BY count(DISTINCT m.term) DESC, st.s LIMIT 1;
    -- A second, shorter stretch after the first, when it holds matched lexemes the first does not.
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
            inside[i] := akhbar_search_form(regexp_replace(folded[i], '[^ء-ي0-9a-zA-Z]', '', 'g')) = ANY (query_words);
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
-- suits a rare word reads every match of a common one (p95 214 ms instead of 64 ms over bench/load.py's articles).
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
