"""The FastAPI app the plugin mounts at ``/akhbar``: the Sources page, a source's page and the JSON table.

Airflow does not authenticate plugin apps (a mounted app inherits none of the API's dependencies), so every
route here depends on Airflow's own ``get_user``: the UI's session cookie or an ``Authorization: Bearer``
token from ``POST /auth/token``. Without one the answer is 401.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from akhbar import db
from akhbar.config import Settings, load_settings
from akhbar.web import data, svg

log = logging.getLogger(__name__)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _ago(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "never"
    seconds = (now - value).total_seconds()
    if seconds < 0:
        return value.strftime("%Y-%m-%d %H:%M UTC")
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


_templates.filters.update(utc=_utc, pct=_pct)


def _auth_dependency():
    """Airflow's own user check (imported late: the module is importable without the API server)."""
    from airflow.api_fastapi.core_api.security import get_user

    return Depends(get_user)


def create_app(settings_factory=load_settings, authenticate: bool = True) -> FastAPI:
    """The app. ``authenticate=False`` is for rendering without an Airflow API server around it (tests of
    the HTML itself); the plugin always authenticates."""
    app = FastAPI(title="akhbar sources", docs_url=None, redoc_url=None, openapi_url=None)
    router = APIRouter(dependencies=[_auth_dependency()] if authenticate else [])

    def settings() -> Settings:
        return settings_factory()

    @router.get("/api/sources")
    def api_sources() -> JSONResponse:
        rows = data.sources_table(settings())
        return JSONResponse({"sources": [data.jsonable(r) for r in rows],
                             "spark_days": data.SPARK_DAYS})

    @router.get("/sources", response_class=HTMLResponse)
    def sources_page(request: Request) -> HTMLResponse:
        now = datetime.now(UTC)
        rows = data.sources_table(settings())
        for row in rows:
            row["spark"] = Markup(svg.sparkline(row["articles_per_day"],
                                                label=f"articles per day, last {data.SPARK_DAYS} days: "
                                                      + ", ".join(map(str, row["articles_per_day"]))))
            row["last_run_ago"] = _ago(row["last_run_finished"] or row["last_run_started"], now)
            row["newest_ago"] = _ago(row["newest_article"], now)
        html = _templates.get_template("sources.html").render(
            rows=rows, now=now, spark_days=data.SPARK_DAYS, base=request.scope.get("root_path", ""))
        return HTMLResponse(html)

    @router.get("/sources/by-dag/{dag_id}")
    def source_by_dag(dag_id: str, request: Request):
        key = dag_id.removeprefix("akhbar_")
        if dag_id.startswith("akhbar_") and key in _registry_keys(settings()):
            return RedirectResponse(f"{request.scope.get('root_path', '')}/sources/{key}", status_code=307)
        return HTMLResponse(_templates.get_template("not_a_source.html").render(dag_id=dag_id,
                            base=request.scope.get("root_path", "")))

    @router.get("/sources/{key}", response_class=HTMLResponse)
    def source_page(key: str, request: Request) -> HTMLResponse:
        now = datetime.now(UTC)
        try:
            detail = data.source_detail(settings(), key)
        except KeyError:
            raise HTTPException(status_code=404, detail=f"no source {key!r} in the registry") from None
        detail["articles_plot"] = Markup(svg.bars(detail["days"], detail["articles_per_day"],
                                                  title=f"articles per day, last {data.PLOT_DAYS} days"))
        detail["quarantine_plot"] = Markup(svg.stacked_bars(detail["days"], detail["quarantine_by_reason"],
                                                            title="quarantined pages per day by reason"))
        summary = detail["summary"]
        summary["last_run_ago"] = _ago(summary["last_run_finished"] or summary["last_run_started"], now)
        summary["newest_ago"] = _ago(summary["newest_article"], now)
        html = _templates.get_template("source.html").render(
            d=detail, s=summary, now=now, plot_days=data.PLOT_DAYS, base=request.scope.get("root_path", ""))
        return HTMLResponse(html)

    app.include_router(router)

    @app.exception_handler(db.DatabaseUnavailable)
    def _unavailable(_request: Request, exc: db.DatabaseUnavailable) -> JSONResponse:
        return JSONResponse({"detail": f"akhbar database unavailable: {exc}"}, status_code=503)

    return app


def _registry_keys(settings: Settings) -> set[str]:
    from akhbar.sources import load_registry

    return set(load_registry(settings))
