"""akhbar's extraction core: a pure function from a saved page to an :class:`Article`.

Nothing in this package reads the clock, the network or a database, or imports Scrapy or Airflow.
"""

from .article import Article, Image
from .decode import decode_html
from .errors import EmptyPage, ExtractionError, NoArticle, NotHtml
from .extract import EXTRACTOR_VERSION, extract
from .source import SourceInfo
from .urls import url_key

__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "EmptyPage",
    "ExtractionError",
    "Image",
    "NoArticle",
    "NotHtml",
    "SourceInfo",
    "decode_html",
    "extract",
    "url_key",
]
