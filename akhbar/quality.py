"""The quality gate: a Great Expectations 1.x suite written as code, run in an ephemeral context.

Each expectation carries the reason code that a failing row gets in ``quarantine``. Values that GX cannot
express directly on raw columns (the Arabic share, the publication lead over the fetch) are computed into
columns first, by the same pure helpers the rest of the project uses.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

from akhbar.config import Settings

SUITE_NAME = "akhbar_articles"
INDEX_COLUMN = "raw_page_id"


@dataclass(frozen=True)
class Check:
    reason: str  # quarantine reason code
    expectation: str  # GX expectation class name
    kwargs: dict

    def describe(self) -> str:
        """The expectation as GX names it, with its arguments: ``expect_column_values_to_not_be_null(column=title)``."""
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", self.expectation).lower()
        return f"{name}({', '.join(f'{k}={v}' for k, v in self.kwargs.items())})"


def checks(settings: Settings) -> list[Check]:
    """The row-level checks, in the order they are reported."""
    return [
        Check("title_missing", "ExpectColumnValuesToNotBeNull", {"column": "title"}),
        Check(
            "title_length",
            "ExpectColumnValueLengthsToBeBetween",
            {"column": "title", "min_value": settings.min_title_chars, "max_value": settings.max_title_chars},
        ),
        Check("body_missing", "ExpectColumnValuesToNotBeNull", {"column": "body"}),
        Check(
            "body_too_short",
            "ExpectColumnValueLengthsToBeBetween",
            {"column": "body", "min_value": settings.min_body_chars},
        ),
        Check(
            "not_arabic",
            "ExpectColumnValuesToBeBetween",
            {"column": "arabic_ratio", "min_value": settings.min_arabic_ratio, "max_value": 1.0},
        ),
        Check("published_at_missing", "ExpectColumnValuesToNotBeNull", {"column": "published_at"}),
        Check(
            "published_in_future",
            "ExpectColumnValuesToBeBetween",
            # seconds by which publication is after the fetch; one hour of clock skew is allowed
            {"column": "published_after_fetch_s", "max_value": 3600},
        ),
        Check("duplicate_url", "ExpectColumnValuesToBeUnique", {"column": "url_key"}),
    ]


def build_suite(settings: Settings):
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=SUITE_NAME)
    for check in checks(settings):
        expectation = getattr(gxe, check.expectation)(**check.kwargs, meta={"reason": check.reason})
        suite.add_expectation(expectation)
    return suite


def _ephemeral_context():
    """A GX context that lives in memory, sends no analytics and draws no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in ("great_expectations", "great_expectations.data_context.types.base"):  # the latter sets INFO
        logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate_frame(frame, settings: Settings) -> dict[int, list[str]]:
    """Run the suite over ``frame``; returns the failed reason codes per ``raw_page_id`` (empty = all pass).

    ``frame`` has the columns raw_page_id, url_key, title, body, arabic_ratio, published_at,
    published_after_fetch_s.
    """
    if frame.empty:
        return {}
    context = _ephemeral_context()
    source = context.data_sources.add_pandas("akhbar_batch")
    asset = source.add_dataframe_asset("extracted_pages")
    batch = asset.add_batch_definition_whole_dataframe("run").get_batch(batch_parameters={"dataframe": frame})
    suite = context.suites.add(build_suite(settings))
    result = batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [INDEX_COLUMN]},
    )
    failed: dict[int, list[str]] = {}
    for outcome in result.results:
        if outcome.success:
            continue
        reason = outcome.expectation_config.meta["reason"]
        rows = outcome.result.get("unexpected_index_list") or []
        if not rows and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(f"quality check {reason} could not run: {outcome.exception_info}")
        for row in rows:
            failed.setdefault(int(row[INDEX_COLUMN]), []).append(reason)
    return failed
