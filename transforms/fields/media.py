"""Language and images."""

from __future__ import annotations

from ..article import Image
from ..dom import (
    as_list,
    ld_text,
)
from ..normalize import clean_inline
from ..page import text_of
from ..text import arabic_letter_ratio


class MediaField:
    """Language and images. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def language(self, title: str | None, body: str | None) -> str | None:
        sample = f"{title or ''} {(body or '')[:3000]}"
        if arabic_letter_ratio(sample) >= 0.5:
            return "ar"
        declared = (self.page.html_lang or self.page.meta_first("og:locale", "inlanguage", "language") or "")
        declared = declared.replace("_", "-").split("-")[0].strip().lower()
        if declared == "ar" and sample.strip() and arabic_letter_ratio(sample) < 0.2:
            return None  # says Arabic, shows something else
        return declared or None

    def images(self) -> list[Image]:
        page = self.page
        images: list[Image] = []
        seen: set[str] = set()

        def add(url: str | None, caption: str | None = None) -> None:
            url = page.absolute(url)
            if url and url not in seen:
                seen.add(url)
                images.append(Image(url=url, caption=clean_inline(caption) or None))

        add(page.meta_first("og:image", "og:image:url", "twitter:image"), page.meta_first("og:image:alt"))
        for obj in self.article_objects:
            for image in as_list(obj.get("image")):
                if isinstance(image, dict):
                    add(image.get("url") or image.get("contentUrl"), ld_text(image.get("caption")))
                elif isinstance(image, str):
                    add(image)
        container = self._body.container
        if container is not None:
            for img in container.iter("img"):
                add(img.get("data-src") or img.get("src"), self._caption_for(img))
        return images

    @staticmethod
    def _caption_for(img) -> str | None:
        """The caption of an image: its <figure>'s <figcaption>, else a caption-classed element beside it or beside
        one of its two nearest wrappers (a fixed number of elements per image: 1,000 images stay linear)."""
        node = img
        for _level in range(3):
            parent = node.getparent()
            if parent is None:
                break
            if parent.tag == "figure":
                cap = parent.find(".//figcaption")
                return text_of(cap) if cap is not None else None
            for sibling in parent:
                if sibling is not node and isinstance(sibling.tag, str) and \
                        "cap" in (sibling.get("class") or "").lower():
                    return text_of(sibling)
            if parent.tag not in ("a", "span", "div", "picture") or len(parent) > 12:
                break
            node = parent
        return img.get("alt") or None
