"""Peak memory of a validate call and a load call over N staged synthetic pages: in batches
(AKHBAR_VALIDATE_BATCH_SIZE, AKHBAR_LOAD_BATCH_SIZE defaults) beside one batch of the whole run, in the same run.

    .venv/bin/python bench/stage_memory.py [--rows 20000] [--server postgresql://postgres@127.0.0.1:5432/postgres]

The pages are bench/load.py's synthetic articles, staged as the parse step stages them, in a database of its
own (dropped at the end). Each call runs in a fresh process, whose peak resident memory (VmHWM) is printed
with its time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def call(url: str, workdir: str, step: str, batch: int, run_id: int) -> None:
    """In a fresh process: one validate or load call; prints its peak memory and time as JSON."""
    from akhbar import pipeline
    from akhbar.config import Settings

    settings = Settings(database_url=url, data_dir=Path(workdir), sources_file=Path(workdir) / "sources.toml")
    if batch:
        settings = settings.with_(validate_batch_size=batch, load_batch_size=batch)
    started = time.perf_counter()
    getattr(pipeline, step)(settings, run_id)
    print(json.dumps({"step": step, "batch": batch or "default", "peak_rss_mb": round(_peak_mb()),
                      "seconds": round(time.perf_counter() - started, 1)}), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)

    import load as load_bench
    from staging import REGISTRY

    from akhbar import db, pipeline

    with tempfile.TemporaryDirectory() as workdir:
        (Path(workdir) / "sources.toml").write_text("".join(REGISTRY.format(key=k) for k in load_bench.SOURCES),
                                                    encoding="utf-8")
        for batch in (0, args.rows):  # 0: the default batch sizes
            with db.scratch_database(args.server, "akhbar_bench_memory") as url:
                arts = load_bench.synthetic_articles(args.rows)
                run_id, page_ids = load_bench.prepare(url, arts)
                with db.transaction(url) as cur:
                    pipeline.stage_extracted(cur, (pipeline.staged_row(pid, run_id, a["source"], a, url_key=a["url"])
                                                   for pid, a in zip(page_ids, arts)))
                del arts
                for step in ("validate", "load"):
                    subprocess.run([sys.executable, __file__, "--call", url, workdir, step, str(batch), str(run_id)],
                                   check=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--call":
        url, workdir, step, batch, run_id = sys.argv[2:7]
        call(url, workdir, step, int(batch), int(run_id))
        sys.exit(0)
    sys.exit(main())
