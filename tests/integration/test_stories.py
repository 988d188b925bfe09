"""Story clustering on a synthetic set written for the purpose (no real articles).

One agency story (أ ش أ) is rewritten by five sites: re-headlined, trimmed, with a local lead and small edits.
Two other stories on the same topic, the same day, share its vocabulary but not its text. The five rewrites
must form one story and the others must stay apart.
"""

from datetime import timedelta

import psycopg2
from staging import FETCHED, article, stage

from akhbar import pipeline

WIRE = [
    "التقى رئيس مجلس الوزراء اليوم وفدا من كبرى شركات صناعة السيارات الآسيوية لبحث إنشاء مجمع صناعي متكامل في المنطقة الاقتصادية لقناة السويس.",
    "وقال المتحدث الرسمي باسم مجلس الوزراء إن اللقاء تناول الحوافز التي تقدمها الدولة للمستثمرين في مجال الصناعات المغذية.",
    "وأوضح أن الشركات تعتزم ضخ استثمارات تصل إلى ملياري دولار على ثلاث مراحل خلال السنوات الخمس المقبلة.",
    "وأشار إلى أن المرحلة الأولى تشمل مصنعا لتجميع السيارات الكهربائية بطاقة خمسين ألف سيارة سنويا.",
    "وأكد رئيس الوزراء حرص الحكومة على توطين الصناعة ونقل التكنولوجيا وتوفير فرص عمل للشباب في محافظات القناة.",
    "ووجه بتذليل العقبات أمام المستثمرين وسرعة إصدار التراخيص اللازمة من خلال الشباك الواحد.",
    "من جانبه، أعرب رئيس الوفد عن تقديره للتسهيلات التي تقدمها الهيئة العامة للمنطقة الاقتصادية.",
    "وأضاف أن موقع مصر الجغرافي يتيح النفاذ إلى أسواق أفريقيا والشرق الأوسط وأوروبا.",
    "وحضر اللقاء وزير التجارة والصناعة ورئيس الهيئة العامة للمنطقة الاقتصادية لقناة السويس.",
    "وتم الاتفاق على تشكيل لجنة فنية مشتركة لمتابعة الدراسات الخاصة بالمشروع والانتهاء منها خلال ثلاثة أشهر.",
    "كما تناول اللقاء إمكانية تصدير جزء من إنتاج المجمع إلى الأسواق الأوروبية عبر موانئ المنطقة.",
    "ومن المقرر أن يزور الوفد موقع المشروع في العين السخنة غدا لمعاينة الأرض المخصصة.",
]
REWRITES = {  # site: (headline, local lead, sentences kept, edits)
    "youm7": ("رئيس الوزراء يبحث إنشاء مجمع لصناعة السيارات بقناة السويس", None, range(12), {}),
    "masrawy": ("ملياري دولار استثمارات آسيوية جديدة في المنطقة الاقتصادية",
                "في خطوة جديدة لجذب الاستثمارات الأجنبية، شهد مقر الحكومة بالعاصمة الإدارية لقاء مهما.",
                range(10), {"وقال المتحدث": "وصرح المتحدث"}),
    "ahram": ("الحكومة تتفاوض مع شركات سيارات آسيوية لإقامة مجمع صناعي", None, [0, 1, 2, 3, 4, 5, 6, 8, 9], {}),
    "shorouk": ("مصنع للسيارات الكهربائية في العين السخنة بطاقة 50 ألف سيارة",
                "علمت الشروق أن المفاوضات مع الشركات الآسيوية استمرت عدة أشهر قبل الإعلان عن المشروع.",
                range(8), {"وأوضح أن": "وبين أن"}),
    "akhbarelyom": ("مدبولي يستقبل وفد شركات السيارات", None, [0, 1, 2, 3, 4, 6, 7], {}),
}
SAME_TOPIC = {
    "youm7": ("وزير التجارة يتفقد ميناء السخنة ويعلن ارتفاع الصادرات", [
        "تفقد وزير التجارة والصناعة اليوم ميناء السخنة التابع للمنطقة الاقتصادية لقناة السويس.",
        "وأعلن الوزير أن صادرات المنطقة ارتفعت بنسبة ثمانية عشر بالمئة خلال الربع الأخير مقارنة بالعام الماضي.",
        "وتابع أعمال توسعة الأرصفة الجديدة التي تستوعب سفن الحاويات العملاقة.",
        "واستمع الوزير إلى شرح من مسؤولي الميناء حول خطة الربط مع خطوط السكك الحديدية.",
        "وشدد على ضرورة الالتزام بالجداول الزمنية لتنفيذ المشروعات وتحسين خدمات الشحن والتفريغ.",
        "وأشار إلى أن الحكومة تستهدف مضاعفة حجم الصادرات غير البترولية خلال ثلاث سنوات.",
    ]),
    "masrawy": ("رئيس الوزراء يجتمع بالمحافظين لمتابعة منظومة النظافة", [
        "اجتمع رئيس مجلس الوزراء اليوم بعدد من المحافظين لمتابعة منظومة النظافة والمخلفات الصلبة.",
        "وقال المتحدث الرسمي باسم مجلس الوزراء إن الاجتماع استعرض معدلات رفع المخلفات في المحافظات.",
        "ووجه رئيس الوزراء بزيادة عدد المعدات وتوفير صناديق جديدة في الشوارع الرئيسية.",
        "وأكد أهمية إشراك القطاع الخاص في إدارة مصانع تدوير المخلفات بالمحافظات.",
        "واستعرض وزير التنمية المحلية موقف إنشاء المدافن الصحية الجديدة في محافظات الصعيد.",
        "وطالب المحافظين بمتابعة يومية لأعمال النظافة والتعامل الفوري مع شكاوى المواطنين.",
    ]),
}


