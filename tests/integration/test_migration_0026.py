"""Migration 0026 (story placements in article_stories, the clustering's backlog in story_queue): articles
placed before it keep their story and reprint group, a changed body still waiting keeps its story and waits in
the queue, an article never clustered waits too; and it rolls back to the columns on articles and applies
again."""


from migrations import ADMIN_URL, roll_back
from migrations import run as _run

from akhbar import db

MIGRATION = "0026_article_stories"


def _article(url, key, published):
    (article_id,), = _run(
        url, "INSERT INTO articles (url_key, url, canonical_url, source_key, title, body, language, extractor,"
             " extractor_version, fetched_at, published_at, body_norm, content_hash)"
             " VALUES (%s, %s, %s, 'youm7', 'عنوان', 'نص', 'ar', 'youm7', '1', %s, %s, 'نص', md5(%s)) RETURNING id",
        (key, key, key, published, published, key))
    return article_id


def test_0026_moves_each_placement_and_the_backlog_and_rolls_back():
    with db.scratch_database(ADMIN_URL, "akhbar_test_0026") as url:
        roll_back(url, MIGRATION)
        _run(url, "INSERT INTO sources (key, name, home_url) VALUES ('youm7', 'youm7', 'https://youm7.example/')")
        placed = _article(url, "placed", "2026-01-08 08:00:00+00")
        changed = _article(url, "changed", "2026-01-08 09:00:00+00")
        waiting = _article(url, "waiting", "2026-01-08 10:00:00+00")
        (event,), (group,) = _run(url, "INSERT INTO stories (kind) VALUES ('event'), ('reprint') RETURNING id")
        # placed: clustered (a signature); changed: its body changed after it was placed (no signature, its story
        # kept); waiting: never clustered
        _run(url, "UPDATE articles SET story_id = %s, reprint_id = %s, minhash = '\\x01', story_model = 'v1'"
                  " WHERE id = %s", (event, group, placed))
        _run(url, "UPDATE articles SET story_id = %s, reprint_id = %s, story_model = 'v1' WHERE id = %s",
             (event, group, changed))

        assert db.migrate(url) == [MIGRATION]
        assert _run(url, "SELECT article_id, story_id, reprint_id, (published AT TIME ZONE 'UTC')::text, content_hash, model"
                         " FROM article_stories ORDER BY article_id") == [
            (placed, event, group, "2026-01-08 08:00:00", _run(url, "SELECT md5('placed')")[0][0], "v1"),
            (changed, event, group, "2026-01-08 09:00:00", None, "v1")]
        assert _run(url, "SELECT article_id FROM story_queue ORDER BY article_id") == [(changed,), (waiting,)]
        assert _run(url, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'articles'"
                         " AND column_name IN ('minhash', 'story_id', 'reprint_id', 'story_model')") == [(0,)]
        assert _run(url, "SELECT id, story_id, reprint_id FROM v_articles ORDER BY id") == [
            (placed, event, group), (changed, event, group), (waiting, None, None)]
        assert _run(url, "SELECT article_id FROM v_story_members ORDER BY article_id") == [(placed,), (changed,)]

        roll_back(url, MIGRATION)
        # back on articles: the stories kept, every article without a signature (the old clustering takes each
        # again, keeping its story)
        assert _run(url, "SELECT id, story_id, reprint_id, story_model, minhash FROM articles ORDER BY id") == [
            (placed, event, group, "v1", None), (changed, event, group, "v1", None),
            (waiting, None, None, None, None)]
        assert _run(url, "SELECT to_regclass('article_stories'), to_regclass('story_queue')") == [(None, None)]
        assert db.migrate(url) == [MIGRATION]
        assert _run(url, "SELECT count(*) FROM article_stories") == [(2,)]
        assert _run(url, "SELECT count(*) FROM story_queue") == [(3,)]
