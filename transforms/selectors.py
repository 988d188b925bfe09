"""Selector tables: what the field cascades look for, in order, compiled once, in one place.

Meta keys, JSON-LD types, class-name patterns, boilerplate tokens and line patterns that the modules of
:mod:`transforms.fields` read. Order matters where a table is a cascade: earlier entries win.
"""

from __future__ import annotations

import re

from .normalize import fold_for_compare
from .page import NON_CONTENT_TAGS

ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
                 "BackgroundNewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle",
                 "TechArticle", "SocialMediaPosting", "VideoObject", "WebPage")
SEPARATORS = re.compile(r"\s+(?:[-|–—~•·»«]|::)\s+")
TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*$")
BYLINE_PREFIX = re.compile(
    r"^\s*(?:كتبت|كتب|كتبه|بقلم|حوار|إعداد|اعداد|تقرير|تحرير|إشراف|اشراف|متابعة|ترجمة|بواسطة|written by|by)"
    r"(?=[\s:：\-–]|$)\s*[:：\-–]?\s*",
    re.IGNORECASE,
)
# A first body line that is a byline: "كتب فلان", "بقلم: فلان"; words that also open sentences (تقرير يكشف …,
# متابعة لما …, ترجمة …) only with a colon, and the rest must be a name.
BODY_BYLINE = re.compile(
    r"^\s*(?:(?:كتبت|كتب|كتبه|بقلم|حوار|إعداد|اعداد|تحرير|بواسطة|written by|by)(?=[\s:：\-–]|$)\s*[:：\-–]?"
    r"|(?:تقرير|متابعة|ترجمة|إشراف|اشراف)\s*[:：])\s*",
    re.IGNORECASE,
)
AGENCIES = frozenset(fold_for_compare(a) for a in (
    "أ ف ب", "أ.ف.ب", "ا ف ب", "فرانس برس", "رويترز", "الأناضول", "الاناضول", "وكالات", "وكالة", "أسوشيتد برس",
    "د ب أ", "سبوتنيك", "واس", "وام", "قنا", "كونا", "بترا", "سانا", "وفا", "أ ش أ", "AFP", "Reuters", "AP",
    "Associated Press", "Anadolu", "DPA", "Sputnik", "RIA Novosti", "Xinhua", "شينخوا", "المحرر", "محرر الموقع",
    "admin", "administrator", "editor", "staff",
))
ARABIC_TEXT = re.compile(r"[\u0621-\u064A]")
URLISH = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|net|org)\b", re.IGNORECASE)
# Tokens of class/id that mark a box which is not article text.
BOILERPLATE_TOKENS = frozenset((
    "comment", "comments", "related", "share", "sharing", "social", "sidebar", "widget", "menu", "nav",
    "navigation", "breadcrumb", "breadcrumbs", "tags", "tag", "promo", "newsletter", "trc", "taboola", "outbrain",
    "ad", "ads", "advert", "advertisement", "banner", "footer", "caption", "cap", "credit", "copyright", "print",
    "rating", "subscribe", "follow", "popular", "recommended", "inject", "gallery", "embed", "video", "author",
    "byline", "meta", "toolbar", "tools", "readmore", "more", "also", "pagination",
))
BOILERPLATE_PARTS = ("most-read", "mostread", "related", "caption", "comment", "taboola", "outbrain",
                      "newsletter", "breadcrumb", "advert", "social", "sharebar", "share-")
TOKEN_SPLIT = re.compile(r"[\s_\-]+")
LEAD_TOKENS = frozenset(("lead", "intro", "standfirst", "summary", "excerpt", "teaser", "description", "chapo"))
BYLINE_CLASS = re.compile(r"(?:^|[\s_\-])(?:byline|by-line|author|authors|writer|writers|writeby|reporter|kateb|katib|by)"
                           r"(?:name)?(?:$|[\s_\-])|writeby|authorname|author-name|byline", re.IGNORECASE)
TAXONOMY_HREF = re.compile(r"/(?:category|categories|section|sections|tags?|topics?|cat|rubric|qism)(?:/|$|\?)",
                            re.IGNORECASE)
