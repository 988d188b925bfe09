"""LBCI (lbcgroup.tv), Beirut.

- The page is large (about 480 KB) and scoring every container for the body is the slow part of the generic
  cascade; the article text is always the one ``div.LongDesc`` block.
- ``meta author`` is "LBCI", the channel itself: never an author.
"""

from __future__ import annotations

from ..extract import GenericExtractor
from . import register


@register
class LBCGroup(GenericExtractor):
    name = "lbcgroup"
    DOMAINS = ("lbcgroup.tv",)
    VALID_UNTIL = None
    TIME_ZONE = "Asia/Beirut"
    SITE_NAME = "LBCI"
    BODY_XPATH = '//div[contains(concat(" ", normalize-space(@class), " "), " LongDesc ")]/div[1]'
