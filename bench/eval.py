"""Field accuracy on the saved pages with hand-read expected values: ours, trafilatura 2.3.1 and htmldate 1.11.

    .venv/bin/python bench/eval.py [truth.jsonl ...]        (make eval)

Pages: ``tests/fixtures/truth.jsonl`` and ``../shared/fixtures/truth.jsonl`` (beside the repository), each page
once (the repository's values win). For every page and field it prints whether the value matches what a person read off the page:

- title: equal;
- published: the same instant within one minute (a date with no time counts as midnight in the site's zone; a
  page that shows no date expects none);
- author: exactly the expected name (none expected: none given; an extra author is a miss);
- first / last: the body starts with ``first_sentence`` / ends with ``last_sentence`` (whitespace folded);
- section: equal (trafilatura: its first category).

trafilatura runs ``bare_extraction(with_metadata=True)`` with its defaults; htmldate runs ``find_date`` with
``original_date=True`` and an output format that keeps the time of day when it finds one. Exit status 1 when our
extraction misses any field: the quality floor.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.fixtures import SOURCES
from transforms import extract
from transforms.dates import localize, zone
from transforms.decode import to_text

# The repository's copy first: where both hold a page, its values win (three of the shared copy's values were
# written from an extractor's output and are corrected here: sputnik's and LBC's section, alyaum's modified).
DEFAULT_TRUTH = (ROOT / "tests" / "fixtures" / "truth.jsonl", ROOT.parent / "shared" / "fixtures" / "truth.jsonl")
FIELDS = ("title", "published", "author", "first", "last", "section")
TOOLS = ("ours", "trafilatura", "htmldate")


def load(paths) -> list[tuple[Path, dict]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            print(f"(skipped: {path} does not exist)", file=sys.stderr)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            key = (Path(record["file"]).name, record["url"])
            if key not in seen:
                seen.add(key)
                out.append((path.parent, record))
    return out


def _ws(text: str | None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r" ([،؛؟,.:;!?])", r"\1", text)


def _instant(value, tz) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else localize(value, tz)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else localize(parsed, tz)


def judge(record: dict, got: dict, tz) -> dict[str, bool | None]:
    """Per field: True, False, or None when the tool does not produce that field."""
    out: dict[str, bool | None] = {}
    if "title" in got:
        out["title"] = got["title"] == record["title"]
    if "published" in got:
        expected, value = _instant(record["published"], tz), _instant(got["published"], tz)
        out["published"] = value is None if expected is None else (
            value is not None and abs((value - expected).total_seconds()) <= 60)
    if "authors" in got:
        authors = [a for a in got["authors"] if a]
        out["author"] = authors == ([] if record["author"] is None else [record["author"]])  # exactly
    if "body" in got:
        body = _ws(got["body"])
        out["first"] = bool(body) and body.startswith(_ws(record["first_sentence"]))
        out["last"] = bool(body) and body.endswith(_ws(record["last_sentence"]))
    if "section" in got:
        out["section"] = (got["section"] or None) == record["section"]
    return out


def run_ours(data: bytes, record: dict) -> dict:
    article = extract(data, record["url"], source=SOURCES.get(record["site"]))
    return {"title": article.title, "published": article.published_at, "authors": article.authors,
            "body": article.body, "section": article.section}


def run_trafilatura(data: bytes, record: dict) -> dict:
    from trafilatura import bare_extraction

    doc = bare_extraction(to_text(data), url=record["url"], with_metadata=True)
    if doc is None:
        return {"title": None, "published": None, "authors": [], "body": None, "section": None}
    authors = [a.strip() for a in re.split(r";|,", doc.author or "") if a.strip()]
    return {"title": doc.title, "published": doc.date, "authors": authors, "body": doc.text,
            "section": (doc.categories or [None])[0]}


def run_htmldate(data: bytes, record: dict) -> dict:
    from htmldate import find_date

    found = find_date(to_text(data), url=record["url"], original_date=True, outputformat="%Y-%m-%dT%H:%M:%S")
    return {"published": found}


RUNNERS = {"ours": run_ours, "trafilatura": run_trafilatura, "htmldate": run_htmldate}


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or DEFAULT_TRUTH
    pages = load(paths)
    totals = {tool: {field: [0, 0] for field in FIELDS} for tool in TOOLS}
    mark = {True: "✓", False: "✗", None: "·"}
    header = f"{'page':42} {'tool':12} " + " ".join(f"{f:>9}" for f in FIELDS)
    print(header)
    print("-" * len(header))
    for folder, record in pages:
        data = (folder / record["file"]).read_bytes()
        source = SOURCES.get(record["site"])
        tz = zone(source.time_zone if source else "UTC")
        name = Path(record["file"]).name.split(".html")[0][:42]
        for tool in TOOLS:
            try:
                got = RUNNERS[tool](data, record)
                result = judge(record, got, tz)
            except Exception as exc:  # noqa: BLE001  a crash is a miss on every field, and the run goes on
                print(f"  {tool} crashed on {name}: {exc!r}", file=sys.stderr)
                result = {f: False for f in FIELDS} if tool != "htmldate" else {"published": False}
            cells = []
            for field in FIELDS:
                value = result.get(field)
                cells.append(f"{mark[value]:>9}")
                if value is not None:
                    totals[tool][field][0] += int(value)
                    totals[tool][field][1] += 1
            print(f"{name:42} {tool:12} " + " ".join(cells))
    print("-" * len(header))
    for tool in TOOLS:
        cells = [f"{f'{ok}/{n}' if n else '·':>9}" for ok, n in (totals[tool][f] for f in FIELDS)]
        print(f"{'total (' + str(len(pages)) + ' pages)':42} {tool:12} " + " ".join(cells))
    ours_missed = sum(n - ok for ok, n in totals["ours"].values())
    print(f"\nours: {ours_missed} field(s) missed")
    return 1 if ours_missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
