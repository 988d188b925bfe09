"""The body: the container of paragraph-like blocks, its lines, the fallbacks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lxml import etree

from ..credits import split_byline
from ..dom import (
    class_tokens,
    inline_parts,
    is_boilerplate,
    link_heavy,
    list_lines,
    paragraph_like,
    site_xpath,
    skip_line,
    text_len,
)
from ..normalize import clean_inline
from ..page import NON_CONTENT_TAGS, text_of
from ..people import looks_like_person, split_names
from ..selectors import (
    BLOCK_TAGS,
    BODY_BYLINE,
    BR,
    INLINE_TAGS,
    LEAD_TOKENS,
    LIST_TAGS,
    MIN_BODY_CHARS,
    MIN_TEXT_CHARS,
    STRUCTURE_SKIP,
    TRAFILATURA_DATE_PARAMS,
)
from ..state import StateArticle, find_article


@dataclass(frozen=True, slots=True)
class Body:
    paragraphs: list[str]
    container: object  # the element the paragraphs came from (None: embedded state or trafilatura's fallback)
    byline_line: str | None  # a byline first line taken off the paragraphs ("كتب: فلان")


class BodyField:
    """The body: the container of paragraph-like blocks, its lines, the fallbacks. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def body_container(self):
        """(the element that holds the article text, its score): the site's ``BODY_XPATH`` when it matches one
        element with text, else the generic scoring."""
        xpath = self.SELECTORS.get("body") or self.BODY_XPATH
        if xpath:
            found = site_xpath(xpath)(self.page.tree)
            if len(found) == 1:
                length = text_len(found[0])
                if length >= MIN_BODY_CHARS:
                    return found[0], length
        return self._score_containers()

    def _score_containers(self):
        body = self.page.body
        if body is None:
            return None, 0
        scores: dict = {}

        def walk(el, root: bool = False) -> bool:
            """Score ``el``'s children into ``scores``; True when ``el`` itself is paragraph-like (text and inline
            markup only, no images): a paragraph that a CMS put in a <div> instead of a <p>."""
            # ``own``: the text directly in ``el`` (its text and its non-block children's tails): a <br> run.
            own = 0 if root or el.tag in INLINE_TAGS else len((el.text or "").strip())
            leaf = True
            siblings: list[int] = []  # lengths of paragraph-like children
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag not in BLOCK_TAGS and child.tail:
                    own += len(child.tail.strip())
                if tag not in INLINE_TAGS and tag != "br" and tag not in NON_CONTENT_TAGS:
                    leaf = False
                if tag in STRUCTURE_SKIP or is_boilerplate(child):
                    continue
                if tag in BLOCK_TAGS or tag in LIST_TAGS:
                    length = text_len(child)
                    if length >= 20 and not link_heavy(child, length):
                        scores[el] = scores.get(el, 0) + length
                    continue
                if walk(child) and tag not in INLINE_TAGS:
                    length = text_len(child)
                    if length >= 20 and not link_heavy(child, length):
                        siblings.append((length, child.find("br") is not None))
            # Blocks of paragraph-like siblings are one body, unless one of them is a <br> run holding nearly all
            # the text (beside a short note): that run is the body by itself.
            if len(siblings) >= 2:
                total = sum(length for length, _run in siblings)
                longest, is_run = max(siblings)
                if not (is_run and longest >= 0.8 * total):
                    scores[el] = scores.get(el, 0) + total
            if own >= 40 and not root:
                scores[el] = scores.get(el, 0) + own
            return leaf and el.tag != "img"

        walk(body, root=True)
        if not scores:
            return None, 0
        best = max(scores, key=scores.get)
        return best, scores[best]

    def _blocks(self, container) -> list[str]:
        out: list[str] = []
        buf: list[str] = []

        def flush() -> None:
            for line in "".join(buf).split(BR):
                line = clean_inline(line)
                if line:
                    out.append(line)
            buf.clear()

        def inline_text(el) -> str:
            parts: list[str] = []
            inline_parts(el, parts)
            return "".join(parts)

        buf.append(container.text or "")
        for child in container:
            if not isinstance(child.tag, str):
                buf.append(child.tail or "")
                continue
            if child.tag == "br" or child.tag in NON_CONTENT_TAGS or is_boilerplate(child):
                buf.append(BR)
            elif child.tag in BLOCK_TAGS:
                flush()
                buf.append(inline_text(child))
                flush()
            elif child.tag in INLINE_TAGS:
                buf.append(inline_text(child))
            elif child.tag in LIST_TAGS:
                flush()
                if not link_heavy(child):  # a list of links is a related box; a list of text is text
                    for line in list_lines(child):
                        buf.append(line)
                        flush()
                buf.append(BR)
            elif paragraph_like(child):
                flush()
                buf.append(inline_text(child))
                flush()
            else:
                buf.append(BR)  # a nested box: image with caption, related link, embed
            buf.append(child.tail or "")
        flush()
        return out

    def _lead_blocks(self, container) -> list[str]:
        for sibling in container.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag in NON_CONTENT_TAGS:
                continue
            tokens = set(class_tokens(sibling)) | {(sibling.get("itemprop") or "").lower()}
            if tokens & LEAD_TOKENS:
                return [b for b in self._blocks(sibling)] or [text_of(sibling)]
            if text_of(sibling):
                return []
        return []

    def body_paragraphs(self) -> list[str]:
        return self._body.paragraphs

    @cached_property
    def _body(self) -> Body:
        """The body's paragraphs, the element they came from, and a byline first line taken off them."""
        container, score = self.body_container()
        paragraphs: list[str] = []
        if container is not None and score >= MIN_BODY_CHARS:
            paragraphs = self._lead_blocks(container) + self._blocks(container)
        if sum(len(p) for p in paragraphs) < MIN_BODY_CHARS and self._state is not None:
            paragraphs = list(self._state.paragraphs)  # a JavaScript-rendered page: its embedded state
        if sum(len(p) for p in paragraphs) < MIN_BODY_CHARS:
            fallback = self._trafilatura_paragraphs()
            if sum(map(len, fallback)) > sum(map(len, paragraphs)):
                paragraphs = fallback
        paragraphs = [p for p in paragraphs if not skip_line(p)]
        # A fallback may start with the headline itself.
        headline = clean_inline(self.title())
        while paragraphs and headline and clean_inline(paragraphs[0]) == headline:
            paragraphs.pop(0)
        if sum(map(len, paragraphs)) < MIN_TEXT_CHARS:
            paragraphs = []  # a menu word or a stray label is not an article body
        byline_line = None
        if paragraphs and len(paragraphs[0].split()) <= 12 and (match := BODY_BYLINE.match(paragraphs[0])):
            rest = paragraphs[0][match.end():]
            if any(looks_like_person(n) or split_byline(n)[1] for n in split_names(rest.split(" - ")[0])):
                byline_line = paragraphs.pop(0)
        return Body(paragraphs, container, byline_line)

    @cached_property
    def _state(self) -> StateArticle | None:
        """The article in the page's embedded JavaScript state (:mod:`transforms.state`), for pages whose server
        HTML has little text. Read only when the markup gives too little body."""
        return find_article(self.page.tree, self.title())

    def _state_if_thin(self) -> StateArticle | None:
        container = self._body.container
        if container is not None and text_len(container) >= MIN_BODY_CHARS:
            return None
        return self._state

    def _state_authors(self) -> list[str]:
        state = self._state_if_thin()
        return list(state.authors) if state is not None else []

    def _trafilatura_paragraphs(self) -> list[str]:
        import lxml.html
        from trafilatura import bare_extraction  # the slow last resort: import only when needed

        try:
            # Explicit date parameters: by default trafilatura reads the clock even when no metadata is wanted.
            tree = lxml.html.document_fromstring(etree.tostring(self.page.tree, encoding=str))
            result = bare_extraction(tree, url=self.page.url, with_metadata=False,
                                     include_comments=False, include_tables=False,
                                     date_extraction_params=TRAFILATURA_DATE_PARAMS)
        except Exception:  # noqa: BLE001  trafilatura fails on odd trees; then there is simply no fallback text
            return []
        if result is None:
            return []
        text = result.get("text") if isinstance(result, dict) else getattr(result, "text", None)
        return [clean_inline(line) for line in (text or "").split("\n") if clean_inline(line)]

    def body(self) -> str | None:
        paragraphs = self.body_paragraphs()
        return "\n\n".join(paragraphs) if paragraphs else None
