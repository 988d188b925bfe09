#!/bin/bash
# The PostgreSQL container's first start only (docker-entrypoint-initdb.d), as the superuser: one database and
# owner for akhbar's articles, one for Airflow's metadata, the read-only role akhbar_reader, and (when
# AKHBAR_UI_DB_PASSWORD is set) akhbar_ui, the login the Airflow API server's Sources pages read with: a member
# of akhbar_reader and nothing more.
#
# The owners are plain roles (no SUPERUSER, CREATEROLE or CREATEDB). Roles belong to the whole server and
# creating one needs CREATEROLE, so akhbar_reader is created here; the migrations, run by the akhbar owner,
# only grant it what it reads (migration 0003 creates it itself only where it is missing, for servers where the
# migrations run as a superuser). tests/integration/test_migrations_owner.py runs this script, then the
# migrations as the owner, against a real server.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
     -v akhbar_db="${AKHBAR_DB_NAME:-akhbar}" -v akhbar_user="${AKHBAR_DB_USER:-akhbar}" \
     -v akhbar_pw="${AKHBAR_DB_PASSWORD:?AKHBAR_DB_PASSWORD is not set}" \
     -v airflow_db="${AIRFLOW_DB_NAME:-airflow}" -v airflow_user="${AIRFLOW_DB_USER:-airflow}" \
     -v airflow_pw="${AIRFLOW_DB_PASSWORD:?AIRFLOW_DB_PASSWORD is not set}" \
     -v ui_pw="${AKHBAR_UI_DB_PASSWORD:-}" <<'SQL'
CREATE ROLE :"akhbar_user" LOGIN PASSWORD :'akhbar_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"akhbar_db" OWNER :"akhbar_user";
REVOKE ALL ON DATABASE :"akhbar_db" FROM PUBLIC;
CREATE ROLE :"airflow_user" LOGIN PASSWORD :'airflow_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"airflow_db" OWNER :"airflow_user";
REVOKE ALL ON DATABASE :"airflow_db" FROM PUBLIC;
SELECT 'CREATE ROLE akhbar_reader NOLOGIN'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'akhbar_reader') \gexec
GRANT CONNECT ON DATABASE :"akhbar_db" TO akhbar_reader;
SELECT :'ui_pw' <> '' AS make_ui \gset
\if :make_ui
CREATE ROLE akhbar_ui LOGIN PASSWORD :'ui_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE akhbar_reader;
\endif
\connect :"akhbar_db"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
