"""Authors, and the agency and dateline an article credits."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from ..credits import lead_credit, split_byline, trailing_credit
from ..dom import (
    as_list,
    in_page_chrome,
    ld_text,
)
from ..normalize import clean_inline, fold_for_compare
from ..page import NON_CONTENT_TAGS, text_of
from ..people import looks_like_person, split_names
from ..selectors import (
    AGENCIES,
    BODY_BYLINE,
    BYLINE_ATTR,
    BYLINE_CLASS,
    BYLINE_PREFIX,
    NEIGHBOURHOOD_SIZE,
    TAXONOMY_HREF,
    URLISH,
)


@dataclass(frozen=True, slots=True)
class Byline:
    authors: tuple[str, ...]
    place: str | None
    agency: str | None


class PeopleField:
    """Authors, and the agency and dateline an article credits. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def _read_byline(self, text: str | None, names: set[str]) -> tuple[str | None, str | None, str | None]:
        """One byline value read as (person, place, agency); each may be None. The person must look like one."""
        if not text:
            return None, None, None
        text = clean_inline(html_lib.unescape(text))
        text = BYLINE_PREFIX.sub("", text).strip(" ،,:-–|@")
        if not text or URLISH.search(text) or len(text) > 60 or len(text.split()) > 7:
            return None, None, None
        person, place, agency = split_byline(text, lambda part: self._is_site_name(part, names))
        if agency and self._is_site_name(text, names):
            agency = None  # the site itself as author (Sputnik on Sputnik) credits nobody
        folded = fold_for_compare(text)
        if folded in AGENCIES or folded in names:
            return None, place, agency  # a placeholder ("المحرر"), the site itself, or (see authors) the section
        if person is None or self._is_site_name(person, names):
            return None, place, agency  # a dateline ("(أبوظبي - البيان)") or an agency: kept in their own fields
        parts = [x.strip() for x in re.split(r"\s+[-–—]\s+", person) if x.strip()]
        if not any(looks_like_person(x) for x in parts) or not all(looks_like_person(x) or x == place for x in parts):
            return None, place, agency  # a label, a menu word, a footer credit, or no name shape
        return person, place, agency

    def _author_sources(self):
        page = self.page
        for obj in self.article_objects:
            yield [ld_text(a) for a in as_list(obj.get("author")) + as_list(obj.get("creator"))]
        for key in ("author", "article:author", "parsely-author", "dc.creator", "dcterms.creator",
                    "sailthru.author", "byl", "twitter:creator"):
            yield page.meta_all(key)
        dom = []
        body = page.body
        if body is not None:
            for el in page.index.having("itemprop", "author") + page.index.having("rel", "author"):
                name_el = el.find('.//*[@itemprop="name"]')
                dom.append(name_el.get("content") or text_of(name_el) if name_el is not None else text_of(el))
            for el, attrs in self._attributed:
                if not ("by" in attrs or "writ" in attrs or "auth" in attrs or "report" in attrs or "kat" in attrs):
                    continue  # a cheap test first: most class names name none of these
                if el.tag in NON_CONTENT_TAGS or el.tag in ("article", "body") or not BYLINE_ATTR.search(attrs):
                    continue
                if BYLINE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                    text = text_of(el)
                    if text and len(text) <= 80 and not self._is_taxonomy_link(el, text):
                        dom.append(text)
        yield dom
        yield self._state_authors()
        yield self._prefixed_bylines()
        yield [self._body.byline_line]

    def _prefixed_bylines(self) -> list[str]:
        """Short lines that say they are a byline ("بقلم: فلان", "تحرير: فلان") under the headline or right after
        the article body, whatever their class names say."""
        container = self._body.container
        places = list(self._headline_neighbourhood())
        if container is not None:
            after = 0
            for sibling in container.itersiblings():
                for el in sibling.iter(etree.Element):
                    places.append(el)
                    after += 1
                if after >= NEIGHBOURHOOD_SIZE:
                    break
        out: list[str] = []
        for el in places:
            if el.tag in NON_CONTENT_TAGS or len(el) > 4:
                continue
            text = text_of(el)
            if text and len(text) <= 100 and BODY_BYLINE.match(text) and text not in out and \
                    not in_page_chrome(el):
                out.append(text)
        return out[:2]

    @staticmethod
    def _is_taxonomy_link(el, text: str) -> bool:
        """True when ``text`` is all the text of a link to a category, section or tag page (not a person)."""
        for a in ([el] if el.tag == "a" else []) + list(el.iter("a")):
            if TAXONOMY_HREF.search(a.get("href") or "") and clean_inline(text_of(a)) == clean_inline(text):
                return True
        return False

    def authors(self) -> list[str]:
        return list(self._byline.authors)

    @cached_property
    def _byline(self) -> Byline:
        """The people the page credits, with the place and agency its byline values name on the way (the first
        of each, from every value read until the people were found)."""
        selected = self._selected("authors")
        names = self.site_names()
        if selected:
            sources = [selected]
        else:
            # A byline box often holds the section link too ("منوعات"): a section or tag is not a person.
            names |= {fold_for_compare(x) for x in [self.section(), *self.tags()] if x}
            sources = self._author_sources()
        place = agency = None
        for values in sources:
            found: list[str] = []
            for value in values:
                value = BYLINE_PREFIX.sub("", clean_inline(value or ""))
                for part in split_names(value):
                    person, part_place, part_agency = self._read_byline(part, names)
                    place, agency = place or part_place, agency or part_agency
                    if person and person not in found:
                        found.append(person)
            if found or selected:
                return Byline(tuple(found), place, agency)
        return Byline((), place, agency)

    def agency(self) -> str | None:
        """The agency the article credits: at the opening of the body, in the byline, or at the end of the body."""
        paragraphs = self.body_paragraphs()
        _place, agency = lead_credit(paragraphs[0] if paragraphs else None)
        if agency is None:
            agency = self._byline.agency
        return agency or trailing_credit(paragraphs)

    def dateline(self) -> str | None:
        """The place the story is filed from: the opening of the body, else the byline."""
        paragraphs = self.body_paragraphs()
        place, _agency = lead_credit(paragraphs[0] if paragraphs else None)
        if place is None:
            place = self._byline.place
        return place
