"""Publication and modification dates: markup, embedded state, then the date the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from lxml import etree

from ..dates import (
    MachineDate,
    fix_mislabelled_utc,
    localize,
    parse_machine_date,
    parse_shown_date,
    same_minute,
)
from ..dom import (
    in_page_chrome,
    is_boilerplate,
    shows_clock,
)
from ..page import NON_CONTENT_TAGS, text_of, url_path
from ..selectors import (
    ARABIC_TEXT,
    DATE_ATTR,
    DC_PUBLISHED,
    DIGIT,
    MODIFIED_META,
    NEIGHBOURHOOD_SIZE,
    PUBLISHED_META,
    URL_DATE,
)


@dataclass(frozen=True, slots=True)
class Shown:
    """A date the page shows: the parsed value, whether it has a time of day, its text and its element."""

    value: datetime
    has_time: bool
    text: str
    element: object
    near: bool = False  # right under the headline, before the body




class DateFields:
    """Publication and modification dates: markup, embedded state, then the date the page shows. (a part of :class:`transforms.extract.GenericExtractor`)."""

    @cached_property
    def _published_candidate_list(self) -> list[tuple[str, str]]:
        return self._find_published_candidates()

    def _published_candidates(self) -> list[tuple[str, str]]:
        return self._published_candidate_list

    def _find_published_candidates(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for obj in self.article_objects:
            for key in ("datePublished", "dateCreated", "uploadDate"):
                value = obj.get(key)
                if isinstance(value, str):
                    out.append((value, f"jsonld:{key}"))
        for key in PUBLISHED_META:
            for value in self.page.meta_all(key)[:1]:
                out.append((value, f"meta:{key}"))
        index = self.page.index
        for el in index.having("itemprop", "datepublished") + index.having("property", *DC_PUBLISHED):
            value = el.get("datetime") or el.get("content")
            if value:
                out.append((value, f"dom:{el.tag}"))
        for el in [t for t in index.times if t.get("pubdate") is not None and t.get("datetime")]:
            out.append((el.get("datetime"), f"dom:{el.tag}"))
        state = self._state_if_thin()
        if state is not None and state.published:
            out.append((state.published, "state:published"))
        # <time datetime>: the one under the headline first, then the others in the article (never a sidebar's).
        near = [el for el in self._headline_neighbourhood() if el.tag == "time" and el.get("datetime")]
        rest = [t for t in index.times if t.get("datetime") and t not in near][:3]
        for el in near[:2] + rest:
            if not in_page_chrome(el) and not any(is_boilerplate(a) for a in el.iterancestors()):
                out.append((el.get("datetime"), "dom:time"))
        return out

    @cached_property
    def _neighbourhood(self) -> list:
        """Elements right after the headline, in document order, up to the article body: where a page shows the
        article's date and byline, whatever their class names say."""
        body = self.page.body
        if body is None:
            return []
        headline = next((h for h in body.iter("h1") if not in_page_chrome(h)), None)
        if headline is None:
            return []
        container = self._body.container
        out: list = []
        node = headline
        for _level in range(3):
            for sibling in node.itersiblings():
                for el in sibling.iter(etree.Element):
                    if el is container:
                        return out
                    out.append(el)
                    if len(out) >= NEIGHBOURHOOD_SIZE:
                        return out
            node = node.getparent()
            if node is None or node is body:
                break
        return out

    def _headline_neighbourhood(self) -> list:
        return self._neighbourhood

    def _modified_candidates(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for obj in self.article_objects:
            value = obj.get("dateModified")
            if isinstance(value, str):
                out.append((value, "jsonld:dateModified"))
        for key in MODIFIED_META:
            for value in self.page.meta_all(key)[:1]:
                out.append((value, f"meta:{key}"))
        for el in self.page.index.having("itemprop", "datemodified"):
            value = el.get("datetime") or el.get("content")
            if value:
                out.append((value, f"dom:{el.tag}"))
        return out

    def _shown_dates(self, clocks: set[tuple[int, int]] | None = None) -> list[datetime]:
        """Datetimes the page shows (naive wall clock, or aware when the text fixes the instant)."""
        return [shown.value for shown in self._shown(clocks)]

    def _shown(self, clocks: set[tuple[int, int]] | None = None) -> list[Shown]:
        """Date text the page shows in date-like elements, in document order.

        With ``clocks``, only texts showing one of those hh:mm times are parsed (what a cross-check needs; it
        keeps date parsing off most pages).
        """
        locale = self.locale
        shown: list[Shown] = []
        body = self.page.body
        if body is None:
            return shown
        texts: set[str] = set()
        near = [el for el in self._headline_neighbourhood() if len(el) <= 8]
        near_set = set(near)
        candidates = near + [el for el, attrs in self._attributed if DATE_ATTR.search(attrs)]
        candidates += self.page.index.times
        for el in candidates:
            if el.tag in NON_CONTENT_TAGS or not isinstance(el.tag, str):
                continue
            raw = "".join(el.itertext())
            if clocks is not None and ":" not in raw:
                continue
            if len(raw) > 1000 or (clocks is not None and not shows_clock(clocks, raw)):
                continue  # a container, not a date label; or not the time being checked
            text = text_of(el)
            if not text or len(text) > 150 or not DIGIT.search(text):
                continue
            if clocks is not None and not shows_clock(clocks, text):
                continue
            if text in texts:
                continue
            texts.add(text)
            parsed = parse_shown_date(text, locale, self.fetched_at, self.zone)
            if parsed is not None:
                shown.append(Shown(parsed.value, parsed.has_time, text, el, el in near_set))
            if len(texts) >= 16:
                break
        return shown

    def _pick(self, candidates: list[tuple[str, str]]) -> list[MachineDate]:
        tz = self.zone
        out = []
        for raw, origin in candidates:
            date = parse_machine_date(raw, tz, origin)
            if date is None and raw and ARABIC_TEXT.search(raw):
                # Some CMSs put the displayed Arabic date into article:published_time.
                shown = parse_shown_date(raw, self.locale, self.fetched_at, tz)
                if shown is not None:
                    value = shown.value
                    date = MachineDate(localize(value, tz), raw.strip(), shown.has_time, value.tzinfo is not None,
                                       origin + " (text)")
            if date is not None:
                out.append(date)
        # A naive date that shows the same wall clock as a date with an offset is that date ("17:49" beside
        # "17:49:09Z"): it takes that offset instead of the source's zone.
        zoned = [d for d in out if d.has_zone and d.has_time]
        for i, date in enumerate(out):
            if date.has_zone or not date.has_time:
                continue
            clock = date.value.replace(tzinfo=None)
            for other in zoned:
                if same_minute(other.value.replace(tzinfo=None), clock):
                    out[i] = MachineDate(clock.replace(tzinfo=other.value.tzinfo), date.raw, True, False, date.origin)
                    break
        return out

    def published(self) -> MachineDate | None:
        return self._published[0]

    @cached_property
    def _published(self) -> tuple[MachineDate | None, bool]:
        """(the publication date, whether the markup's clock or day had to be corrected by what the page shows)."""
        selected = self._selected("published")
        if selected:
            return next(iter(self._pick([(v, "site:published") for v in selected])), None), False
        corrected = False
        dates = self._pick(self._published_candidates())
        if dates:
            chosen = dates[0]
            if not chosen.has_time:
                day = chosen.value.date()
                chosen = next((d for d in dates[1:] if d.has_time and d.value.astimezone(
                    chosen.value.tzinfo).date() == day), chosen)
            if chosen.says_utc and chosen.has_time and self.knows_zone and \
                    self.zone.utcoffset(chosen.value.replace(tzinfo=None)):
                utc_clock = chosen.value
                local_clock = chosen.value.astimezone(self.zone)
                clocks = {(utc_clock.hour, utc_clock.minute), (local_clock.hour, local_clock.minute)}
                fixed = fix_mislabelled_utc(chosen, self._shown_dates(clocks), self.zone)
                if fixed is not None:
                    chosen = fixed
                    corrected = True
            shown = self._markup_contradicted(chosen)
            if shown is not None:
                chosen = shown
                corrected = True
            return chosen, corrected
        return self._published_from_text(), False

    def _markup_contradicted(self, chosen: MachineDate) -> MachineDate | None:
        """The visible date under the headline, when two witnesses agree against the markup: the URL's date and
        the shown date are the same day, and the markup's date (in the site's zone) is more than a day away."""
        url_date = self._url_date()
        if url_date is None:
            return None
        marked = chosen.value.astimezone(self.zone).date()
        if abs((marked - date(*url_date)).days) <= 1:
            return None
        text = self._published_from_text()
        if text is None or text.value.astimezone(self.zone).date() != date(*url_date):
            return None
        return MachineDate(text.value, text.raw, text.has_time, text.has_zone, "text (markup contradicted)")

    def _url_date(self) -> tuple[int, int, int] | None:
        match = URL_DATE.search(url_path(self.page.url))
        if not match:
            return None
        groups = [g for g in match.groups() if g]
        try:
            year, month, day = (int(g) for g in groups[:3])
            datetime(year, month, day)
        except ValueError:
            return None
        return year, month, day

    def _published_from_text(self) -> MachineDate | None:
        """The publication date from the date text the page shows, when no markup has one.

        A page-header "today" date is never the publication date: dates in a header, navigation or top bar are
        skipped, as is a date with no time that falls on the fetch day above the headline. Of the rest, one that
        agrees with a date in the URL (when the URL has one) and shows a time of day wins, else the first.
        """
        url_date = self._url_date()
        fetched_day = self.fetched_at.astimezone(self.zone).date() if self.fetched_at is not None and \
            self.fetched_at.tzinfo is not None else None
        headline = next(self.page.tree.iter("h1"), None)
        order = {el: i for i, el in enumerate(self.page.tree.iter())} if headline is not None else {}
        kept: list[Shown] = []
        for shown in self._shown():
            value = shown.value
            if url_date and (value.year, value.month, value.day) != url_date:
                continue  # the page shows some other day: not the publication date
            if in_page_chrome(shown.element):
                continue
            above_title = headline is not None and order.get(shown.element, 0) < order[headline]
            if above_title and not shown.has_time and (fetched_day is None or value.date() == fetched_day):
                continue  # a "today" date over the page, or an undated label: not this article's date
            kept.append(shown)
        if not kept:
            return None
        # Ranked by position: a date right under the headline is the article's; elsewhere, the first with a time.
        pool = [s for s in kept if s.near] or kept
        best = next((s for s in pool if s.has_time), pool[0])
        value = best.value if best.value.tzinfo is not None else localize(best.value, self.zone)
        return MachineDate(value, best.text, best.has_time, best.value.tzinfo is not None, "text")

    def modified(self) -> MachineDate | None:
        selected = self._selected("modified")
        if selected:
            return next(iter(self._pick([(v, "site:modified") for v in selected])), None)
        dates = self._pick(self._modified_candidates())
        if not dates:
            return None
        published = self.published()
        if published is not None and self._published[1]:
            return None  # the markup's clock was wrong for publication; its modified time is unverified
        # A modified time before the publication is a save before a scheduled publication, not an update after
        # it: the first candidate (the most structured) at or after publication wins; with none, the first.
        if published is not None:
            after = [d for d in dates if d.value >= published.value]
            if after:
                return after[0]
        return dates[0]
