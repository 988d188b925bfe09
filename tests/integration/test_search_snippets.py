"""Search that reads like the articles (migration 0018): snippets in the article's own spelling with each matched
phrase marked once, filters by source, dates and story, and bounded ranking with near-ties newest first."""

from datetime import UTC, date, datetime, timedelta

import pytest
from staging import FETCHED, article, stage

from akhbar import cli, pipeline, search

FILLER = " وتتابع الجهات المختصة تطورات الموقف أولا بأول وتصدر بيانات دورية للرأي العام حول ما يستجد من أحداث."
# Written with hamza, alef maqsura, ta marbuta and diacritics: everything the folded search form drops.
CUP = ("قال المدرب إنّه لا يعلم شيئًا عن موعد مباراة كأس العالم، وأضاف أن الفريق سيسافر إلى اليمن الأسبوع المقبل."
       + FILLER * 2)
MINISTRY = ("تشغل وزارة النقل التاكسي الكهربائي الأربعاء القادم في العاصمة الإدارية لخدمة المواطنين." + FILLER * 2)


def load(settings, source, articles):
    run = stage(settings, source, articles)
    pipeline.validate(settings, run)
    return pipeline.load(settings, run)


@pytest.fixture
def cup(staged_settings):
    load(staged_settings, "youm7", [article("youm7", "cup", title="تصريحات المدرب", body=CUP),
                                    article("youm7", "ministry", title="التاكسي الكهربائي", body=MINISTRY)])
    return staged_settings


def snippet(settings, query, **filters):
    hits = search.search(settings, query, 5, **filters)
    assert len(hits) == 1, [h.url for h in hits]
    return hits[0].snippet


def test_the_snippet_is_the_articles_own_text_with_the_phrase_marked_once(cup):
    # typed folded, as people type: كاس for كأس
    text = snippet(cup, "كاس العالم")
    assert "«كأس العالم»" in text  # one mark for the phrase, the article's hamza, punctuation outside the mark
    assert text.count("«") == 1 and text.count("»") == 1
    assert "كاس" not in text and "«كأس»" not in text
    # the words around the match keep their spelling too (the folded form read "انة لا يعلم", "الي اليمن")
    assert text.startswith("… شيئًا عن موعد مباراة «كأس العالم»، وأضاف أن الفريق سيسافر إلى اليمن")
    assert snippet(cup, "يعلم").startswith("قال المدرب إنّه لا «يعلم» شيئًا")


def test_the_ministry_is_spelt_as_the_article_spells_it(cup):
    text = snippet(cup, "وزارة النقل")
    assert text.startswith("تشغل «وزارة النقل» التاكسي الكهربائي")
    assert snippet(cup, "وزاره النقل") == text  # typed with ه: the same article, the same snippet


def test_a_stopword_the_query_holds_does_not_split_the_phrase(cup):
    assert "«سيسافر إلى اليمن»" in snippet(cup, "سيسافر إلى اليمن")
    assert "«سيسافر» إلى «اليمن»" in snippet(cup, "سيسافر اليمن")  # the query does not hold إلى
    assert "إلى «اليمن»" in snippet(cup, "إلى اليمن")  # a stopword marks nothing on its own


def test_marks_can_be_chosen_for_a_terminal(cup):
    (hit,) = search.search(cup, "كأس العالم", mark_start="\x02", mark_stop="\x03")
    assert "\x02كأس العالم\x03" in hit.snippet and "«" not in hit.snippet


def test_a_title_only_match_shows_the_start_of_the_body(cup):
    text = snippet(cup, "تصريحات")
    assert text.startswith("قال المدرب إنّه") and "«" not in text


def test_a_body_that_folds_into_more_words_is_aligned_word_by_word(staged_settings):
    # ﷺ (one character) folds (NFKC) into four words: the stored and folded bodies no longer align by position
    body = "قال الشيخ إن النبي ﷺ أوصى بالجار، ثم تحدث عن كأس العالم في قطر." + FILLER * 2
    load(staged_settings, "youm7", [article("youm7", "ligature", body=body)])
    text = snippet(staged_settings, "كأس العالم")
    assert "«كأس العالم»" in text and text.count("«") == 1


def test_words_the_stemmer_rewrites_are_marked(staged_settings):
    # the stemmer turns ئ into ي, ؤ into و, يست into است and lower-cases Latin: the snippet still finds the words
    body = ("التقى الرئيس المسؤولين على شاطئ البحر، وقال إنهم يستحقون الدعم كما نقلت Reuters عن 50% منهم."
            + FILLER * 2)
    load(staged_settings, "youm7", [article("youm7", "stems", title="لقاء على الشاطئ", body=body)])
    assert snippet(staged_settings, "رئيس مسؤول").startswith("التقى «الرئيس المسؤولين» على شاطئ")
    assert "«يستحقون»" in snippet(staged_settings, "استحق")
    assert "نقلت «Reuters» عن" in snippet(staged_settings, "reuters")
    assert "«الرئيس المسؤولين على شاطئ» البحر" in snippet(staged_settings, "الرئيس المسؤولين على شاطئ")


@pytest.fixture
def spread(staged_settings):
    """The same news in three sources on three days; the masrawy and ahram copies share a story."""
    day = timedelta(days=1)
    arts = {"youm7": article("youm7", "a", body=MINISTRY, fetched_at=FETCHED - 2 * day),
            "masrawy": article("masrawy", "b", body=MINISTRY, fetched_at=FETCHED - day),
            "ahram": article("ahram", "c", body=MINISTRY, fetched_at=FETCHED)}
    for source, art in arts.items():
        load(staged_settings, source, [art])
    return staged_settings


