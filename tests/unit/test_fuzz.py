"""Property-based fuzzing of ``extract()`` on mutated real pages (hypothesis).

The pages are the saved fixture pages and one page of every layout family of bench/layouts.py. Each case applies a
few mutations (cut a range, insert markup fragments or junk bytes, repeat a slice, truncate, nest unclosed tags)
and asserts that ``extract()`` either returns an Article or raises an :class:`ExtractionError` whose code says
what is wrong with the page; ``extractor_failed`` (an exception of the extractor itself) and any other exception
fail the test, and so does a page that takes longer than PAGE_SECONDS.

CI runs a bounded number of cases (``AKHBAR_FUZZ_EXAMPLES``, 150 by default); a long run sets it higher, and
``AKHBAR_FUZZ_REPORT=path`` makes each case append its outcome to that file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import ExtractionError, SourceInfo, extract

from .fixtures import FIXTURES, load_truth, page_bytes

EXAMPLES = int(os.environ.get("AKHBAR_FUZZ_EXAMPLES", "150"))
REPORT = os.environ.get("AKHBAR_FUZZ_REPORT")
PAGE_SECONDS = 10.0  # generous on a shared 2-core machine; a healthy page takes well under 0.2 s
PAGE_CODES = {"not_html", "empty_page", "no_article", "page_too_large"}
FRAGMENTS = [b"<div>", b"</div>", b"<p>", b"</p>", b"<br>", b"<script>", b"</script>", b"<!--", b"-->", b"<![CDATA[",
             b"<table><tr><td>", b"<time datetime='2020-13-45T99:99Z'>", (b"<meta property='article:published_time' "
             b"content='0000-00-00'>"), b"<link rel='canonical' href='http://x:99999/'>", b"&#xFFFFFFFF;", b"&#0;",
             b"\x00", b"\xff\xfe", b"\xd8", "كتب: ".encode(), "تم نشره 31 شباط 2020 25:61 مساءً".encode(),
             "<h1>عنوان</h1>".encode(), b"<html>", b"</body>", b"<?xml version='1.0'?>", b"<svg><svg><svg>",
             b'<script type="application/ld+json">{"@type":"NewsArticle","datePublished":[1,{}],"author":7}</script>',
             b'<script id="__NEXT_DATA__" type="application/json">{"props":{"title":null,"body":[[[]]]}}</script>',
             b"<font>" * 300, b"<div>" * 3000, b"<img src='' alt=''>" * 50]


def _pages() -> list[tuple[str, bytes, SourceInfo | None]]:
    out = []
    for record in load_truth():
        out.append((record["url"], page_bytes(record), SourceInfo(record["site"], None)))
    spec = importlib.util.spec_from_file_location("akhbar_layouts_fuzz",
                                                  Path(__file__).resolve().parents[2] / "bench" / "layouts.py")
    layouts = importlib.util.module_from_spec(spec)
    sys.modules["akhbar_layouts_fuzz"] = layouts
    spec.loader.exec_module(layouts)
    if (layouts.CORPUS / layouts.CORPUS_FILES[0]).exists():
        for case in layouts.cases(1):
            out.append((case.url, case.html.encode("utf-8"), case.source))
    return out


PAGES = _pages()
assert FIXTURES.exists()


@st.composite
def mutated(draw):
    url, data, source = draw(st.sampled_from(PAGES))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("cut", "insert", "junk", "repeat", "truncate")))
        n = len(data)
        at = draw(st.integers(0, n))
        if kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 5000)):]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from(FRAGMENTS)) * draw(st.integers(1, 4)) + data[at:]
        elif kind == "junk":
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif kind == "repeat":
            size = draw(st.integers(1, 2000))
            data = data[:at] + data[at:at + size] * draw(st.integers(2, 20)) + data[at:]
        else:
            data = data[:at]
    return url, data, source


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 500,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_no_exception_escapes_and_time_is_bounded(case) -> None:
    url, data, source = case
    start = time.perf_counter()
    outcome, cause = "article", None
    try:
        extract(data, url, source=source)
    except ExtractionError as exc:
        outcome, cause = exc.code, exc.__cause__
    spent = time.perf_counter() - start
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as handle:
            handle.write(f"{outcome}\t{spent:.3f}\n")
    assert outcome == "article" or outcome in PAGE_CODES, "".join(
        __import__("traceback").format_exception(cause)[-8:]) if cause else outcome
    assert spent < PAGE_SECONDS, f"{spent:.1f} s"
