-- Revisions, stories, Arabic full-text search, views for people and a read-only role.
--
-- Search: PostgreSQL ships no Arabic stopword list, and a dictionary's StopWords option can only name a file in
-- the server's sharedir, which a migration cannot write (nor can the embedded server's users). So the stopwords
-- live in a table, are stemmed here once with the same configuration, and are removed from document vectors
-- with ts_delete() and from queries word by word (akhbar_query). Documents and queries are folded the same way
-- before they get here (title_norm/body_norm in Python, akhbar_fold() for queries typed into SQL).

-- Large text compresses faster with lz4 (about 40% faster loads here); skipped where the server lacks lz4.
DO $$
BEGIN
    ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE extracted_pages ALTER COLUMN article SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
    RAISE NOTICE 'lz4 compression not available: keeping the default';
END $$;

CREATE TABLE stories (
    id                    bigserial PRIMARY KEY,
    canonical_article_id  bigint,          -- the earliest member (FK added below, articles refer back)
    title                 text,
    agency                text,            -- the agency most members credit, if any
    first_published_at    timestamptz,
    last_published_at     timestamptz,
    member_count          integer NOT NULL DEFAULT 0,
    source_count          integer NOT NULL DEFAULT 0,
    sources               text[] NOT NULL DEFAULT '{}',
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stories_last_published ON stories (last_published_at DESC);

ALTER TABLE articles
    ADD COLUMN title_norm     text NOT NULL DEFAULT '',
    ADD COLUMN body_norm      text NOT NULL DEFAULT '',
    ADD COLUMN agency         text,
    ADD COLUMN dateline       text,
    ADD COLUMN content_hash   text,        -- md5 of body_norm: exact duplicates and revision detection
    ADD COLUMN search_vector  tsvector,    -- filled by the loader (not a generated column: 3.5x slower loads)
    ADD COLUMN minhash        bytea,       -- MinHash signature of body_norm shingles; NULL = not clustered yet
    ADD COLUMN story_id       bigint REFERENCES stories (id) ON DELETE SET NULL;
ALTER TABLE stories ADD CONSTRAINT stories_canonical_article_fk
    FOREIGN KEY (canonical_article_id) REFERENCES articles (id) ON DELETE SET NULL;
DO $$
BEGIN
    ALTER TABLE articles ALTER COLUMN body_norm SET COMPRESSION lz4;
    ALTER TABLE articles ALTER COLUMN search_vector SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
    NULL;
END $$;
CREATE INDEX articles_search ON articles USING gin (search_vector);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_unclustered ON articles (id) WHERE minhash IS NULL;
CREATE INDEX articles_agency ON articles (agency) WHERE agency IS NOT NULL;

-- Earlier versions of an article whose normalized body changed on a re-crawl. The article row keeps the newest.
CREATE TABLE article_revisions (
    id                 bigserial PRIMARY KEY,
    article_id         bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    url_key            text NOT NULL,
    raw_page_id        bigint REFERENCES raw_pages (id) ON DELETE SET NULL,
    title              text NOT NULL,
    body               text NOT NULL,
    content_hash       text,
    published_at       timestamptz,
    modified_at        timestamptz,
    extractor_version  text,
    fetched_at         timestamptz NOT NULL,   -- when this (old) version was fetched
    superseded_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (article_id, fetched_at, content_hash)
);

-- Search ------------------------------------------------------------------------------------------------------
CREATE TEXT SEARCH CONFIGURATION akhbar_ar (COPY = pg_catalog.arabic);

-- The stopword list, in the folded form (ى -> ي, أ/إ/آ -> ا, ة -> ه). Edit the table to change it.
CREATE TABLE search_stopwords (word text PRIMARY KEY);
INSERT INTO search_stopwords (word)
SELECT DISTINCT w FROM unnest(string_to_array(
    'في من الي علي عن ان او ثم مع هذا هذه ذلك تلك هؤلاء هولاء التي الذي الذين اللذين اللتين اللواتي '
    'هو هي هم هن انا نحن انت انتم كان كانت يكون تكون كانوا قد لقد وقد لا لم لن ما ماذا لماذا كيف متي اين '
    'حتي بعد قبل عند عندما بين منذ خلال حيث اما الا غير اي كل كما ايضا اذا اذ لكن لكن ولكن بل ثمه هناك هنا '
    'وفي ومن والي وعلي وعن وان او وهو وهي وكان وكانت ولا ولم ولن وما ومع وهذا وهذه وذلك وقال وقالت '
    'فيه فيها منه منها عليه عليها اليه اليها عنه عنها به بها له لها لهم بان بانه انه انها لان كذلك مثل '
    'يا اي او ام سوف سيتم تم', ' ')) AS w
WHERE w <> '';

-- The same folding as transforms.normalize.normalize_for_search, for text typed straight into SQL.
CREATE FUNCTION akhbar_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        translate(
            regexp_replace(normalize(coalesce(t, ''), NFKC),
                           '[\u0640\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]',
                           '', 'g'),
            'أإآٱٲٳىیېکڪةۀە٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹',
            'اااااايييككههه01234567890123456789'),
        '\s+', ' ', 'g'))
