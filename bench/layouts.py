"""Layout families: real corpus articles served in the markup common Arabic news CMSs produce, ours beside
trafilatura on the same pages.

    .venv/bin/python bench/layouts.py [--per-family N] [--family NAME ...] [--show-misses K]   (make eval-layouts)

The text is real (``../shared/corpus``: title, body paragraphs, time, author); the markup is synthetic, written
here from how WordPress, Drupal, Next.js, AMP and hand-made news CMSs lay out an article page. Each family also
carries traps real pages have: "read also" boxes, related links, share bars and ads inside the body container,
captions and photo credits before the first paragraph, bylines in every common position (and site names,
agencies and footer credits where a byline would be), multi-author bylines, dates shown only as text (every
regional month family, dual month names, Hijri beside Gregorian, 12-hour clocks) under arbitrary class names,
local times labelled Z, a ``<time>`` of another article before the headline, a canonical pointing at the home page.

Truth is the corpus record, never an extractor's output:

- title: the record's title (whitespace folded);
- published: the record's instant, to the minute (a tool that gives only a day is judged at midnight in the
  source's zone, as in ``bench/eval.py``);
- author: the people the byline names, read from the record's ``author`` (places, agencies and site names
  removed); none when the record names no person. Compared as a set, exactly;
- start / end: the body starts with the first paragraph / ends with the last one;
- complete: every paragraph of the record is in the body (the record's own cross-link lines, "للمزيد: …" and
  "اقرأ أيضا: …", were read-also links on its page and are not rendered); clean: no trap text (captions, read-also titles,
  share labels, ads, bylines) is in the body.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms import ExtractionError, SourceInfo, extract, url_key

CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ("ant-v2.1-multisource.jsonl.gz", "ant-v1.1-jawharafm.jsonl.gz")
FIELDS = ("title", "published", "author", "start", "end", "complete", "clean", "canonical")

# Each corpus source as a site: its zone (the registry's), its display name and its host.
SITES = {
    "alarabia": ("Asia/Dubai", "العربية.نت", "www.alarabiya.net"),
    "BBC": ("Europe/London", "بي بي سي عربي", "www.bbc.com"),
    "CNN": ("Asia/Dubai", "سي إن إن بالعربية", "arabic.cnn.com"),
    "france24": ("Europe/Paris", "فرانس 24", "www.france24.com"),
    "skynews": ("Asia/Dubai", "سكاي نيوز عربية", "www.skynewsarabia.com"),
    "Jawhara FM": ("Africa/Tunis", "جوهرة أف أم", "www.jawharafm.net"),
}
# Read by a person off the corpus's author values: parts that are a place, an agency or a publication.
_NOT_PEOPLE = {
    "أبوظبي", "دبي", "القاهرة", "الرياض", "لندن", "موسكو", "مدريد", "برلين", "واشنطن", "روما", "برشلونة", "اليمن",
    "باريس", "بيروت", "بغداد", "جدة", "عمان", "تونس", "الجزائر", "الرباط", "غزة", "دمشق", "الخرطوم", "إسطنبول",
    "طهران", "نيويورك", "رويترز", "د ب أ", "فرانس برس", "وكالات", "أ ف ب", "العربية.نت", "العربية نت",
    "سكاي نيوز عربية", "فرانس 24", "قناة العربية", "البوابة العربية للأخبار التقنية", "الأناضول", "مونت كارلو الدولية",
    # places of two or more words that the corpus's author values put before a name (read off the values)
    "لوس أنجلوس", "إسلام آباد", "إسلام أباد", "ريو دي جانيرو", "سان فرانسيسكو", "نيجني نوفغورود", "نيجيني نوفغورود",
    "سان بطرسبرغ", "سان بطرسبيرغ", "سانت بطرسبيرغ", "رام الله", "ساو باولو", "هونغ كونغ", "بوينوس ايرس",
    "بونيس ايرس", "بوينس أيرس", "غواتيمالا سيتي", "تل أبيب", "أبو ظبي",
}
# Agencies however spelt ("أسوشيتد برس", "أشوستيد برس", "فراني برس") and channels ("قناة الحدث").
_NOT_PERSON_SHAPE = re.compile(r"\sبرس$|^قناة\s")
# The corpus kept the source pages' own cross-links as lines ("للمزيد: <title>", "اقرأ أيضا: <title>"): on the page
# they were read-also links, not article text, so they are left out; every family adds read-also traps of its own.
_XREF = re.compile(r"^(?:للمزيد\s*(?:[-:|–]|$)|[اإ]قرأ\s+[أا]يضا)")
_ARABIC_NAME = re.compile(r"^[\u0621-\u064A]+(?: [\u0621-\u064A]+){1,3}$")

MONTHS_EG = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
             "ديسمبر"]
MONTHS_LEV = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
              "تشرين الثاني", "كانون الأول"]
MONTHS_MAG = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر",
              "ديسمبر"]
MONTHS_HIJRI = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان",
                "شوال", "ذو القعدة", "ذو الحجة"]
WEEKDAYS = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
FOOTER_CREDITS = ("Developed By Nile Soft", "تصميم وبرمجة شركة الأفق للحلول الرقمية", "برمجة وتطوير: مجموعة الرؤية")
SHARE_LABELS = ("شارك على فيسبوك", "غرّد على تويتر", "أرسل عبر واتساب")
AD_TEXT = "إعلان ممول من شركائنا"


@dataclass
class Case:
    """One rendered page and what a person expects from it."""

    family: str
    html: str
    url: str
    source: SourceInfo
    title: str
    published: datetime
    authors: list[str]
    paragraphs: list[str]
    canonical: str
    traps: list[str] = field(default_factory=list)  # text that must not be in the body


@dataclass
class Record:
    title: str
    paragraphs: list[str]
    published: datetime
    people: list[str]
    author_raw: str | None
    url: str
    source: str
    docno: str


def _people(author: str | None) -> list[str]:
    if not author:
        return []
    parts = [p.strip() for p in re.split(r"\s*(?:[-–—]|ـ|،|,)\s*", author) if p.strip()]
    # A first word with the article (الحدود، المنطقة) names a place or a body, not a person.
    return [p for p in parts if p not in _NOT_PEOPLE and _ARABIC_NAME.match(p) and not p.startswith("ال")
            and not _NOT_PERSON_SHAPE.search(p)]


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = parsedate_to_datetime(text)
    return value.astimezone(UTC)


def load_records(count: int, seed: int = 12) -> list[Record]:
    """``count`` corpus records, spread over every source, deterministic for a seed."""
    by_source: dict[str, list[dict]] = {}
    for name in CORPUS_FILES:
        with gzip.open(CORPUS / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                rec = json.loads(line)
                if rec.get("source") in SITES:
                    by_source.setdefault(rec["source"], []).append(rec)
    rng = random.Random(seed)
    pools = {}
    for source, recs in sorted(by_source.items()):
        rng.shuffle(recs)
        pools[source] = recs
    out: list[Record] = []
    # People first where the source has them: bylines are what most families test.
    iters = {s: iter(sorted(r, key=lambda x: not _people(x.get("author")))) for s, r in pools.items()}
    while len(out) < count and iters:
        for source in list(iters):
            rec = next(iters[source], None)
            if rec is None:
                del iters[source]
                continue
            paragraphs = [" ".join(p.split()) for p in rec["text"].split("\n")
                          if p.strip() and not _XREF.match(p.strip())]
            title = " ".join((rec["title"] or "").split())
            if len(paragraphs) < 2 or not title or sum(map(len, paragraphs)) < 300 or not rec.get("time"):
                continue
            try:
                published = _parse_time(rec["time"])
            except (TypeError, ValueError):
                continue  # a time the record gives in no standard form: no truth to judge a date by
            out.append(Record(title, paragraphs, published, _people(rec.get("author")),
                              rec.get("author"), rec["url"], source, rec["docno"]))
            if len(out) >= count:
                break
    return out


# -- date text -------------------------------------------------------------------------------------------------

def _h12(dt: datetime, style: str) -> str:
    hour = dt.hour % 12 or 12
    if style == "short":
        return f"{hour:02d}:{dt.minute:02d} {'ص' if dt.hour < 12 else 'م'}"
    return f"{hour:02d}:{dt.minute:02d} {'صباحاً' if dt.hour < 12 else 'مساءً'}"


def _hijri(dt: datetime) -> str:
    from hijridate import Gregorian

    h = Gregorian(dt.year, dt.month, dt.day).to_hijri()
    return f"{h.day} {MONTHS_HIJRI[h.month - 1]} {h.year} هـ"


def shown_date(dt: datetime, style: str) -> str:
    """The local time ``dt`` as a page shows it."""
    day = WEEKDAYS[dt.weekday()]
    if style == "egyptian":
        return f"{day}، {dt.day} {MONTHS_EG[dt.month - 1]} {dt.year} {_h12(dt, 'short')}"
    if style == "levantine-dual":
        return f"{day} {dt.day} {MONTHS_LEV[dt.month - 1]} / {MONTHS_EG[dt.month - 1]} {dt.year} {_h12(dt, 'long')}"
    if style == "maghrebi":
        return f"{day} {dt.day} {MONTHS_MAG[dt.month - 1]} {dt.year} - {dt.hour:02d}:{dt.minute:02d}"
    if style == "hijri-dual":
        return (f"{day} {_hijri(dt)} الموافق {dt.day} {MONTHS_EG[dt.month - 1]} {dt.year} م - الساعة "
                f"{_h12(dt, 'long')}")
    if style == "numeric":
        return f"{dt.day:02d}/{dt.month:02d}/{dt.year} - {dt.hour:02d}:{dt.minute:02d}"
    raise ValueError(style)


# -- page pieces ---------------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=True)


class Page:
    """What a family's template needs from one record: site, local time, bylines, traps."""

    def __init__(self, rec: Record, others: list[Record], rng: random.Random):
        self.rec = rec
        self.others = others
        self.rng = rng
        zone_name, self.site, self.host = SITES[rec.source]
        self.zone = ZoneInfo(zone_name)
        self.local = rec.published.astimezone(self.zone)
        self.url = f"https://{self.host}/ar/news/{self.local:%Y/%m/%d}/{rec.docno.lower()}.html"  # the local day
        self.home = f"https://{self.host}/"
        self.source = SourceInfo(key=self.host.removeprefix("www."), time_zone=zone_name,
                                 locale="ar-TN" if rec.source == "Jawhara FM" else "ar", name=self.site)
        self.traps: list[str] = []

    @property
    def iso_local(self) -> str:
        return self.local.isoformat(timespec="seconds")

    @property
    def iso_z_local(self) -> str:
        """The local wall clock labelled Z: the mislabelling some CMSs do."""
        return self.local.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"

    def head(self, extra: str = "", canonical: str | None = None, title: str | None = None) -> str:
        canonical = canonical or self.url
        title = title if title is not None else f"{self.rec.title} - {self.site}"
        return (f'<head><meta charset="utf-8"><title>{esc(title)}</title>'
                f'<meta property="og:site_name" content="{esc(self.site)}">'
                f'<meta property="og:title" content="{esc(self.rec.title)}">'
                f'<link rel="canonical" href="{esc(canonical)}">{extra}</head>')

    def nav(self) -> str:
        # A "today" date in the top bar (the fetch day, not the article's), menu words, a search box.
        return ('<header class="site-header"><div class="top-bar"><span class="today-date">الخميس، 30 نوفمبر 2026'
                '</span></div><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/ar/politics">سياسة</a></li>'
                '<li><a href="/ar/sport">رياضة</a></li><li><a href="/ar/author">كتاب الرأي</a></li></ul></nav>'
                '</header>')

    def footer(self) -> str:
        credit = self.rng.choice(FOOTER_CREDITS)
        self.traps.append(credit)
        return (f'<footer class="site-footer"><p>جميع الحقوق محفوظة © {esc(self.site)} 2026</p>'
                f'<div class="credits">{esc(credit)}</div></footer>')

    def other_title(self) -> str:
        text = self.rng.choice(self.others).title
        self.traps.append(text)
        return text

    def read_also(self) -> str:
        title = self.other_title()
        return (f'<div class="read-also"><span>اقرأ أيضا</span><a href="/ar/news/{self.rng.randrange(10**6)}">'
                f'{esc(title)}</a></div>')

    def related(self) -> str:
        items = "".join(f'<li><a href="/ar/news/{self.rng.randrange(10**6)}">{esc(self.other_title())}</a></li>'
                        for _ in range(3))
        return f'<div class="related-news"><h3>أخبار ذات صلة</h3><ul>{items}</ul></div>'

    def share(self) -> str:
        self.traps.extend(SHARE_LABELS)
        return '<div class="share-bar">' + "".join(f'<a href="#">{s}</a>' for s in SHARE_LABELS) + "</div>"

    def ad(self) -> str:
        self.traps.append(AD_TEXT)
        return f'<div class="ad-slot"><span>{AD_TEXT}</span></div>'

    def figure(self) -> str:
        caption = f"صورة أرشيفية من موقع الحدث {self.rng.randrange(100, 999)}"
        credit = f"تصوير: {self.rng.choice(['محمود عادل', 'سامي جابر', 'نور الهدى سالم'])}"
        self.traps.extend((caption, credit))
        return (f'<figure class="main-image"><img src="/images/{self.rec.docno}.jpg" alt="">'
                f'<figcaption>{esc(caption)} <span class="photo-credit">{esc(credit)}</span></figcaption></figure>')

    def sidebar_with_time(self) -> str:
        # The "most read" box before the article: another article's <time datetime> comes first in the document.
        other = self.rng.choice(self.others)
        self.traps.append(other.title)
        when = (other.published - timedelta(days=3)).astimezone(self.zone)
        return (f'<aside class="most-read"><h3>الأكثر قراءة</h3><ul><li><a href="/ar/x">{esc(other.title)}</a> '
                f'<time datetime="{when.isoformat(timespec="seconds")}">{esc(shown_date(when, "numeric"))}</time>'
                f'</li></ul></aside>')

    def byline_names(self) -> str:
        people = self.rec.people
        if not people:
            return ""
        if len(people) == 1:
            return people[0]
        return " و".join(people) if self.rng.random() < 0.5 else "، ".join(people)

    def ld(self, date: str | None = None, author: bool = True, modified: str | None = None) -> str:
        obj = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": self.rec.title,
               "mainEntityOfPage": self.url,
               "publisher": {"@type": "Organization", "name": self.site}}
        if date:
            obj["datePublished"] = date
        if modified:
            obj["dateModified"] = modified
        if author and self.rec.people:
            obj["author"] = [{"@type": "Person", "name": p} for p in self.rec.people]
        elif author:
            obj["author"] = {"@type": "Organization", "name": self.site}
        return f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>'

    def ps(self, paragraphs: list[str] | None = None) -> str:
        return "".join(f"<p>{esc(p)}</p>" for p in (paragraphs or self.rec.paragraphs))