PLACED = "articles a LEFT JOIN article_stories m ON m.article_id = a.id"  # each article beside its placement


def wire_version(site, when):
    headline, lead, keep, edits = REWRITES[site]
    sentences = [WIRE[i] for i in keep]
    text = " ".join(sentences)
    for old, new in edits.items():
        text = text.replace(old, new)
    body = ((lead + " ") if lead else "") + text + " (أ ش أ)"
    return article(site, "wire-cars", title=headline, body=body, agency="أ ش أ", published_at=when,
                   fetched_at=when + timedelta(hours=1))


def load(settings, site, articles):
    run = stage(settings, site, articles)
    pipeline.validate(settings, run)
    return pipeline.load(settings, run)


def test_an_agency_story_on_five_sites_is_one_story_and_same_topic_stories_stay_apart(staged_settings, query):
    morning = FETCHED - timedelta(hours=6)
    first_three = ["youm7", "masrawy", "ahram"]
    for i, site in enumerate(first_three):
        others = []
        if site in SAME_TOPIC:
            title, sentences = SAME_TOPIC[site]
            others.append(article(site, "other", title=title, body=" ".join(sentences),
                                  published_at=morning + timedelta(minutes=30)))
        load(staged_settings, site, [wire_version(site, morning + timedelta(minutes=10 * i)), *others])

    (story_id, members, sources, agency, canonical_source), = query(
        "SELECT s.id, s.member_count, s.sources, s.agency, a.source_key FROM stories s"
        " JOIN articles a ON a.id = s.canonical_article_id WHERE s.member_count > 1 AND s.kind = 'event'")
    assert (members, sorted(sources), agency, canonical_source) == (3, sorted(first_three), "أ ش أ", "youm7")

    # Later loads join the existing story: incremental, no rebuild.
    counts = load(staged_settings, "shorouk", [wire_version("shorouk", morning + timedelta(hours=3))])
    assert counts["stories_joined"] == 1 and counts["stories_new"] == 0
    load(staged_settings, "akhbarelyom", [wire_version("akhbarelyom", morning + timedelta(hours=20))])

    rows = query("SELECT story_id, member_count, source_count, first_source FROM v_stories")
    assert rows == [(story_id, 5, 5, "youm7")]
    # Who had it first, and each outlet's lag behind it (minutes, from the publication times above).
    (lags,), = query("SELECT source_lags FROM stories WHERE id = %s", (story_id,))
    assert lags == {"youm7": 0, "masrawy": 10, "ahram": 20, "shorouk": 180, "akhbarelyom": 1200}
    assert query("SELECT source_key, lag_minutes, was_first FROM v_story_outlets ORDER BY lag_minutes") == [
        ("youm7", 0, True), ("masrawy", 10, False), ("ahram", 20, False), ("shorouk", 180, False),
        ("akhbarelyom", 1200, False)]
    # The five rewrites are copies of one wire text: one reprint group inside the story, recorded with the
    # scorer version that placed them.
    assert query("SELECT count(DISTINCT m.reprint_id), count(*) FILTER (WHERE m.model IS NULL) FROM " + PLACED +
                 " WHERE a.url_key LIKE %s", ("%wire-cars",)) == [(1, 0)]
    assert query("SELECT count(DISTINCT reprint_id), count(*) FROM v_story_members WHERE story_id = %s",
                 (story_id,)) == [(1, 5)]
    assert query("SELECT kind, member_count FROM stories WHERE id = (SELECT m.reprint_id FROM " + PLACED +
                 " WHERE a.url_key LIKE %s LIMIT 1)", ("%wire-cars",)) == [("reprint", 5)]
    assert query("SELECT count(DISTINCT m.story_id) FROM " + PLACED + " WHERE a.url_key LIKE %s",
                 ("%wire-cars",)) == [(1,)]
    # The two same-topic, same-day stories are each a story of their own.
    others = query("SELECT m.story_id, s.member_count FROM " + PLACED + " JOIN stories s ON s.id = m.story_id"
                   " WHERE a.url_key LIKE %s", ("%/other",))
    assert len(others) == 2 and len({sid for sid, _ in others} | {story_id}) == 3
    assert all(n == 1 for _, n in others)