$$;

-- The document vector: title (weight A) above body (weight B), stopword lexemes removed.
CREATE FUNCTION akhbar_document_vector(title_norm text, body_norm text, stop_lexemes text[]) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(ts_delete(to_tsvector('public.akhbar_ar', coalesce(title_norm, '')), stop_lexemes), 'A')
        || setweight(ts_delete(to_tsvector('public.akhbar_ar', coalesce(body_norm, '')), stop_lexemes), 'B')
$$;

CREATE FUNCTION akhbar_stop_lexemes() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lexeme), '{}')
    FROM public.search_stopwords, unnest(tsvector_to_array(to_tsvector('public.akhbar_ar', word))) AS lexeme
$$;

-- A query as a tsquery: folded, its stopwords dropped word by word, then read with websearch syntax
-- ("a phrase", OR, -word). A query of stopwords only becomes the empty query, which matches nothing.
CREATE FUNCTION akhbar_query(query text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT websearch_to_tsquery('public.akhbar_ar', coalesce(string_agg(tok, ' ' ORDER BY n), ''))
    FROM regexp_split_to_table(public.akhbar_fold(query), '\s+') WITH ORDINALITY AS t (tok, n)
    WHERE tok <> ''
      AND NOT (to_tsvector('public.akhbar_ar', tok) <> ''::tsvector
               AND ts_delete(to_tsvector('public.akhbar_ar', tok), public.akhbar_stop_lexemes()) = ''::tsvector)
$$;

-- Ranked articles for a query, with a highlighted snippet of the body.
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
           ts_headline('public.akhbar_ar', h.body_norm, q.tsq,
                       'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»')
    FROM hits h, q
    ORDER BY h.rank DESC, h.published_at DESC NULLS LAST, h.id DESC
$$;

-- Articles loaded before this migration: fold their text in SQL (the same folding as the loader's input) so
-- they are searchable and get clustered by the next load.
UPDATE articles
SET title_norm = akhbar_fold(title), body_norm = akhbar_fold(body), content_hash = md5(akhbar_fold(body)),
    search_vector = akhbar_document_vector(akhbar_fold(title), akhbar_fold(body), akhbar_stop_lexemes());

-- Fuzzy title search (names spelt several ways) where pg_trgm exists; the embedded server has none.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'pg_trgm exists but this role cannot create it: fuzzy title search skipped';
            RETURN;
        END;
        EXECUTE 'CREATE INDEX articles_title_trgm ON articles USING gin (title_norm gin_trgm_ops)';
        EXECUTE $f$
            CREATE FUNCTION search_titles_fuzzy(query text, lim integer DEFAULT 20)
            RETURNS TABLE (article_id bigint, published_at timestamptz, source_key text, title text, url text,
                           similarity real)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $b$
                SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url,
                       similarity(a.title_norm, akhbar_fold(query))
                FROM articles a
                WHERE a.title_norm % akhbar_fold(query)
                ORDER BY similarity(a.title_norm, akhbar_fold(query)) DESC, a.published_at DESC NULLS LAST
                LIMIT greatest(lim, 0)
            $b$
        $f$;
    ELSE
        RAISE NOTICE 'pg_trgm is not available on this server: fuzzy title search skipped';
    END IF;
END $$;

-- Views for people -------------------------------------------------------------------------------------------
CREATE VIEW v_articles AS
SELECT a.id, a.source_key, a.published_at, a.title, a.authors, a.agency, a.dateline, a.section, a.tags,
       a.language, a.body, a.canonical_url AS url, a.story_id, a.images, a.modified_at, a.fetched_at,
       a.first_loaded_at, a.updated_at,
       (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id) AS revisions
FROM articles a;

CREATE VIEW v_stories AS
SELECT s.id AS story_id, s.title, s.agency, s.first_published_at, s.last_published_at, s.member_count,
       s.source_count, s.sources, a.canonical_url AS canonical_url, s.canonical_article_id
FROM stories s LEFT JOIN articles a ON a.id = s.canonical_article_id
WHERE s.source_count >= 2
ORDER BY s.last_published_at DESC NULLS LAST, s.id DESC;

-- Per source and UTC day. "blocked" counts pages refused by robots.txt or by the server (401/403/429/451);
-- null_date_rate is the share of pages that reached the quality gate without a publication date.
CREATE VIEW v_source_health AS
WITH fetched AS (
    SELECT source_key, (fetched_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_fetched
    FROM raw_pages GROUP BY 1, 2
), loaded AS (
    SELECT source_key, (first_loaded_at AT TIME ZONE 'UTC')::date AS day, count(*) AS articles_loaded
    FROM articles GROUP BY 1, 2
), reasons AS (
    SELECT q.source_key, (q.created_at AT TIME ZONE 'UTC')::date AS day, q.stage, reason
    FROM quarantine q, unnest(q.reasons) AS reason
), quarantined AS (
    SELECT source_key, day, jsonb_object_agg(reason, n ORDER BY reason) AS quarantined_by_reason,
           sum(n) FILTER (WHERE reason IN ('robots_disallowed', 'http_401', 'http_403', 'http_429', 'http_451'))
               AS blocked,
           sum(n) FILTER (WHERE reason = 'published_at_missing') AS null_dates
    FROM (SELECT source_key, day, reason, count(*) AS n FROM reasons GROUP BY 1, 2, 3) r
    GROUP BY 1, 2
), quarantined_pages AS (
    SELECT source_key, (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS pages_quarantined,
           count(*) FILTER (WHERE stage = 'validate') AS gate_rejected
    FROM quarantine GROUP BY 1, 2
), days AS (
    SELECT source_key, day FROM fetched UNION SELECT source_key, day FROM loaded
    UNION SELECT source_key, day FROM quarantined_pages
), last_ok AS (
    SELECT source_key, max(finished_at) AS last_successful_run
    FROM crawl_runs WHERE status = 'loaded' GROUP BY 1
)
SELECT d.source_key, d.day,
       coalesce(f.pages_fetched, 0) AS pages_fetched,
       coalesce(l.articles_loaded, 0) AS articles_loaded,
       coalesce(qp.pages_quarantined, 0) AS pages_quarantined,
       coalesce(q.quarantined_by_reason, '{}'::jsonb) AS quarantined_by_reason,
       coalesce(q.blocked, 0) AS blocked,
       round(coalesce(q.null_dates, 0)::numeric
             / nullif(coalesce(l.articles_loaded, 0) + coalesce(qp.gate_rejected, 0), 0), 3) AS null_date_rate,
       lo.last_successful_run
FROM days d
LEFT JOIN fetched f USING (source_key, day)
LEFT JOIN loaded l USING (source_key, day)
LEFT JOIN quarantined q USING (source_key, day)
LEFT JOIN quarantined_pages qp USING (source_key, day)
LEFT JOIN last_ok lo USING (source_key)
ORDER BY d.day DESC, d.source_key;

-- A read-only role for analysts. Roles belong to the whole server, so it may exist already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'akhbar_reader') THEN
        CREATE ROLE akhbar_reader NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO akhbar_reader;
GRANT SELECT ON v_articles, v_stories, v_source_health TO akhbar_reader;
GRANT EXECUTE ON FUNCTION search_articles(text, integer), akhbar_fold(text), akhbar_query(text)
    TO akhbar_reader;
DO $$
BEGIN
    IF to_regprocedure('search_titles_fuzzy(text, integer)') IS NOT NULL THEN
        GRANT EXECUTE ON FUNCTION search_titles_fuzzy(text, integer) TO akhbar_reader;
    END IF;
END $$;
