"""The title: structured candidates confirmed by the document <title>, site names stripped."""

from __future__ import annotations

import re
from functools import cached_property

from ..dom import (
    ld_text,
)
from ..normalize import clean_inline, clean_title, fold_for_compare
from ..page import text_of
from ..selectors import (
    SEPARATORS,
    TRUNCATED,
)


class TitleField:
    """The title: structured candidates confirmed by the document <title>, site names stripped. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def _title_candidates(self) -> list[str]:
        page = self.page
        out: list[str] = []
        for obj in self.article_objects:
            out.extend(filter(None, (ld_text(obj.get("headline")), ld_text(obj.get("name")))))
        for key in ("og:title", "twitter:title", "headline", "dc.title", "dcterms.title", "parsely-title",
                    "sailthru.title", "title"):
            out.extend(page.meta_all(key)[:1])
        for h1 in page.tree.iter("h1"):
            text = text_of(h1)
            if text:
                out.append(text)
        return [clean_title(c) for c in out if clean_title(c)]

    def _strip_site(self, text: str, names: set[str]) -> str:
        for _ in range(3):
            parts = SEPARATORS.split(text)
            if len(parts) < 2:
                break
            seps = SEPARATORS.findall(text)
            if self._is_site_name(parts[-1], names):
                text = text[: len(text) - len(parts[-1]) - len(seps[-1])]
            elif self._is_site_name(parts[0], names):
                text = text[len(parts[0]) + len(seps[0]):]
            else:
                break
        return text.strip()

    @staticmethod
    def _confirmed_by(candidate: str, doc_title: str) -> str | None:
        """The rest of ``doc_title`` around ``candidate`` if the title is the candidate plus a site part."""
        a, d = clean_inline(candidate), clean_inline(doc_title)
        if not a or not d:
            return None
        if a == d:
            return ""
        if d.startswith(a):
            rest = d[len(a):]
            match = SEPARATORS.match(rest)
            return rest[match.end():] if match else None
        if d.endswith(a):
            rest = d[: len(d) - len(a)]
            match = re.search(SEPARATORS.pattern + r"$", rest)
            return rest[: match.start()] if match else None
        return None

    def title(self) -> str | None:
        return self._title

    @cached_property
    def _title(self) -> str | None:
        selected = self._selected("title")
        if selected:
            return clean_title(selected[0])
        candidates = self._title_candidates()
        doc_title = clean_title(self.page.doc_title)
        names = self.site_names()
        # Whatever the <title> adds around a candidate is a site name ("X - اليوم السابع").
        for cand in candidates:
            rest = self._confirmed_by(cand, doc_title) if doc_title else None
            if rest:
                names.update(fold_for_compare(p) for p in SEPARATORS.split(rest) if p.strip())
        stripped = [self._strip_site(c, names) for c in candidates]
        folded = [clean_inline(s) for s in stripped]

        def truncated(i: int) -> bool:
            text = folded[i]
            if TRUNCATED.search(text):
                return True
            return any(len(other) > len(text) and other.startswith(text) for other in folded)

        if doc_title:
            doc_stripped = self._strip_site(doc_title, names)
            for i, cand in enumerate(stripped):
                if cand and not truncated(i) and self._confirmed_by(cand, doc_stripped) is not None:
                    return cand
        for i, cand in enumerate(stripped):
            if cand and not truncated(i):
                return cand
        if doc_title:
            return self._strip_site(doc_title, names) or doc_title
        return stripped[0] if stripped else None