def _doc(p: Page, head: str, body: str, lang: str = "ar") -> str:
    return f'<!DOCTYPE html><html lang="{lang}" dir="rtl">{head}<body>{body}</body></html>'


def _middle(paragraphs: list[str]) -> int:
    return max(1, len(paragraphs) // 2)


# -- the families ----------------------------------------------------------------------------------------------

def fam_p(p: Page) -> str:
    """Plain <p> paragraphs in <article>; "كتب:" byline under the title; a read-also box and a share bar inside
    the body container; JSON-LD with the right offset; an Egyptian-style visible date."""
    paras = p.rec.paragraphs
    k = _middle(paras)
    byline = f'<div class="writer">كتب: {esc(p.byline_names())}</div>' if p.rec.people else ""
    if p.rec.people:
        p.traps.append("كتب:")
    body = (f'{p.nav()}<main><article><h1>{esc(p.rec.title)}</h1>{byline}'
            f'<div class="post-date">{esc(shown_date(p.local, "egyptian"))}</div>'
            f'<div class="article-content">{p.share()}{p.ps(paras[:k])}{p.read_also()}{p.ps(paras[k:])}</div>'
            f'</article></main>{p.footer()}')
    return _doc(p, p.head(p.ld(p.iso_local)), body)


def fam_div(p: Page) -> str:
    """Each paragraph in its own <div> (no <p>); the date only visible, under the headline, in an element whose
    class says ``created``, Levantine month with its Egyptian twin and a 12-hour clock; no date metadata; the
    author "بقلم:" at the end; a "most read" box with another article's <time> before the article."""
    paras = p.rec.paragraphs
    k = _middle(paras)
    divs = lambda ps: "".join(f"<div>{esc(x)}</div>" for x in ps)
    end = f'<div class="writer-end">بقلم: {esc(p.byline_names())}</div>' if p.rec.people else ""
    body = (f'{p.nav()}{p.sidebar_with_time()}<div class="wrap"><h1 class="title">{esc(p.rec.title)}</h1>'
            f'<div class="created">تم نشره {esc(shown_date(p.local, "levantine-dual"))}</div>'
            f'<div class="news-body">{divs(paras[:k])}{p.ad()}{divs(paras[k:])}</div>{end}</div>{p.footer()}')
    return _doc(p, p.head(), body)


def fam_br(p: Page) -> str:
    """Text split by <br><br> in one container, a captioned image with a photo credit before the first line,
    a numeric date in an arbitrary class, the site's own name as meta author."""
    text = "<br><br>".join(esc(x) for x in p.rec.paragraphs)
    byline = f'<div class="info">بقلم: {esc(p.byline_names())}</div>' if p.rec.people else ""
    body = (f'{p.nav()}<div id="content"><h1>{esc(p.rec.title)}</h1>{byline}'
            f'<span class="post-on">{esc(shown_date(p.local, "numeric"))}</span>'
            f'<div class="news-text">{p.figure()}{text}</div>{p.related()}</div>{p.footer()}')
    head = p.head(f'<meta name="author" content="{esc(p.site)}">'
                  f'<meta property="article:published_time" content="{p.iso_local}">')
    return _doc(p, head, body)


def fam_wordpress(p: Page) -> str:
    """WordPress: ``entry-content``, a sharedaddy bar and Jetpack related posts inside it, the author in
    ``span.author.vcard``, ``article:published_time`` with its offset, tags, a "Developed by" footer."""
    paras = p.rec.paragraphs
    author = (f'<span class="byline"><span class="author vcard"><a class="url fn n" href="/author/{p.rng.randrange(99)}/">'
              f'{esc(p.rec.people[0])}</a></span></span>') if p.rec.people else ""
    extra_people = p.rec.people[1:]
    # WordPress prints one author; co-authors (Co-Authors Plus) follow as more vcards.
    for name in extra_people:
        author += f'<span class="author vcard"><a class="url fn n" href="/author/x/">{esc(name)}</a></span>'
    body = (f'{p.nav()}<div id="primary" class="content-area"><main id="main" class="site-main">'
            f'<article id="post-1" class="post-1 post type-post status-publish"><header class="entry-header">'
            f'<h1 class="entry-title">{esc(p.rec.title)}</h1><div class="entry-meta"><span class="posted-on">'
            f'<time class="entry-date published" datetime="{p.iso_local}">{esc(shown_date(p.local, "egyptian"))}'
            f'</time></span> {author}</div></header><div class="entry-content">{p.ps(paras)}'
            f'<div class="sharedaddy sd-sharing-enabled">{p.share()}</div>'
            f'<div id="jp-relatedposts" class="jp-relatedposts">{p.related()}</div></div>'
            f'<footer class="entry-footer"><span class="tags-links"><a href="/tag/a" rel="tag">أخبار</a></span>'
            f'</footer></article></main></div>{p.footer()}')
    head = p.head(f'<meta property="article:published_time" content="{p.iso_local}">'
                  f'<meta name="generator" content="WordPress 6.4">')
    return _doc(p, head, body)


def fam_drupal(p: Page) -> str:
    """Drupal: ``field--name-body``, the date in a ``field--name-field-date`` with a Hijri-and-Gregorian text,
    the writer in its own field, and a canonical pointing at the home page."""
    writer = (f'<div class="field field--name-field-writer field--type-entity-reference"><div class="field__item">'
              f'{esc(p.byline_names())}</div></div>') if p.rec.people else ""
    body = (f'{p.nav()}<div class="layout-container"><main role="main"><div class="region region-content">'
            f'<article role="article" class="node node--type-article node--view-mode-full">'
            f'<h1 class="page-title"><span class="field field--name-title">{esc(p.rec.title)}</span></h1>'
            f'<div class="field field--name-field-date"><div class="field__item">'
            f'{esc(shown_date(p.local, "hijri-dual"))}</div></div>{writer}'
            f'<div class="clearfix text-formatted field field--name-body field--type-text-with-summary '
            f'field__item">{p.ps()}</div>{p.related()}</article></div></main></div>{p.footer()}')
    head = p.head(canonical=p.home)
    return _doc(p, head, body)


def fam_next(p: Page) -> str:
    """A Next.js page: the server HTML is a shell, the article lives in ``__NEXT_DATA__`` (body as HTML, the
    time in UTC, authors as objects)."""
    data = {"props": {"pageProps": {"article": {
        "id": p.rec.docno, "title": p.rec.title, "publishedAt": p.rec.published.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "authors": [{"name": n, "slug": f"a{i}"} for i, n in enumerate(p.rec.people)],
        "section": {"name": "أخبار"}, "body": p.ps(),
        "related": [{"title": p.other_title(), "url": "/ar/x"}]}}},
        "page": "/article/[id]", "buildId": "abc123"}
    body = (f'<div id="__next"><header class="nav-shell">{esc(p.site)}</header><div class="skeleton"></div></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data, ensure_ascii=False)}</script>')
    return _doc(p, p.head(), body)


def fam_state(p: Page) -> str:
    """A client-rendered page: ``window.__INITIAL_STATE__`` holds the article as typed blocks; the server HTML has
    only the headline."""
    blocks = [{"type": "paragraph", "text": x} for x in p.rec.paragraphs]
    blocks.insert(1, {"type": "ad", "slot": "mid"})
    state = {"article": {"headline": p.rec.title, "datePublished": p.iso_local, "content": blocks,
                         "authors": [{"fullName": n} for n in p.rec.people]},
             "ui": {"menu": ["الرئيسية", "سياسة"]}}
    body = (f'{p.nav()}<div id="app"><h1>{esc(p.rec.title)}</h1><div class="loading">جاري التحميل</div></div>'
            f'<script>window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)};</script>{p.footer()}')
    return _doc(p, p.head(), body)


def fam_amp(p: Page) -> str:
    """AMP: ``<html amp>``, amp-img in a captioned figure before the text, amp-ad inside it, JSON-LD."""
    paras = p.rec.paragraphs
    k = _middle(paras)
    caption = f"صورة من الحدث {p.rng.randrange(100, 999)}"
    p.traps.append(caption)
    body = (f'<header class="amp-header"><a href="/">{esc(p.site)}</a></header><article class="amp-article">'
            f'<h1 class="amp-title">{esc(p.rec.title)}</h1>'
            f'<figure><amp-img src="/i.jpg" width="600" height="400" layout="responsive"></amp-img>'
            f'<figcaption>{esc(caption)}</figcaption></figure><div class="amp-body">{p.ps(paras[:k])}'
            f'<amp-ad width="300" height="250" type="doubleclick" data-slot="/1/x"><div placeholder>{AD_TEXT}'
            f'</div></amp-ad>{p.ps(paras[k:])}</div></article>')
    p.traps.append(AD_TEXT)
    head = p.head('<script async src="https://cdn.ampproject.org/v0.js"></script>' + p.ld(p.iso_local),
                  canonical=p.url)
    return f'<!doctype html><html amp lang="ar" dir="rtl">{head}<body>{body}</body></html>'


def fam_lists(p: Page) -> str:
    """Lists and a table inside the body: some paragraphs are list items, one a table cell; related links
    after; the date in a Hijri-beside-Gregorian text."""
    paras = p.rec.paragraphs
    first, rest = paras[:1], paras[1:]
    items = rest[: max(1, len(rest) // 3)]
    cell = rest[len(items): len(items) + 1]
    tail = rest[len(items) + len(cell):]
    ul = "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>"
    table = f"<table><tbody><tr><td>{esc(cell[0])}</td></tr></tbody></table>" if cell else ""
    byline = f'<p class="by">{esc(p.byline_names())}</p>' if p.rec.people else ""
    body = (f'{p.nav()}<div class="container"><div class="article"><h1>{esc(p.rec.title)}</h1>{byline}'
            f'<span class="pub">{esc(shown_date(p.local, "hijri-dual"))}</span>'
            f'<div class="text">{p.ps(first)}{ul}{table}{p.ps(tail)}</div>{p.related()}</div></div>{p.footer()}')
    head = p.head(p.ld(p.iso_local, author=False))
    return _doc(p, head, body)


def fam_zlocal(p: Page) -> str:
    """Local wall clock labelled Z in every machine date, the same clock shown as text (12-hour): no site
    class knows this site."""
    paras = p.rec.paragraphs
    byline = f'<span class="name">{esc(p.byline_names())}</span>' if p.rec.people else ""
    body = (f'{p.nav()}<section class="story"><h1>{esc(p.rec.title)}</h1><div class="story-meta">{byline}'
            f'<span class="stamp">{esc(shown_date(p.local, "egyptian"))}</span></div>'
            f'<div class="story-body">{p.ps(paras)}</div></section>{p.footer()}')
    head = p.head(f'<meta property="article:published_time" content="{p.iso_z_local}">' + p.ld(p.iso_z_local))
    return _doc(p, head, body)


def fam_multi(p: Page) -> str:
    """Bylines with several people ("فلان وفلان", "فلان، فلان") under the title, a collapsible "article
    information" box whose label sits where a byline would, a Maghrebi-month date."""
    paras = p.rec.paragraphs
    names = p.byline_names()
    byline = f'<div class="authors-line">{esc(names)}</div>' if names else ""
    info = ('<details class="article-info"><summary class="author-info-toggle">معلومات المقال</summary>'
            f'<div>المصدر: {esc(p.site)}</div></details>')
    p.traps.append("معلومات المقال")
    body = (f'{p.nav()}<div class="article-page"><h1 class="headline">{esc(p.rec.title)}</h1>{byline}{info}'
            f'<p class="dt">{esc(shown_date(p.local, "maghrebi"))}</p>'
            f'<div class="article-body">{p.figure()}{p.ps(paras)}</div>{p.related()}</div>{p.footer()}')
    return _doc(p, p.head(), body)


def fam_footer_byline(p: Page) -> str:
    """The byline at the end of the article in the article's own footer ("تحرير:"), the site's name as the
    JSON-LD author, sub-headings and a "read also" line in the text, a "Developed by" page footer."""
    paras = p.rec.paragraphs
    k = _middle(paras)
    by = (f'<div class="article-footer"><span class="editor">تحرير: {esc(p.byline_names())}</span></div>'
          if p.rec.people else "")
    also = f'<p><strong>اقرأ أيضا:</strong> <a href="/ar/y">{esc(p.other_title())}</a></p>'
    body = (f'{p.nav()}<div class="main"><div class="details"><h1>{esc(p.rec.title)}</h1>'
            f'<div class="details-date">{esc(shown_date(p.local, "levantine-dual"))}</div>'
            f'<div class="details-body">{p.ps(paras[:k])}{also}{p.ps(paras[k:])}</div>{by}</div></div>{p.footer()}')
    obj = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": p.rec.title,
           "datePublished": p.iso_local, "author": {"@type": "Organization", "name": p.site}}
    head = p.head(f'<script type="application/ld+json">{json.dumps(obj, ensure_ascii=False)}</script>')
    return _doc(p, head, body)


def fam_time_first(p: Page) -> str:
    """A sidebar ``<time datetime>`` of another article before the headline, the article's own ``<time>`` under
    the headline; ads and an inline "read also" between paragraphs inside ``div.body``; "كتبت:" byline as the
    first line of the body."""
    paras = p.rec.paragraphs
    k = _middle(paras)
    first = f"<p>كتبت: {esc(p.byline_names())}</p>" if p.rec.people else ""
    if p.rec.people:
        p.traps.append("كتبت:")
    body = (f'{p.nav()}<div class="page">{p.sidebar_with_time()}<div class="news"><h1>{esc(p.rec.title)}</h1>'
            f'<time datetime="{p.iso_local}">{esc(shown_date(p.local, "numeric"))}</time>'
            f'<div class="body">{first}{p.ps(paras[:k])}{p.ad()}{p.read_also()}{p.ps(paras[k:])}</div></div></div>'
            f'{p.footer()}')
    return _doc(p, p.head(), body)


FAMILIES = {
    "p": fam_p, "div-per-paragraph": fam_div, "br": fam_br, "wordpress": fam_wordpress, "drupal": fam_drupal,
    "next-data": fam_next, "initial-state": fam_state, "amp": fam_amp, "lists-tables": fam_lists,
    "z-as-local": fam_zlocal, "multi-author": fam_multi, "footer-byline": fam_footer_byline,
    "time-before-title": fam_time_first,
}


def render(family: str, rec: Record, others: list[Record], seed: int) -> Case:
    page = Page(rec, others, random.Random(f"{family}:{rec.docno}:{seed}"))
    markup = FAMILIES[family](page)
    return Case(family, markup, page.url, page.source, rec.title, rec.published, list(rec.people),
                rec.paragraphs, page.url, page.traps)


def cases(per_family: int, families=None, seed: int = 12) -> list[Case]:
    families = list(families or FAMILIES)
    records = load_records(per_family * len(families) + 50, seed)
    pool, others = records[: per_family * len(families)], records[per_family * len(families):]
    out = []
    for i, family in enumerate(families):
        for rec in pool[i * per_family:(i + 1) * per_family]:
            out.append(render(family, rec, others, seed))
    return out


# -- judging ---------------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b-\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _ws(text: str | None) -> str:
    """Text as a reader sees it: whitespace collapsed, invisible characters (zero-width, bidi marks, control
    characters the corpus text carries) gone."""
    return " ".join(_INVISIBLE.sub("", text or "").split())


def judge(case: Case, got: dict) -> dict[str, bool | None]:
    body = _ws(got.get("body"))
    published = got.get("published")
    if isinstance(published, str) and published:
        try:
            published = datetime.fromisoformat(published)
        except ValueError:
            published = None
    if isinstance(published, datetime) and published.tzinfo is None:
        published = published.replace(tzinfo=ZoneInfo(case.source.time_zone))
    out: dict[str, bool | None] = {
        "title": _ws(got.get("title")) == _ws(case.title),
        "published": isinstance(published, datetime) and abs((published - case.published).total_seconds()) < 60,
        "author": sorted(_ws(a) for a in got.get("authors") or [] if a) == sorted(case.authors),
        "start": bool(body) and body.startswith(_ws(case.paragraphs[0])),
        "end": bool(body) and body.endswith(_ws(case.paragraphs[-1])),
        "complete": bool(body) and all(_ws(x) in body for x in case.paragraphs),
        "clean": bool(body) and not any(_ws(t) in body for t in case.traps),
        "canonical": None,
    }
    if "canonical" in got:
        out["canonical"] = bool(got["canonical"]) and url_key(got["canonical"]) == url_key(case.canonical)
    return out


def run_ours(case: Case) -> dict:
    article = extract(case.html.encode("utf-8"), case.url, source=case.source)
    return {"title": article.title, "published": article.published_at, "authors": article.authors,
            "body": article.body, "canonical": article.canonical_url}


def run_trafilatura(case: Case) -> dict:
    from trafilatura import bare_extraction

    # Its defaults, with a date format that keeps the time of day when it finds one.
    doc = bare_extraction(case.html, url=case.url, with_metadata=True,
                          date_extraction_params={"original_date": True, "extensive_search": True,
                                                  "outputformat": "%Y-%m-%dT%H:%M:%S%z"})
    if doc is None:
        return {"title": None, "published": None, "authors": [], "body": None, "canonical": None}
    authors = [a.strip() for a in re.split(r";|,", doc.author or "") if a.strip()]
    return {"title": doc.title, "published": doc.date, "authors": authors, "body": doc.text,
            "canonical": doc.url}


TOOLS = {"ours": run_ours, "trafilatura": run_trafilatura}


def evaluate(items: list[Case], tools=("ours", "trafilatura")):
    """{tool: {family: {field: [ok, n]}}}, misses {tool: [(case, field, got)]}, seconds per tool."""
    table = {t: {} for t in tools}
    misses = {t: [] for t in tools}
    spent = {t: 0.0 for t in tools}
    for case in items:
        for tool in tools:
            start = time.perf_counter()
            try:
                got = TOOLS[tool](case)
            except ExtractionError as exc:
                got = {"error": exc.code}
            except Exception as exc:  # noqa: BLE001  a crash is a miss on every field; the run goes on
                got = {"error": repr(exc)}
            spent[tool] += time.perf_counter() - start
            result = judge(case, got)
            cells = table[tool].setdefault(case.family, {f: [0, 0] for f in FIELDS})
            for name, value in result.items():
                if value is None:
                    continue
                cells[name][0] += int(value)
                cells[name][1] += 1
                if not value:
                    misses[tool].append((case, name, got))
    return table, misses, spent


def _pct(cell) -> str:
    ok, n = cell
    return f"{100 * ok / n:5.1f}" if n else "    ·"


def print_table(table, tools, families) -> None:
    header = f"{'family':20} {'tool':11} " + " ".join(f"{f:>9}" for f in FIELDS)
    print(header)
    print("-" * len(header))
    for family in families:
        for tool in tools:
            cells = table[tool].get(family)
            if cells is None:
                continue
            print(f"{family:20} {tool:11} " + " ".join(f"{_pct(cells[f]):>9}" for f in FIELDS))
    print("-" * len(header))
    for tool in tools:
        totals = {f: [sum(table[tool][fam][f][0] for fam in table[tool]),
                      sum(table[tool][fam][f][1] for fam in table[tool])] for f in FIELDS}
        print(f"{'all':20} {tool:11} " + " ".join(f"{_pct(totals[f]):>9}" for f in FIELDS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-family", type=int, default=100)
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES))
    parser.add_argument("--ours-only", action="store_true")
    parser.add_argument("--show-misses", type=int, default=0, help="print up to K of our misses per family/field")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--dump", help="write one page of each family to this folder")
    args = parser.parse_args(argv)
    families = args.family or list(FAMILIES)
    tools = ("ours",) if args.ours_only else ("ours", "trafilatura")
    items = cases(args.per_family, families, args.seed)
    if args.dump:
        folder = Path(args.dump)
        folder.mkdir(parents=True, exist_ok=True)
        for family in families:
            case = next(c for c in items if c.family == family)
            (folder / f"{family}.html").write_text(case.html, encoding="utf-8")
    table, misses, spent = evaluate(items, tools)
    print(f"{len(items)} pages: {args.per_family} corpus articles in each of {len(families)} layout families "
          "(text real, markup synthetic); % of pages right per field")
    print_table(table, tools, families)
    for tool in tools:
        print(f"{tool}: {len(items) / spent[tool]:.1f} pages/s")
    if args.show_misses:
        shown: dict[tuple[str, str], int] = {}
        for case, name, got in misses["ours"]:
            key = (case.family, name)
            if shown.get(key, 0) >= args.show_misses:
                continue
            shown[key] = shown.get(key, 0) + 1
            value = {"title": got.get("title"), "published": got.get("published"), "author": got.get("authors"),
                     "canonical": got.get("canonical")}.get(name, (got.get("body") or "")[:200] + " … " +
                                                             (got.get("body") or "")[-200:])
            expected = {"title": case.title, "published": case.published, "author": case.authors,
                        "canonical": case.canonical}.get(name, case.paragraphs[0][:100] + " … " +
                                                         case.paragraphs[-1][-100:])
            print(f"\n[{case.family} / {name}] {case.url}\n  expected: {expected}\n  got:      {value}"
                  + (f"\n  error: {got['error']}" if "error" in got else ""))
    worst = min((ok / n for fam in table["ours"].values() for ok, n in fam.values() if n), default=1.0)
    return 0 if worst >= 0.99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