def test_the_same_text_outside_the_window_is_a_new_story(staged_settings, query):
    when = FETCHED - timedelta(days=6)
    load(staged_settings, "youm7", [wire_version("youm7", when)])
    load(staged_settings, "masrawy", [wire_version("masrawy", when + timedelta(hours=96))])
    assert query("SELECT count(*), max(member_count) FROM stories WHERE kind = 'event'") == [(2, 1)]
    assert query("SELECT count(*) FROM v_stories") == [(0,)]


def test_the_two_tier_migration_rolls_back_and_applies_again(staged_settings, query):
    """0013 with stories in place: rolled back to one tier (the stories, derived data, go), then applied again,
    and the load clusters into both tiers once more."""
    from yoyo import read_migrations

    from akhbar import db

    when = FETCHED - timedelta(hours=6)
    load(staged_settings, "youm7", [wire_version("youm7", when)])
    backend = db._yoyo_backend(staged_settings.database_url)
    # (0026 moved the story columns 0013 made into article_stories: it rolls back first)
    ours = read_migrations(str(db.MIGRATIONS_DIR)).filter(lambda m: m.id.startswith(("0013_", "0026_")))
    assert [m.id for m in ours] == ["0013_story_tiers", "0026_article_stories"]
    with backend.lock():
        backend.rollback_migrations(backend.to_rollback(ours))
    assert query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'articles'"
                 " AND column_name IN ('reprint_id', 'story_shingles', 'story_terms', 'story_model')") == [(0,)]
    assert query("SELECT count(*) FROM stories") == [(0,)]
    assert query("SELECT to_regclass('v_stories') IS NOT NULL, to_regclass('v_story_outlets') IS NULL,"
                 " to_regclass('v_story_members') IS NULL") == [(True, True, True)]
    db.migrate(staged_settings.database_url)
    # the article loaded before has lost its story: the akhbar_stories step clusters that backlog (as the next
    # load's clustering would), and the copy loaded next joins it
    from akhbar import pipeline

    assert pipeline.cluster_stories(staged_settings)["articles_clustered"] == 1
    load(staged_settings, "masrawy", [wire_version("masrawy", when + timedelta(minutes=30))])
    assert query("SELECT count(*), count(DISTINCT story_id), count(DISTINCT reprint_id) FROM article_stories"
                 ) == [(2, 1, 1)]


def test_recluster_rebuilds_every_story_with_the_shipped_model(staged_settings, query, monkeypatch, capsys):
    """One command re-clusters after a model change: the stories are rebuilt from the articles, each article
    records the scorer version, and the document frequencies count every article once again."""
    from akhbar import cli
    from akhbar.stories import Scorer

    morning = FETCHED - timedelta(hours=6)
    for i, site in enumerate(["youm7", "masrawy", "ahram"]):
        load(staged_settings, site, [wire_version(site, morning + timedelta(minutes=10 * i))])
    before = query("SELECT id FROM stories WHERE kind = 'event'")
    monkeypatch.setenv("AKHBAR_DATABASE_URL", staged_settings.database_url)
    assert cli.main(["stories", "recluster"]) == 0
    assert "3 articles clustered" in capsys.readouterr().out
    after = query("SELECT id, member_count, source_count, first_source FROM stories WHERE kind = 'event'")
    assert len(after) == 1 and after[0][1:] == (3, 3, "youm7") and after[0][0] != before[0][0]
    assert query("SELECT DISTINCT m.model FROM " + PLACED) == [(Scorer.load().version,)]
    assert query("SELECT df FROM story_term_df WHERE term = ''") == [(3,)]


