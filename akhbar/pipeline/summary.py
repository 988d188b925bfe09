"""What a run did, as counts and the lines ``akhbar run`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline.runs import get_run


@dataclass
class RunSummary:
    run_id: int
    source_key: str
    counts: dict = field(default_factory=dict)
    quarantined_by_reason: list[tuple[str, int]] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    health: str | None = None
    health_reason: str | None = None
    seconds: dict = field(default_factory=dict)  # time per phase (akhbar run: pipeline.streaming)

    def lines(self) -> list[str]:
        c = self.counts
        quarantined = c.get("parse_quarantined", 0) + c.get("invalid", 0) + c.get("held_by_source_gate", 0)
        out = [
            f"run {self.run_id} of {self.source_key}:",
            f"  URLs discovered      {c.get('urls_discovered', 0)} ({c.get('already_had', 0)} already had)",
            f"  pages fetched        {c.get('pages_fetched', 0)} ({c.get('pages_new', 0)} new)",
            f"  parsed               {c.get('parsed', 0)}",
            f"  articles loaded      {c.get('articles_loaded', 0)}",
            f"  pages quarantined    {quarantined}",
        ]
        if c.get("revisions"):
            out.insert(4, f"  revisions kept       {c['revisions']}")
        if c.get("stories_new") or c.get("stories_joined"):
            out.insert(4, f"  stories              {c.get('stories_new', 0)} new, "
                          f"{c.get('stories_joined', 0)} articles joined an existing one")
        if c.get("skipped_duplicates"):
            out.insert(5, f"  skipped (duplicates) {c['skipped_duplicates']}")
        out += [f"    {reason:<28} {n}" for reason, n in self.quarantined_by_reason]
        if self.health:
            out.append(f"  health               {self.health}: {self.health_reason}")
        out.append("  database now holds   " + ", ".join(f"{k} {v}" for k, v in self.totals.items()))
        return out


def summarize(settings: Settings, run_id: int) -> RunSummary:
    url = db.database_url(settings)
    run = get_run(url, run_id)
    with db.transaction(url) as cur:
        cur.execute(db.query("run_quarantine_reasons"), {"run_id": run_id})
        reasons = cur.fetchall()
        cur.execute(db.query("table_counts"))
        totals = dict(zip([c.name for c in cur.description], cur.fetchone()))
    counts = {k: v for k, v in run["stats"].items() if not isinstance(v, dict)}
    return RunSummary(run_id, run["source_key"], counts, reasons, totals, run["health"], run["health_reason"])
