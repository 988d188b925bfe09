"""Throughput of our extraction against trafilatura's ``bare_extraction`` on the same saved pages, in one run.

    .venv/bin/python bench/extract.py [--rounds N] [--per-page]

Both sides get the page as bytes, as the pipeline has it, and decode it themselves. Each side runs every page
``--rounds`` times after one warm-up pass (imports, regex compilation and caches are not counted); the figure is
pages per second over the best round, so that other processes on a shared machine disturb it least. One core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.unit.fixtures import FIXTURES, SOURCES, load_truth
from transforms import extract
from transforms.decode import to_text


def pages() -> list[tuple[str, bytes, str, object]]:
    out = []
    for record in load_truth():
        data = (FIXTURES / record["file"]).read_bytes()
        out.append((Path(record["file"]).name, data, record["url"], SOURCES[record["site"]]))
    return out


def ours(data: bytes, url: str, source) -> None:
    extract(data, url, source=source)


def trafilatura_bare(data: bytes, url: str, _source) -> None:
    from trafilatura import bare_extraction

    bare_extraction(to_text(data), url=url, with_metadata=True)  # its defaults, as a user would call it


def measure(fn, items, rounds: int) -> tuple[float, dict[str, float]]:
    for name, data, url, source in items:  # warm-up
        fn(data, url, source)
    best_total = float("inf")
    per_page = {name: float("inf") for name, *_ in items}
    for _ in range(rounds):
        total = 0.0
        for name, data, url, source in items:
            start = time.perf_counter()
            fn(data, url, source)
            spent = time.perf_counter() - start
            total += spent
            per_page[name] = min(per_page[name], spent)
        best_total = min(best_total, total)
    return len(items) / best_total, per_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-page", action="store_true", help="also print milliseconds per page")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    items = pages()
    our_rate, our_pages = measure(ours, items, args.rounds)
    their_rate, their_pages = measure(trafilatura_bare, items, args.rounds)
    ratio = our_rate / their_rate
    if args.json:
        print(json.dumps({"pages": len(items), "ours_pages_per_s": round(our_rate, 1),
                          "trafilatura_pages_per_s": round(their_rate, 1), "ratio": round(ratio, 2)}))
        return 0
    print(f"{len(items)} pages, best of {args.rounds} rounds, one core")
    if args.per_page:
        print(f"{'page':45} {'ours ms':>8} {'trafilatura ms':>15}")
        for name in our_pages:
            print(f"{name:45} {our_pages[name] * 1000:8.1f} {their_pages[name] * 1000:15.1f}")
    print(f"ours:        {our_rate:7.1f} pages/s")
    print(f"trafilatura: {their_rate:7.1f} pages/s  (bare_extraction, with_metadata=True)")
    print(f"ratio:       {ratio:7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
