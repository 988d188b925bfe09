"""Arabic search on a real PostgreSQL: folding, stopwords, ranking, the CLI and the read-only role."""

import psycopg2
import pytest
from staging import article, stage

from akhbar import cli, pipeline, search

FILLER = " وتتابع الجهات المختصة تطورات الموقف أولا بأول وتصدر بيانات دورية للرأي العام حول ما يستجد من أحداث."
DOCS = {
    # written with ي where the query will have ى
    "hospital": ("افتتاح جناح جديد", "افتتح محافظ الجيزة جناحا جديدا في المستشفي الجامعي يضم خمسين سريرا." + FILLER * 3),
    # written with bare alef where the query will have إ / أ
    "ismailia": ("امطار غزيرة على الاسماعيليه", "شهدت محافظة الاسماعيليه امطارا غزيرة صباح اليوم." + FILLER * 3),
    "title_hit": ("قمة الرياض الاقتصادية", "انطلقت أعمال المؤتمر بحضور عدد من الوزراء." + FILLER * 3),
    "body_hit": ("مؤتمر صحفي للوزير", "قال الوزير إن قمة الرياض ستناقش ملفات عديدة." + FILLER * 3),
    # words ending in ة after the article, which the query will have without it
    "cabinet": ("اجتماع طارئ", "أعلنت الحكومة نتائج العملية الانتخابية في ثلاث دوائر." + FILLER * 3),
}


@pytest.fixture
def corpus(staged_settings):
    run = stage(staged_settings, "youm7", [article("youm7", k, title=t, body=b) for k, (t, b) in DOCS.items()])
    pipeline.validate(staged_settings, run)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == len(DOCS)
    return staged_settings


def slugs(hits):
    return [h.url.rsplit("/", 1)[-1] for h in hits]


def test_alef_maqsura_in_the_query_finds_ya_in_the_document(corpus, query):
    assert slugs(search.search(corpus, "المستشفى")) == ["hospital"]
    # the SQL function folds on its own too, for analysts in psql
    assert query("SELECT url FROM search_articles('المستشفى الجامعى', 5)") == [
        ("https://www.youm7.example/news/hospital",)]


def test_other_alef_forms_match(corpus, query):
    assert slugs(search.search(corpus, "الإسماعيلية")) == ["ismailia"]
    assert slugs(search.search(corpus, "أمطار")) == ["ismailia"]


def test_a_word_ending_in_ta_marbuta_matches_with_or_without_the_article(corpus, query):
    # folded, ة is ه; the stemmer strips a final ة but kept the ه of الحكومه, so حكومة missed الحكومة
    assert slugs(search.search(corpus, "حكومة")) == ["cabinet"]
    assert slugs(search.search(corpus, "عملية انتخابية")) == ["cabinet"]
    (hit,) = search.search(corpus, "حكومه")  # typed with ه, as many people do
    assert "«الحكومة»" in hit.snippet
    # a pronoun suffix still reaches its word
    assert query("SELECT akhbar_query('كتابه') = akhbar_query('كتاب')") == [(True,)]


def test_a_stopword_only_query_returns_nothing_not_everything(corpus, query):
    # the stock configuration, with no stopword list, would return every article for "من"
    assert query("SELECT count(*) FROM articles WHERE to_tsvector('arabic', body) @@ to_tsquery('arabic', 'من')") == [
        (len(DOCS),)]
    assert search.search(corpus, "من") == []
    assert search.search(corpus, "في من على إلى أن هذا") == []
    assert query("SELECT count(*) FROM search_articles('في', 10)") == [(0,)]
    # ... while a stopword beside a real word does not stop the match
    assert slugs(search.search(corpus, "في المستشفى")) == ["hospital"]


def test_title_ranks_above_body_and_snippets_mark_the_match(corpus):
    hits = search.search(corpus, "قمة الرياض")
    assert slugs(hits) == ["title_hit", "body_hit"]
    assert "«" in hits[1].snippet and "»" in hits[1].snippet


def test_cli_prints_ranked_results(corpus, monkeypatch, capsys):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", corpus.database_url)
    assert cli.main(["search", "المستشفى", "-n", "3"]) == 0
    out = capsys.readouterr().out
    assert "افتتاح جناح جديد" in out and "[youm7]" in out
    assert cli.main(["search", "في"]) == 1


def test_fuzzy_title_search_where_pg_trgm_exists(corpus, query):
    if not query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"):
        pytest.skip("no pg_trgm on this server")
    rows = query("SELECT title FROM search_titles_fuzzy('امطار غزيره علي الاسماعيلية', 3)")
    assert rows[0] == ("امطار غزيرة على الاسماعيليه",)


def test_the_reader_role_reads_views_and_cannot_write(corpus, pg_url):
    conn = psycopg2.connect(pg_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SET ROLE akhbar_reader")
            cur.execute("SELECT count(*) FROM v_articles")
            assert cur.fetchone() == (len(DOCS),)
            cur.execute("SELECT count(*) FROM search_articles('المستشفى', 5)")
            assert cur.fetchone() == (1,)
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("INSERT INTO articles (url_key, url, canonical_url, source_key, title, body, extractor,"
                            " extractor_version, fetched_at) VALUES ('k', 'u', 'u', 'youm7', 't', 'b', 'x', '1', now())")
        conn.rollback()
        with conn.cursor() as cur:
            # it reads what the Sources pages count (migration 0023), but never the raw pages' bodies
            cur.execute("SET ROLE akhbar_reader")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("SELECT body FROM raw_pages LIMIT 1")
    finally:
        conn.close()


def test_the_example_queries_run_as_the_reader_role(corpus, pg_url, query):
    from akhbar.config import SQL_DIR

    text = (SQL_DIR / "queries" / "examples.sql").read_text(encoding="utf-8")
    statements = [s.strip() for s in text.split(";") if "SELECT" in s]
    assert 8 <= len(statements) <= 10
    has_trgm = bool(query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    conn = psycopg2.connect(pg_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SET ROLE akhbar_reader")
            for statement in statements:
                if "search_titles_fuzzy" in statement and not has_trgm:
                    continue
                cur.execute(statement)
                cur.fetchall()
    finally:
        conn.close()


def test_a_long_articles_search_vector_is_kept_in_its_row_not_in_toast(staged_settings, query):
    # search ranks every match, so each vector read from TOAST costs an index lookup more (migration 0006)
    if not query("SELECT 1 FROM pg_available_extensions WHERE name = 'pageinspect'"):
        pytest.skip("this server has no pageinspect")
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = [a + b + c + "ون" for a in letters[:12] for b in letters[12:24] for c in letters[24:]]
    body = "قال المتحدث " + " ".join(words) + "."
    run = stage(staged_settings, "youm7", [article("youm7", "long", body=body)])
    pipeline.validate(staged_settings, run)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 1
    query("CREATE EXTENSION IF NOT EXISTS pageinspect")
    [(vector_size, block, item)] = query(
        "SELECT pg_column_size(search_vector), (ctid::text::point)[0]::int, (ctid::text::point)[1]::int"
        " FROM articles")
    assert vector_size > 2100  # big enough that the default storage would have moved it out of the row
    [(row_size,)] = query("SELECT lp_len FROM heap_page_items(get_raw_page('articles', %s)) WHERE lp = %s",
                          (block, item))
    assert row_size > vector_size
