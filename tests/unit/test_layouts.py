"""bench/layouts.py on a small slice of every layout family: real corpus text in synthetic markup, judged against
the corpus record (title, instant, people, every paragraph, no trap text, canonical). A regression in any
family's mechanism turns this red."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location("akhbar_layouts",
                                               Path(__file__).resolve().parents[2] / "bench" / "layouts.py")
layouts = importlib.util.module_from_spec(_SPEC)
sys.modules["akhbar_layouts"] = layouts  # dataclasses look their module up
_SPEC.loader.exec_module(layouts)

CORPUS_PRESENT = (layouts.CORPUS / layouts.CORPUS_FILES[0]).exists()
PER_FAMILY = 4


@pytest.fixture(scope="module")
def cases():
    if not CORPUS_PRESENT:
        pytest.skip("../shared/corpus is not beside the repository")
    return layouts.cases(PER_FAMILY)


def test_at_least_twelve_families() -> None:
    assert len(layouts.FAMILIES) >= 12


@pytest.mark.parametrize("family", sorted(layouts.FAMILIES))
def test_family_slice(cases, family: str) -> None:
    mine = [c for c in cases if c.family == family]
    assert len(mine) == PER_FAMILY
    for case in mine:
        result = layouts.judge(case, layouts.run_ours(case))
        missed = [name for name, ok in result.items() if ok is False]
        assert not missed, f"{family} {case.url}: {missed}"


def test_truth_reads_people_not_places_or_agencies() -> None:
    assert layouts._people("القاهرة - أحمد الريدي") == ["أحمد الريدي"]
    assert layouts._people("أبوظبي - سكاي نيوز عربية") == []
    assert layouts._people("لندن - رويترز") == []
    assert layouts._people("العربية.نت - إسلام سيف") == ["إسلام سيف"]
    assert layouts._people("واشنطن - أسوشيتد برس") == []


def test_judge_is_exact_on_authors_and_complete_on_paragraphs() -> None:
    from datetime import UTC, datetime

    case = layouts.Case("p", "", "https://x.com/a/1", layouts.SourceInfo("x.com", "UTC"), "عنوان",
                        datetime(2018, 2, 18, 17, 35, tzinfo=UTC), ["أحمد الريدي"], ["الأولى هنا.", "الثانية هنا."],
                        "https://x.com/a/1", ["اقرأ أيضا"])
    good = {"title": "عنوان", "published": datetime(2018, 2, 18, 17, 35, 30, tzinfo=UTC),
            "authors": ["أحمد الريدي"], "body": "الأولى هنا.\n\nالثانية هنا.", "canonical": "https://x.com/a/1"}
    assert all(layouts.judge(case, good).values())
    assert not layouts.judge(case, {**good, "authors": ["أحمد الريدي", "معلومات المقال"]})["author"]
    assert not layouts.judge(case, {**good, "body": "الأولى هنا.\n\nاقرأ أيضا\n\nالثانية هنا."})["clean"]
    assert not layouts.judge(case, {**good, "body": "الأولى هنا."})["complete"]
    assert not layouts.judge(case, {**good, "published": "2018-02-18"})["published"]
