"""Progress of `akhbar run`, `akhbar maintenance reparse` and `akhbar import`: rich bars on a terminal, plain lines
otherwise; and search on the demo database, whose articles read as the pages spell them."""

import re
from io import StringIO

import pytest

from akhbar import cli, search
from akhbar.progress import progress

LOADABLE = 7  # the demo mirror's real pages with every field the gate needs (see test_pipeline.py)


def test_plain_lines_without_a_terminal():
    out = StringIO()
    with progress(out, every=3600) as reporter:
        with reporter.task("parse, pages", 3) as task:
            task.advance()  # within `every` of the start: no line
            task.set(done=3, quarantined=1)
        reporter.line("a message")
        with pytest.raises(RuntimeError), reporter.task("load, articles") as task:
            raise RuntimeError("boom")
    assert out.getvalue().splitlines() == ["parse, pages: 3/3 (quarantined 1) done", "a message",
                                           "load, articles: 0 failed"]


def test_bars_on_a_terminal():
    out = StringIO()
    with progress(out, force_terminal=True) as reporter, reporter.task("import x.jsonl -> youm7", 4) as task:
        task.set(done=4, loaded=3)
    text = out.getvalue()
    assert "\x1b[" in text and "━" in text  # ANSI styles and the bar
    assert "import x.jsonl -> youm7 (loaded 3)" in text and "4/4" in text


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("AKHBAR_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("AKHBAR_DEMO_PORT", str(settings.demo_port))
    monkeypatch.setenv("AKHBAR_DOWNLOAD_TIMEOUT", "10")
    return settings


@pytest.mark.slow
def test_run_and_reparse_report_progress_and_the_demo_database_searches_as_it_reads(cli_env, query, capsys):
    assert cli.main(["run", "demo"]) == 0
    captured = capsys.readouterr()
    # stderr is not a terminal here: one plain line per step on stdout when it ends, with its counts (and, for
    # a step longer than 5 s, a line at most every 5 s before); stderr is left to problems
    assert captured.err == ""
    lines = [line for line in captured.out.splitlines() if line.endswith((" done", " failed"))]
    assert re.fullmatch(r"demo: crawl, pages: 14 \(new 14\) done", lines[-4]), lines
    # quarantined at parse: gone.html (404), members.html (robots.txt), empty.html, report.pdf; of the 10
    # staged, one copy of another page is skipped, and the gate stops the short cp1256 page and CNN (no date)
    assert re.fullmatch(r"demo: parse, pages: 14/14 \(quarantined 4\) done", lines[-3]), lines
    assert lines[-2] == "demo: quality gate, pages: 9 (quarantined 2) done"
    assert lines[-1] == f"demo: load, articles: {LOADABLE} (new {LOADABLE}) done"
    assert f"  articles loaded      {LOADABLE}" in captured.out

    # the sources table, from what the database holds, with the latest run's health verdict
    assert cli.main(["status", "--json"]) == 0
    import json

    table = {row["source"]: row for row in json.loads(capsys.readouterr().out)}
    demo = table["demo"]
    assert (demo["state"], demo["articles 24 h"], demo["quarantined 24 h"]) == ("loaded", LOADABLE, 6)
    assert demo["health"] == "healthy"
    assert table["youm7"]["state"] == "never run" and table["youm7"]["articles 24 h"] == 0
    assert table["youm7"]["health"] == "-"
    [(newest,)] = query("SELECT to_char(max(published_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM articles")
    assert demo["newest article"] == newest

    # the Done-when of the issue: وزارة النقل on the demo database, spelt in the snippet as the article spells it
    hits = search.search(cli_env, "وزارة النقل")
    assert hits[0].title.startswith("وزارة النقل تشغل 10 سيارات كهربائية")
    assert hits[0].snippet.startswith("تشغل «وزارة النقل» التاكسى الكهربائى الأربعاء القادم")

    # pages parsed by an older extractor are re-parsed, with their progress
    query("UPDATE raw_pages SET extractor_version = '0.0.1' WHERE parse_status IN ('loaded', 'quarantined')"
          " AND body IS NOT NULL AND fetch_error IS NULL AND coalesce(http_status, 200) < 400")
    [(outdated,)] = query("SELECT count(*) FROM raw_pages WHERE extractor_version = '0.0.1'")
    assert cli.main(["maintenance", "reparse"]) == 0
    captured = capsys.readouterr()
    progress_lines = [line for line in captured.out.splitlines() if line.startswith("re-parse, pages:")]
    assert progress_lines[-1] == f"re-parse, pages: {outdated}/{outdated} (articles loaded {LOADABLE}) done"
    assert "demo: " in captured.out and "re-parsed" in captured.out


@pytest.mark.slow
def test_run_draws_bars_on_a_terminal(cli_env):
    out = StringIO()
    with progress(out, force_terminal=True) as reporter:
        summary = cli.run_with_progress(cli_env, "demo", reporter)
    assert summary.counts["articles_loaded"] == LOADABLE
    text = out.getvalue()
    assert "━" in text and "demo: load, articles (new 7)" in text