def sources(hits):
    return [h.source_key for h in hits]


def test_filters_by_source_dates_and_story(spread, query):
    everything = search.search(spread, "وزارة النقل")
    assert sources(everything) == ["ahram", "masrawy", "youm7"]  # the same rank: newest first
    assert sources(search.search(spread, "وزارة النقل", source="masrawy")) == ["masrawy"]
    # published two hours before the fetch: 2026-01-06, -07 and -08 (UTC)
    assert sources(search.search(spread, "وزارة النقل", date_from=date(2026, 1, 7))) == ["ahram", "masrawy"]
    assert sources(search.search(spread, "وزارة النقل", date_to=date(2026, 1, 7))) == ["masrawy", "youm7"]
    assert sources(search.search(spread, "وزارة النقل", date_from=date(2026, 1, 7),
                                 date_to=date(2026, 1, 7))) == ["masrawy"]
    [(story_id,)] = query("SELECT story_id FROM v_articles WHERE source_key = 'masrawy'")
    members = {s for (s,) in query("SELECT source_key FROM v_articles WHERE story_id = %s", (story_id,))}
    assert sources(search.search(spread, "وزارة النقل", story=story_id)) == sorted(
        members, key=["ahram", "masrawy", "youm7"].index)
    assert search.search(spread, "وزارة النقل", source="shorouk") == []
    # the SQL function takes them by name, for psql
    assert query("SELECT source_key FROM search_articles('وزارة النقل', 5, source => 'youm7')") == [("youm7",)]


def test_cli_filters_and_plain_output(spread, monkeypatch, capsys):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", spread.database_url)
    assert cli.main(["search", "وزارة النقل", "--source", "ahram", "--from", "2026-01-08", "--to", "2026-01-08"]) == 0
    out = capsys.readouterr().out
    assert "[ahram]" in out and "[youm7]" not in out and "«وزارة النقل»" in out
    assert cli.main(["search", "وزارة النقل", "--from", "2026-01-09"]) == 1


def test_rich_output_puts_the_match_in_bold(spread):
    from io import StringIO

    from rich.console import Console

    hits = search.search(spread, "وزارة النقل", 1, mark_start="\x02", mark_stop="\x03")
    buf = StringIO()
    cli.print_hits_rich(hits, Console(file=buf, force_terminal=True, color_system="standard", width=200))
    out = buf.getvalue()
    assert "\x1b[1mوزارة النقل\x1b[0m" in out  # bold on, the phrase, reset
    assert "ahram" in out and "2026-01-08" in out and "\x02" not in out


def test_only_the_newest_matches_are_ranked_and_near_ties_go_newest_first(staged_settings, query):
    [(bound,)] = query("SELECT search_candidates()")
    # An old article with the word in its title outranks every body match ...
    load(staged_settings, "youm7", [article("youm7", "old", title="النقل البحري", body=MINISTRY,
                                            fetched_at=FETCHED - timedelta(days=30))])
    (first,) = search.search(staged_settings, "النقل", 1)
    assert first.url.endswith("/old")
    # ... until more than `bound` newer articles match: then it is not among the candidates ranked. Inserted
    # in SQL: the loader's path is tested elsewhere, this is about the query.
    query("""
        INSERT INTO articles (url_key, url, canonical_url, source_key, title, body, extractor, extractor_version,
                              fetched_at, published_at, title_norm, body_norm, search_vector)
        SELECT 'k' || i, 'https://www.youm7.example/n/' || i, 'https://www.youm7.example/n/' || i, 'youm7',
               'خبر', %(body)s, 'test', 'test', %(at)s, %(at)s + i * interval '1 minute', 'خبر', akhbar_fold(%(body)s),
               akhbar_document_vector('خبر', akhbar_fold(%(body)s), akhbar_stop_lexemes())
        FROM generate_series(1, %(n)s) AS i""", {"body": MINISTRY, "at": FETCHED - timedelta(days=10), "n": bound})
    query("ANALYZE articles")
    hits = search.search(staged_settings, "النقل", 20)
    assert not any(h.url.endswith("/old") for h in hits)
    # equal ranks: newest first
    assert [h.published_at for h in hits] == sorted((h.published_at for h in hits), reverse=True)
    assert hits[0].url == f"https://www.youm7.example/n/{bound}"
    # a filter narrows the candidates before the bound: the old article is back within the youm7 ones of its week
    hits = search.search(staged_settings, "النقل", 1, date_to=(FETCHED - timedelta(days=20)).date())
    assert hits[0].url.endswith("/old")


def test_snippets_are_cut_from_the_body_as_stored(cup, query):
    # what psql users see: the function itself, not only the Python wrapper
    [(text,)] = query("SELECT snippet FROM search_articles('الإدارية', 1)")
    assert "«الإدارية»" in text and "الاداريه" not in text


def test_published_at_filter_is_by_utc_day(staged_settings):
    late = datetime(2026, 1, 7, 23, 30, tzinfo=UTC)  # 01:30 on the 8th in Cairo, still the 7th in UTC
    load(staged_settings, "youm7", [article("youm7", "late", body=MINISTRY, published_at=late,
                                            fetched_at=late + timedelta(hours=1))])
    assert len(search.search(staged_settings, "وزارة النقل", date_from=date(2026, 1, 7),
                             date_to=date(2026, 1, 7))) == 1
    assert search.search(staged_settings, "وزارة النقل", date_from=date(2026, 1, 8)) == []
