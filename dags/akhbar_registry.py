"""Registry mistakes as an Airflow import error; this file defines no DAG.

``akhbar_sources.py`` builds a DAG for every valid registry entry and skips the bad ones, so that one source's
mistake does not hide the others. This file raises when there is a mistake (a bad ``sources.toml`` entry, or an
unknown key in ``AKHBAR_DAG_SOURCES``), with one line per mistake naming the entry: the UI lists it under
import errors, next to the DAGs that still load.
"""

from __future__ import annotations

from akhbar import airflow_tasks
from akhbar.config import load_settings

_problems = airflow_tasks.dag_problems(load_settings())
if _problems:
    raise airflow_tasks.RegistryProblems(
        f"{len(_problems)} source(s) got no DAG:\n" + "\n".join(f"- {line}" for line in _problems))
