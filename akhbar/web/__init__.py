"""akhbar in the Airflow UI: the Sources pages (health, volume, quarantine per source) as an Airflow 3 plugin.

``plugin`` registers a FastAPI app under ``/akhbar`` and a "Sources" entry in the navigation (plus a tab on
every DAG); ``app`` holds its routes, each behind the Airflow user's token; ``data`` runs the read-only
queries; ``svg`` draws the plots server-side (no script, no CDN); ``templates/`` holds the HTML.
"""
