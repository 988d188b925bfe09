"""The story scorer's features, checked against what the definitions say for texts written here."""

import json

import numpy as np
import pytest

from akhbar.stories import SCORER_PATH, Scorer
from akhbar.story_features import FEATURES, LEAD_WORDS, Idf, Profile, Vector, containment, features, stem

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
    assert (scorer.probability([1.0, 0.95, 0.9, 0.8, 1.0, 1.0, 0.9])
            > scorer.probability([0.0, 0.05, 0.0, 0.0, 0.0, 40.0, 0.0]))
    with pytest.raises(ValueError, match="features"):
        Scorer.from_dict({**data, "features": ["cosine"]})
    assert np.isfinite(scorer.probability([0.0] * len(FEATURES)))


# A follow-up a day later: its own news first, then the first report's background repeated word for word.
BACKGROUND = ("وكانت الشرطة عثرت الشهر الماضي على زجاجه صغيره تحتوي غاز الاعصاب في منزل رجل اصيب مع صديقته "
              "التي توفيت لاحقا في المستشفي بعد اربعه اشهر من تسميم جاسوس روسي سابق وابنته في سالزبري")
FIRST = ("اعلنت الشرطه البريطانيه العثور علي زجاجه صغيره تحتوي غاز الاعصاب نوفيتشوك في منزل باميزبري "
         "واكد العلماء في مختبر بورتون داون ان المادة هي نفسها ")
FOLLOW_UP = ("عثرت شرطه مكافحه الارهاب علي اكثر من اربعمئه دليل مادي وارسلت الادله الملوثه للفحص "
             "وطلبت من السكان عدم التقاط اي اشياء غريبه ")


def test_the_lead_cosine_tells_a_follow_up_from_a_rewrite_of_the_same_lead():
    # each lead here is shorter than LEAD_WORDS: a stopword pads it, so the background starts after the lead
    pad = " ".join(["في"] * LEAD_WORDS)
    first = Profile.of("", " ".join(FIRST.split()[:LEAD_WORDS]) + " " + pad + " " + BACKGROUND)
    follow = Profile.of("", " ".join(FOLLOW_UP.split()[:LEAD_WORDS]) + " " + pad + " " + BACKGROUND)
    rewrite = Profile.of("", "عثرت الشرطه البريطانيه علي زجاجه صغيره فيها غاز الاعصاب نوفيتشوك في منزل باميزبري "
                         + pad + " " + BACKGROUND)
    idf = Idf()
    for p in (first, follow, rewrite):
        idf.add(p)
    vf, vu, vr = (Vector(p, idf) for p in (first, follow, rewrite))
    assert len(first.lead) <= LEAD_WORDS and "اعصاب" in first.lead and "سالزبري" not in first.lead
    follow_up, same = features(first, vf, follow, vu, 30.0), features(first, vf, rewrite, vr, 2.0)
    assert follow_up[1] > 0.3  # the repeated background keeps the bodies alike
    assert set(first.lead) & set(follow.lead) == {"شرط"}  # the police (الشرطه, شرطه) is all the two leads share
    assert follow_up[6] < 0.3 < same[6]


def test_a_stored_profile_keeps_its_lead_and_one_stored_without_it_falls_back_to_the_body_cosine():
    p = Profile.of("عنوان", FIRST + BACKGROUND)
    stored = Profile.from_stored(p.shingles.astype("<u4").tobytes(), p.to_json())
    assert stored.lead == p.lead
    old = Profile.from_stored(p.shingles.astype("<u4").tobytes(), {"b": p.body, "t": p.title})
    assert old.lead is None
    other = Profile.of("", FOLLOW_UP + BACKGROUND)
    idf = Idf()
    for q in (p, other):
        idf.add(q)
    x = features(old, Vector(old, idf), other, Vector(other, idf), 1.0)
    assert x[6] == x[1]
