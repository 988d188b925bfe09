"""The saved pages and their hand-read expected values (tests/fixtures/truth.jsonl), for the unit tests."""

from __future__ import annotations

import json
from pathlib import Path

from transforms import SourceInfo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# How each fixture site would be configured as a source: its own clock and its month-name family.
SOURCES = {
    "arabic.sputniknews.com": SourceInfo("arabic.sputniknews.com", time_zone="UTC", locale="ar"),  # shows GMT
    "beirutobserver.com": SourceInfo("beirutobserver.com", time_zone="Asia/Beirut", locale="ar-LB"),
    "alyaum.com": SourceInfo("alyaum.com", time_zone="Asia/Riyadh", locale="ar"),
    "assabah.com.tn": SourceInfo("assabah.com.tn", time_zone="Africa/Tunis", locale="ar-TN"),
    "arabic.cnn.com": SourceInfo("arabic.cnn.com", time_zone="Asia/Dubai", locale="ar-LB"),
    "lbcgroup.tv": SourceInfo("lbcgroup.tv", time_zone="Asia/Beirut", locale="ar-LB"),
    "youm7.com": SourceInfo("youm7.com", time_zone="Africa/Cairo", locale="ar"),
}


def load_truth() -> list[dict]:
    with open(FIXTURES / "truth.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def page_bytes(record: dict) -> bytes:
    return (FIXTURES / record["file"]).read_bytes()


def page_id(record: dict) -> str:
    return Path(record["file"]).name.split(".html")[0]
