"""The quality gate: a Great Expectations 1.x suite written as code, run in an ephemeral context.

Each expectation carries the reason code that a failing row gets in ``quarantine``. Values that GX cannot
express directly on raw columns (the Arabic share, the publication lead over the fetch, whether the canonical
URL is on an allowed domain) are computed into columns first, by the same pure helpers the rest of the project
uses.

Two levels:
- row level (:func:`validate_frame`): each failing row gets one reason code per failed expectation;
- batch level (:func:`source_verdicts`): when a source's share of failing pages in one run passes
  ``Settings.max_failure_rate``, the whole batch of that source is held back, because a broken extractor
  makes even its passing rows suspect. The pipeline then raises :class:`QualityGateFailed`.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from akhbar.config import Settings

SUITE_NAME = "akhbar_articles"
INDEX_COLUMN = "raw_page_id"
DATA_DOCS_SITE = "akhbar_local"
# The reason code of a page that passed its own checks but was held back with the rest of its source's batch.
SOURCE_GATE_REASON = "source_gate_failed"

# Text that belongs to the page around an article, not to the article: an extractor that returns it took the
# wrong block. Matched case-insensitively anywhere in the body.
BOILERPLATE_MARKERS = (
    "جميع الحقوق محفوظة",
    "كل الحقوق محفوظة",
    r"اشترك(?:وا)? في (?:ال)?نشر(?:ة|تنا)",
    r"تابعونا على",
    r"(?:يرجى|الرجاء) تفعيل",
    r"ملفات تعريف الارتباط",
    r"الصفحة (?:المطلوبة )?غير موجودة",
    r"enable javascript",
    r"all rights reserved",
    r"lorem ipsum",
    r"accept (?:all )?cookies",
)
BOILERPLATE_REGEX = "(?i)(?:" + "|".join(BOILERPLATE_MARKERS) + ")"


class QualityGateFailed(RuntimeError):
    """A source's failure rate in one run passed the threshold: its batch was held back, not loaded."""


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
        Check(
            "published_before_1990",
            "ExpectColumnValuesToBeBetween",
            {"column": "published_year", "min_value": 1990},
        ),
        Check("not_arabic_language", "ExpectColumnValuesToBeInSet", {"column": "language", "value_set": ["ar"]}),
        Check(
            "canonical_off_domain",
            "ExpectColumnValuesToBeInSet",
            {"column": "canonical_on_allowed_domain", "value_set": [True]},
        ),
        Check(
            "boilerplate_in_body",
            "ExpectColumnValuesToNotMatchRegex",
            {"column": "body", "regex": BOILERPLATE_REGEX},
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


def validate_frame(frame, settings: Settings, run_name: str | None = None) -> dict[int, list[str]]:
    """Run the suite over ``frame``; returns the failed reason codes per ``raw_page_id`` (empty = all pass).

    ``frame`` is what :func:`akhbar.pipeline.validation_frame` builds. With ``run_name``, the result is also
    written as GX data docs (HTML) to ``Settings.data_docs_path / run_name`` (open its ``index.html``).
    """
    if frame.empty:
        return {}
    import great_expectations as gx

    context = _ephemeral_context()
    source = context.data_sources.add_pandas("akhbar_batch")
    asset = source.add_dataframe_asset("extracted_pages")
    batch_definition = asset.add_batch_definition_whole_dataframe("run")
    suite = context.suites.add(build_suite(settings))
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [INDEX_COLUMN]}
    if run_name:
        # One site per run: GX rebuilds a site from its results store, which is in memory here, so runs that
        # shared a folder would erase each other's pages.
        docs_dir = Path(settings.data_docs_path) / run_name
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(DATA_DOCS_SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=run_name, data=batch_definition, suite=suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name="akhbar_gate", validation_definitions=[definition], result_format=result_format,
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE])]))
        outcome = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=gx.RunIdentifier(run_name=run_name))
        (result,) = outcome.run_results.values()
    else:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format=result_format)
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


@dataclass(frozen=True)
class SourceVerdict:
    source_key: str
    pages: int  # pages of the source that reached the gate in this run
    failed: int  # of which failed at least one check
    reasons: dict[str, int]  # pages per failed reason code
    threshold: float
    min_pages: int

    @property
    def failure_rate(self) -> float:
        return self.failed / self.pages if self.pages else 0.0

    @property
    def dominant_reason(self) -> str | None:
        if not self.reasons:
            return None
        return min(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[0]

    @property
    def broken(self) -> bool:
        return self.pages >= self.min_pages and self.failure_rate > self.threshold

    def message(self) -> str:
        reason = self.dominant_reason
        return (
            f"{self.source_key}: {self.failure_rate:.0%} of {self.pages} pages failed the quality gate "
            f"(limit {self.threshold:.0%}), mostly {reason} ({self.reasons[reason] / self.pages:.0%}); "
            "extractor broken?"
        )


def source_verdicts(pages: list[tuple[str, list[str]]], settings: Settings) -> dict[str, SourceVerdict]:
    """The batch-level verdict per source from (source_key, failed reason codes) per page of one run."""
    totals: Counter = Counter()
    failed: Counter = Counter()
    reasons: dict[str, Counter] = {}
    for source_key, page_reasons in pages:
        totals[source_key] += 1
        reasons.setdefault(source_key, Counter())
        if page_reasons:
            failed[source_key] += 1
            reasons[source_key].update(set(page_reasons))
    return {
        key: SourceVerdict(key, totals[key], failed[key], dict(reasons[key]), settings.max_failure_rate,
                           settings.gate_min_pages)
        for key in totals
    }
