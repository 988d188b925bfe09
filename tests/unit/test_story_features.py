"""The story scorer's features, checked against what the definitions say for texts written here."""

import json

import numpy as np
import pytest

from akhbar.stories import SCORER_PATH, Scorer
from akhbar.story_features import FEATURES, Idf, Profile, Vector, containment, features, stem

WIRE = ("اعلنت وزاره الصحه اليوم افتتاح مستشفي جديد في مدينه الاسكندريه بطاقه مئتي سرير وبتكلفه بلغت "
        "ثلاثه مليارات جنيه وقال الوزير ان المستشفي يخدم سكان المحافظه والمحافظات المجاوره")
LEAD = "في خطوه جديده لتطوير المنظومه الصحيه شهدت المحافظه اليوم حدثا مهما "


def test_an_added_lead_or_a_trimmed_tail_keeps_the_shorter_texts_shingles():
    wire = Profile.of("", WIRE)
    with_lead = Profile.of("", LEAD + WIRE)
    trimmed = Profile.of("", " ".join(WIRE.split()[:14]))
    assert containment(wire.shingles, with_lead.shingles) == 1.0  # every shingle of the wire text is kept
    assert containment(trimmed.shingles, wire.shingles) == 1.0
    other = Profile.of("", "قال المتحدث باسم الحكومه ان الاجتماع ناقش خطه النظافه في المحافظات")
    assert containment(wire.shingles, other.shingles) == 0.0


def test_the_light_stem_drops_the_article_prepositions_and_plural_endings():
    assert stem("والمستشفيات") == "مستشفي"  # و+ال off the front, ات off the back
    assert stem("الفلسطينيين") == "فلسطين"
    assert stem("بالمدن") == "مدن"
    assert stem("2018") == "2018"
    assert stem("ال") == "ال"  # never below three letters


def test_features_of_a_copy_and_of_an_unrelated_text():
    idf = Idf()
    a, b = Profile.of("افتتاح مستشفي بالاسكندريه", WIRE), Profile.of("مستشفي جديد بالاسكندريه", LEAD + WIRE)
    c = Profile.of("خطه النظافه", "قال المتحدث باسم الحكومه ان الاجتماع ناقش خطه النظافه في المحافظات")
    for p in (a, b, c):
        idf.add(p)
    va, vb, vc = (Vector(p, idf) for p in (a, b, c))
    same = features(a, va, b, vb, 3.0)
    assert len(same) == len(FEATURES) and same[0] == 1.0 and same[5] == 3.0
    assert same[1] > 0.8 and same[2] > 0.3
    apart = features(a, va, c, vc, 3.0)
    assert apart[0] == 0.0 and apart[4] == 0.0  # no shared shingle, and the second text has no number


def test_the_shipped_scorer_loads_and_names_its_features():
    data = json.loads(SCORER_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and data["version"]
    scorer = Scorer.load()
    assert 0.5 <= scorer.threshold < 1 and 0.5 <= scorer.reprint_containment <= 1
    assert scorer.probability([1.0, 0.95, 0.9, 0.8, 1.0, 1.0]) > scorer.probability([0.0, 0.05, 0.0, 0.0, 0.0, 40.0])
    with pytest.raises(ValueError, match="features"):
        Scorer.from_dict({**data, "features": ["cosine"]})
    assert np.isfinite(scorer.probability([0.0] * 6))
