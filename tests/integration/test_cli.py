"""The ``akhbar extract`` contract: one JSON object, Arabic unescaped, ISO dates with offset."""

import json
import subprocess
import sys

import pytest

with open("tests/fixtures/truth.jsonl", encoding="utf-8") as _fh:
    TRUTH = {record["file"]: record for record in map(json.loads, _fh)}


def run_extract(*args):
    return subprocess.run([sys.executable, "-m", "akhbar.cli", "extract", *args],
                          check=False, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["pages/youm7.com__2024_05_13.html", "pages/lbcgroup.tv__2026_01_08.html.gz"])
def test_extract_prints_the_page_title(name):
    truth = TRUTH[name]
    proc = run_extract(f"tests/fixtures/{name}", "--url", truth["url"], "--fetched-at", "2026-01-09T00:00:00+00:00")
    assert proc.returncode == 0, proc.stderr
    assert "\\u06" not in proc.stdout  # Arabic is not escaped
    article = json.loads(proc.stdout)
    assert article["title"] == truth["title"]
    assert isinstance(article["authors"], list)
    for key in ("url", "canonical_url", "body", "published_at", "modified_at", "section", "tags", "language",
                "images", "extractor", "extractor_version"):
        assert key in article
    if truth["published"]:
        assert article["published_at"][-6] in "+-"  # ISO-8601 with an offset


def test_extract_reports_a_page_that_is_not_html(tmp_path):
    pdf = tmp_path / "x.html"
    pdf.write_bytes(b"%PDF-1.4\n")
    proc = run_extract(str(pdf), "--url", "https://example.com/x")
    assert proc.returncode == 1
    assert "not_html" in proc.stderr
