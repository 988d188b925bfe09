"""Section and tags."""

from __future__ import annotations

import html as html_lib
import re
from functools import cached_property
from urllib.parse import unquote

from ..dom import (
    as_list,
    in_page_chrome,
    ld_text,
)
from ..normalize import clean_inline
from ..page import NON_CONTENT_TAGS, text_of, url_path
from ..selectors import (
    ARTICLE_CATEGORY,
    URL_SECTION,
    URL_SECTION_GENERIC,
)


class TaxonomyField:
    """Section and tags. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def section(self) -> str | None:
        return self._section

    @cached_property
    def _section(self) -> str | None:
        selected = self._selected("section")
        if selected:
            return clean_inline(selected[0])
        for obj in self.article_objects:
            value = ld_text(obj.get("articleSection"))
            if value:
                return clean_inline(value)
        value = self.page.meta_first("article:section", "articlesection", "parsely-section", "section",
                                     "sailthru.section")
        if value:
            return clean_inline(value)
        return self._section_from_dom() or self._section_from_url()

    def _section_from_dom(self) -> str | None:
        """The section the article page shows: an ``itemprop=articleSection`` element, else the article's own
        category label (a class like ``article_details_category``, ``post-category``), outside the page chrome."""
        found = self.page.index.having("itemprop", "articlesection")
        found += [el for el, attrs in self._attributed
                  if ("cat" in attrs or "section" in attrs) and ARTICLE_CATEGORY.search(attrs)]
        for el in found:
            if el.tag in NON_CONTENT_TAGS or in_page_chrome(el):
                continue
            text = el.get("content") or text_of(el)
            if text and len(text) <= 40 and len(text.split()) <= 4:
                return clean_inline(text)
        return None

    def _section_from_url(self) -> str | None:
        segments = [unquote(s) for s in url_path(self.canonical_url()).split("/") if s]
        for i, seg in enumerate(segments):
            if seg.isdigit() and len(seg) >= 4:
                if i >= 1:
                    prev = segments[i - 1].lower()
                    if URL_SECTION.fullmatch(prev) and prev not in URL_SECTION_GENERIC:
                        return prev
                return None
        return None

    def tags(self) -> list[str]:
        return list(self._tags)

    @cached_property
    def _tags(self) -> list[str]:
        selected = self._selected("tags")
        if selected:
            return list(dict.fromkeys(clean_inline(v) for v in selected if clean_inline(v)))
        page = self.page
        raw: list[str] = []
        for obj in self.article_objects:
            for value in as_list(obj.get("keywords")):
                if isinstance(value, str):
                    raw.append(value)
        if not raw:
            raw = page.meta_all("article:tag")
        for key in ("news_keywords", "parsely-tags", "sailthru.tags"):
            if not raw:
                raw = page.meta_all(key)
        if not raw:
            raw = [text_of(a) for a in page.index.having("rel", "tag") if a.tag == "a"]
        tags: list[str] = []
        for value in raw:
            parts = re.split(r"\s*[,،;]\s*", value) if len(raw) == 1 or "," in value or "،" in value else [value]
            for part in parts:
                part = clean_inline(html_lib.unescape(part))
                if part and len(part) <= 80 and part not in tags:
                    tags.append(part)
        return tags