def test_kill_9_between_the_load_and_its_clustering_leaves_searchable_articles_that_the_next_run_clusters(
        settings):
    """Clustering runs after the load has committed, in a transaction of its own. ``akhbar run`` is killed
    (kill -9) while its clustering waits for the clustering lock, which the test holds: the load's articles
    are stored, settled and searchable, without a story; the next run clusters them."""
    import psycopg2
    from test_faults import (
        DEMO_FINAL,
        LOADABLE,
        _kill,
        _run,
        _sql,
        _start,
        _wait_for,
        _waiting_on_lock,
        pages,
    )

    from akhbar import stories
    from akhbar.search import search

    url = settings.database_url
    holder = psycopg2.connect(url)
    holder.autocommit = True
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (stories.LOCK_KEY,))
    try:
        proc = _start(settings, "demo")
        _wait_for(lambda: _waiting_on_lock(url, "cluster"), "the clustering to wait for its lock", proc=proc)
        _kill(proc)
    finally:
        holder.close()
    # the load committed before the clustering began: every page is settled, the articles have no story yet
    assert pages(url) == DEMO_FINAL
    assert _sql(url, "SELECT count(*), count(m.article_id), count(q.article_id) FROM " + PLACED +
                " LEFT JOIN story_queue q ON q.article_id = a.id") == [(7, 0, 7)]
    assert _sql(url, "SELECT count(*) FROM stories") == [(0,)]
    [(title, article_id)] = _sql(url, "SELECT title, id FROM articles ORDER BY id LIMIT 1")
    assert title in LOADABLE
    hits = search(settings, title)
    assert article_id in [h.article_id for h in hits] and all(h.story_id is None for h in hits)

    done = _run(settings, "demo")
    assert done.returncode == 0, done.stderr
    assert pages(url) == DEMO_FINAL
    # the next run's clustering took the articles the killed one left: each has a story, a reprint group, its
    # features and the scorer version, and every story counts its members
    assert _sql(url, "SELECT count(*), count(m.story_id), count(m.reprint_id),"
                     " count(*) FILTER (WHERE m.model = %s), (SELECT count(*) FROM story_queue) FROM " + PLACED,
                (stories.Scorer.load().version,)) == [(7, 7, 7, 7, 0)]
    assert _sql(url, "SELECT count(*) FROM stories s WHERE s.member_count <> (SELECT count(*) FROM article_stories m"
                     " WHERE s.id IN (m.story_id, m.reprint_id))") == [(0,)]
    assert [h.story_id for h in search(settings, title) if h.article_id == article_id] != [None]


def test_an_article_withdrawn_while_its_chunk_was_clustered_is_left_out_and_its_story_kept_for_a_later_chunk(
        staged_settings, query, monkeypatch):
    """The writer refreshes each chunk's stories after the chunk's placements. Here the first article is
    withdrawn (deleted, as a quarantine committing meanwhile would) after it was read: its placement is skipped,
    so the story it started has no member yet when its chunk is written, and the next chunk's reprint of it
    joins that story. The story must not be removed in between (the next placement would name a story that is
    gone); it ends with the one member written."""
    from akhbar import stories

    when = FETCHED - timedelta(days=2)
    load(staged_settings, "youm7", [wire_version("youm7", when)])
    load(staged_settings, "ahram", [wire_version("ahram", when + timedelta(hours=1))])
    [(first, second)] = query("SELECT min(id), max(id) FROM articles")
    assert query("SELECT count(DISTINCT story_id), count(DISTINCT reprint_id) FROM article_stories") == [(1, 1)]
    query((stories.db.QUERIES_DIR / "reset_stories.sql").read_text(encoding="utf-8"))

    monkeypatch.setattr(stories, "CHUNK", 1)  # one article per chunk: the youm7 copy first, then ahram's
    match = stories.Clusterer.match

    def match_then_withdraw_the_first(self, batch, profiles, **kwargs):
        out = match(self, batch, profiles, **kwargs)
        if [c.key for c in batch] == [("a", first)]:
            query("DELETE FROM articles WHERE id = %s", (first,))
        return out

    monkeypatch.setattr(stories.Clusterer, "match", match_then_withdraw_the_first)
    counts = stories.cluster_loaded(staged_settings)
    assert counts.processed == 2 and counts.reprints == 1
    assert query("SELECT article_id FROM article_stories") == [(second,)]
    assert query("SELECT s.kind, s.member_count, s.canonical_article_id FROM stories s"
                 " JOIN article_stories m ON s.id IN (m.story_id, m.reprint_id) ORDER BY s.kind") == [
        ("event", 1, second), ("reprint", 1, second)]
    assert query("SELECT count(*), (SELECT count(*) FROM story_queue) FROM stories") == [(2, 0)]


