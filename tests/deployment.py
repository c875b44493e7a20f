"""Helpers for deployment-style tests: Newsdesk run as real processes (gunicorn instances,
workers, settings checks) against a database of their own.

Those tests are marked ``deployment``; CI runs them, ``make test-quick`` (``-m "not
deployment"``) skips them on a developer's machine. ``migrated_database`` (tests/conftest.py)
migrates one database per test process; ``fresh_database(..., template=...)`` copies it.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import dj_database_url

PROJECT = Path(__file__).resolve().parents[1]
# Variables a subprocess must not inherit from the test run: each test says what it wants.
SCRUBBED = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_environment(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(overrides)
    return env


def worker_environment(tmp_path, database_url, **overrides):
    """The environment of a worker (or shell) process on ``database_url``, production
    settings unless ``overrides`` say otherwise."""
    defaults = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "NEWSDESK_EMBEDS_OFFLINE": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    return clean_environment(**{**defaults, **overrides})


def shell(env, code, *, timeout=300):
    """Run ``code`` in ``manage.py shell`` with ``env``; its output (it must succeed)."""
    result = python("manage.py", "shell", "-c", code, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def run(args, env, *, timeout=300):
    """Run ``args`` in the project directory; the finished process."""
    return subprocess.run(  # noqa: S603 - our own commands
        args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def python(*args, env, timeout=300):
    return run([sys.executable, *args], env, timeout=timeout)


def manage(env, *args, settings="cms.settings.production", timeout=300):
    """``manage.py args`` with ``settings``; its output. Fails the test when it fails."""
    result = python("manage.py", *args, env={**env, "DJANGO_SETTINGS_MODULE": settings})
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def prepare_demo_site(env, password):
    """Migrate ``env``'s database, collect the static files and load the demo newsroom
    (its logins' password ``password``), as ``make run`` does before serving."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo_content", "--password", password, settings="cms.settings.dev")


def on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def fresh_database(tmp_path, name, template=None):
    """A database URL for a new database, and a function that removes it: a SQLite file
    under ``tmp_path``, or, when the suite runs on PostgreSQL (``DATABASE_URL``), a new
    database on that server. Empty, or a copy of ``template`` (a URL this function made)."""
    url = os.environ.get("DATABASE_URL", "")
    if not on_postgres():
        path = tmp_path / f"{name}.sqlite3"
        if template is not None:
            shutil.copyfile(template.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}", lambda: None

    import psycopg

    config = dj_database_url.parse(url)
    database = f"newsdesk_{name}_{secrets.token_hex(4)}"
    admin = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    copy = f' TEMPLATE "{dj_database_url.parse(template)["NAME"]}"' if template else ""
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{database}"{copy}')

    def drop():
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    netloc = url.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgres://{netloc}/{database}", drop


def start_gunicorn(env, *, workers=2):
    """Newsdesk under gunicorn with production settings on a free loopback port:
    ``(base URL, process)``; its stderr is kept for the test to read."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own app under gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"),
        ],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "cms.settings.production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return f"http://127.0.0.1:{port}", process


def stop(process, timeout=20):
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def deployment_env(tmp_path, database_url, **overrides):
    """The environment of a deployment under ``tmp_path``: its own database, media,
    static files and file cache, production hardening relaxed for loopback HTTP, no
    network. ``overrides`` add or replace variables (``REDIS_URL`` is dropped unless
    given: each test says which cache it wants)."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "NEWSDESK_CACHE_DIR": str(tmp_path / "cache"),
            "NEWSDESK_EMBEDS_OFFLINE": "true",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(overrides)
    return env
