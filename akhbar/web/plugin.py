"""The Airflow 3 plugin: the akhbar Sources pages in the Airflow UI.

Registered through the ``airflow.plugins`` entry point (pyproject.toml), so the API server loads it wherever
the akhbar package is installed: ``make airflow`` and the compose image alike. A change here needs an API
server restart.
"""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/akhbar"


def _app():
    from akhbar.web.app import create_app

    return create_app()


class AkhbarPlugin(AirflowPlugin):
    name = "akhbar"
    fastapi_apps: ClassVar[list] = [{"app": _app(), "url_prefix": URL_PREFIX, "name": "akhbar sources"}]
    external_views: ClassVar[list] = [
        {
            "name": "Sources",
            "href": f"{URL_PREFIX}/sources",
            "url_route": "akhbar-sources",
            "destination": "nav",
            "nav_top_level": True,
        },
        {
            "name": "Source health",
            "href": URL_PREFIX + "/sources/by-dag/{DAG_ID}",
            "url_route": "akhbar-source",
            "destination": "dag",
        },
    ]
