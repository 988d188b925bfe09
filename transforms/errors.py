"""Errors that extraction raises for pages that cannot become an Article.

Each carries a stable reason ``code``: it is what the quarantine table records.
"""


class ExtractionError(Exception):
    code = "extraction_failed"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotHtml(ExtractionError):
    code = "not_html"


class EmptyPage(ExtractionError):
    code = "empty_page"


class NoArticle(ExtractionError):
    code = "no_article"


class PageTooLarge(ExtractionError):
    code = "page_too_large"


class ExtractorFailed(ExtractionError):
    """The extractor itself failed on this page (a bug to fix, not a property of the page). The page is
    quarantined with this code instead of aborting the batch; the cause is chained."""

    code = "extractor_failed"