BYLINE_ATTR = re.compile(r"author|byline|by-line|writ|reporter|kateb|katib|(?:^|[\s_\-])by(?:$|[\s_\-])")
DATE_ATTR = re.compile(r"date|time|publish|posted|stamp|tarikh")
DC_PUBLISHED = ("dc:date", "dcterms:issued", "dc:created")
DATE_CLASS = re.compile(r"date|time|publish|posted|timestamp|stamp|tarikh", re.IGNORECASE)
# Lines that are links to elsewhere, not article text: "read also" lines (short), and "follow us"/"subscribe"
# lines (short, and naming a platform or newsletter: "تابع الأمير …" and "اشترك آلاف …" are news).
SKIP_LINE = re.compile(
    r"^(?:اقرأ\s*(?:أيض|ايض)|إقرأ\s*(?:أيض|ايض)|اقرا\s*ايض|للمزيد|شاهد\s*(?:أيض|ايض)|طالع\s*(?:أيض|ايض)|"
    r"مشاركة\s*$|شارك\s*$|read more|read also|see also)",
    re.IGNORECASE,
)
FOLLOW_LINE = re.compile(r"^(?:تابعو?نا|تابع\s|تابعوا|اشترك|follow us|subscribe)", re.IGNORECASE)
PLATFORM = re.compile(r"فيسبوك|فيس بوك|تويتر|يوتيوب|تليجرام|تلغرام|تيليجرام|واتساب|واتس اب|انستجرام|انستغرام|إنستغرام|"
                       r"تيك توك|نشرتنا|النشرة|قناتنا|صفحتنا|حساباتنا|جوجل نيوز|google news|facebook|twitter|youtube|"
                       r"telegram|whatsapp|instagram|newsletter", re.IGNORECASE)





CHROME_CLASS = re.compile(r"(?:^|[\s_\-])(?:header|top-?bar|topbar|navbar|masthead|today|site-date|current-date)"
                           r"(?:$|[\s_\-])", re.IGNORECASE)

LIST_TAGS = frozenset(("ul", "ol", "dl", "table"))
CELL_TAGS = frozenset(("td", "th"))

ARTICLE_ID = re.compile(r"\d{3,}|[^/]{25,}|\.html?$|\.php|\.aspx?")
SECOND_LEVEL = frozenset(("com", "net", "org", "gov", "edu", "co", "ac", "info", "news", "tv"))

GENERIC_SITE_WORDS = frozenset(fold_for_compare(w) for w in (
    "موقع", "صحيفة", "جريدة", "بوابة", "قناة", "شبكة", "مجلة", "نت", "الإلكترونية", "الالكترونية", "أونلاين",
    "اونلاين", "news", "online", "net", "com", "the", "tv", "official", "الرسمي"))
NAME_WORD = re.compile(r"\w+")

ARTICLE_CATEGORY = re.compile(r"(?:article|post|entry|story|news)[_\-]?(?:details?[_\-]?)?(?:category|section|cat)\b"
                               r"|(?:category|section)[_\-](?:title|name|label)\b")
SPACES = re.compile(r"\s+")
DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
NEIGHBOURHOOD_SIZE = 60
URL_DATE = re.compile(r"/((?:19|20)\d{2})/(?:[^/]+/)?(\d{1,2})/(\d{1,2})(?:/|$)|/((?:19|20)\d{2})(\d{2})(\d{2})")
URL_SECTION_GENERIC = frozenset((
    "news", "article", "articles", "story", "stories", "post", "posts", "node", "content", "details", "detail",
    "ar", "en", "amp", "video", "videos", "p", "id", "item", "items", "akhbar", "view", "read", "page", "s", "a",
    "archive", "arabic", "print",
))
URL_SECTION = re.compile(r"[a-z][a-z_\-]{2,30}")
BLOCK_TAGS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"))
INLINE_TAGS = frozenset(("a", "span", "b", "strong", "i", "em", "u", "font", "sup", "sub", "small", "mark", "q",
                         "abbr", "time", "cite", "bdi", "bdo", "big", "s", "del", "ins", "label", "nobr", "wbr"))
STRUCTURE_SKIP = frozenset(("header", "footer", "nav", "aside")) | frozenset(NON_CONTENT_TAGS)
BR = "\u2029"
MIN_BODY_CHARS = 250  # below this, the container search is judged to have failed and trafilatura is tried
TRAFILATURA_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2999-12-31"}
MIN_TEXT_CHARS = 25  # below this, there is no body at all

PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time", "datepublished",
                  "publishdate", "publish-date", "publish_date", "pubdate", "dc.date.issued", "dcterms.issued",
                  "dc.date", "dcterms.date", "dcterms.created", "parsely-pub-date", "sailthru.date",
                  "article.published", "original-publish-date", "datecreated", "date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "lastmod",
                 "dc.date.modified", "dcterms.modified", "article.updated", "modified_time", "og:modified_time")
