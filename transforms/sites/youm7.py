"""اليوم السابع (youm7.com), Cairo.

- ``article:published_time`` is Cairo wall-clock time labelled ``Z``: with the site's home zone known, the generic
  cross-check re-reads it as Cairo time when the page shows that wall clock ("الإثنين، 13 مايو 2024 06:00 ص"),
  even when no source is configured (a mirror, an ad-hoc ``akhbar extract``).
- The article text is ``div#articleBody``; image captions are interleaved in it and left out by the generic rules.
"""

from __future__ import annotations

from ..extract import GenericExtractor
from . import register


@register
class Youm7(GenericExtractor):
    name = "youm7"
    DOMAINS = ("youm7.com",)
    VALID_UNTIL = None
    TIME_ZONE = "Africa/Cairo"
    SITE_NAME = "اليوم السابع"
    BODY_XPATH = '//div[@id="articleBody"]'