def test_a_body_changed_while_its_chunk_was_clustered_stays_queued_and_keeps_its_story(
        staged_settings, query, monkeypatch):
    """A load that changes an article's body while the clustering holds it (its queue entry now names the new
    body) leaves the article queued: the clustering places it by the body it read, and the next clustering
    takes the new body, the article keeping its story."""
    from akhbar import stories

    when = FETCHED - timedelta(days=2)
    load(staged_settings, "youm7", [wire_version("youm7", when)])
    [(first,)] = query("SELECT id FROM articles")
    query((stories.db.QUERIES_DIR / "reset_stories.sql").read_text(encoding="utf-8"))
    match = stories.Clusterer.match

    def match_then_change(self, batch, profiles, **kwargs):
        out = match(self, batch, profiles, **kwargs)
        if [c.key for c in batch] == [("a", first)]:
            query("UPDATE articles SET content_hash = 'changed meanwhile' WHERE id = %s", (first,))
            query("UPDATE story_queue SET content_hash = 'changed meanwhile' WHERE article_id = %s", (first,))
        return out

    monkeypatch.setattr(stories.Clusterer, "match", match_then_change)
    assert stories.cluster_loaded(staged_settings).processed == 1
    [(story, old_hash)] = query("SELECT story_id, content_hash FROM article_stories")
    assert old_hash != "changed meanwhile"
    assert query("SELECT article_id, content_hash FROM story_queue") == [(first, "changed meanwhile")]
    monkeypatch.setattr(stories.Clusterer, "match", match)
    assert stories.cluster_loaded(staged_settings).processed == 1
    assert query("SELECT story_id, content_hash FROM article_stories") == [(story, "changed meanwhile")]
    assert query("SELECT count(*) FROM story_queue") == [(0,)]


def test_a_reload_that_only_corrects_the_publication_time_moves_the_placement_and_keeps_the_story(
        staged_settings, query):
    """A later fetch of the same text whose page now gives another publication time (a site that fixed its
    time zone, say) is queued again: its placement and its story take the new time, and it keeps its story.
    Without that, later clusterings would place it in the window by the old time."""
    when = FETCHED - timedelta(days=2)
    first = wire_version("youm7", when)
    load(staged_settings, "youm7", [first])
    [(story, placed)] = query("SELECT story_id, published FROM article_stories")
    assert placed == when
    corrected = dict(first, published_at=(when + timedelta(hours=5)).isoformat(),
                     fetched_at=(when + timedelta(hours=7)).isoformat())
    load(staged_settings, "youm7", [corrected])
    assert query("SELECT story_id, published FROM article_stories") == [(story, when + timedelta(hours=5))]
    assert query("SELECT first_published_at, member_count FROM stories WHERE id = %s", (story,)) == [
        (when + timedelta(hours=5), 1)]
    assert query("SELECT count(*) FROM story_queue") == [(0,)]
    [(clustered_at,)] = query("SELECT clustered_at FROM article_stories")
    again = dict(corrected, fetched_at=(when + timedelta(hours=9)).isoformat())  # the same text and time
    load(staged_settings, "youm7", [again])
    assert query("SELECT fetched_at FROM articles") == [(when + timedelta(hours=9),)]  # (the re-fetch was loaded)
    # ... and not placed again: its placement is the one before
    assert query("SELECT story_id, published, clustered_at FROM article_stories") == [
        (story, when + timedelta(hours=5), clustered_at)]


def test_a_story_written_with_its_one_member_has_the_aggregates_the_refresh_computes(staged_settings, query):
    """Most stories are one article nobody else had: the clustering writes their aggregates itself instead of
    refreshing them (_chunk_copies). They must be what refresh_stories.sql computes from the members."""
    from akhbar import stories

    when = FETCHED - timedelta(days=2)
    load(staged_settings, "youm7", [wire_version("youm7", when)])
    title, sentences = SAME_TOPIC["masrawy"]  # another event: a story of its own
    load(staged_settings, "ahram", [article("ahram", "other", title=title, body=" ".join(sentences),
                                            published_at=when + timedelta(hours=1))])
    columns = ("id, kind, canonical_article_id, title, agency, first_published_at, last_published_at, member_count,"
               " source_count, sources, first_source, source_lags::text, reprint_count")
    written = query(f"SELECT {columns} FROM stories ORDER BY id")
    assert len(written) == 4 and {r[7] for r in written} == {1}
    with psycopg2.connect(staged_settings.database_url) as conn, conn.cursor() as cur:
        stories.refresh(cur, {r[0] for r in written})
    assert query(f"SELECT {columns} FROM stories ORDER BY id") == written
