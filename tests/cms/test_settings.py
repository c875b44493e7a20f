"""Settings: production hardening and configuration from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.settings.base import env_bool, env_int, env_list
from tests.deployment import clean_environment, python

REAL_LOOKING_KEY = "k3y-" + "Zq8vN2xL7pR4tW9yB6mC1dF5gH0jK3sA8eU2iO7nV4bX6zQ9wE1rT5yU8"


def manage(*args, env=None):
    """``manage.py args`` in a fresh process with only ``env`` set (the finished process)."""
    return python("manage.py", *args, env=clean_environment(**(env or {})), timeout=120)


@pytest.mark.deployment
def test_check_deploy_with_production_settings_is_clean():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": REAL_LOOKING_KEY,
            "ALLOWED_HOSTS": "news.example.com",
            "REDIS_URL": "redis://redis.example:6379/0",  # not contacted by the checks
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.deployment
def test_check_deploy_warns_without_a_cache_every_instance_shares():
    result = manage(
        "check",
        "--deploy",
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": REAL_LOOKING_KEY,
            "ALLOWED_HOSTS": "news.example.com",
        },
    )
    assert "newsdesk.W001" in result.stdout + result.stderr
    assert "Set REDIS_URL" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "news.example.com"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": REAL_LOOKING_KEY}, "ALLOWED_HOSTS must be set"),
        (
            {
                "SECRET_KEY": REAL_LOOKING_KEY,
                "ALLOWED_HOSTS": "news.example.com",
                "SECURE_SSL_REDIRECT": "maybe",
            },
            "SECURE_SSL_REDIRECT must be true or false",
        ),
    ],
)
@pytest.mark.deployment
def test_production_refuses_to_start_misconfigured(env, message):
    result = manage("check", env={"DJANGO_SETTINGS_MODULE": "cms.settings.production", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_selects_postgres_with_persistent_checked_connections(monkeypatch):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": REAL_LOOKING_KEY,
            "ALLOWED_HOSTS": "news.example.com",
            "DATABASE_URL": "postgres://newsdesk:pw@db.internal:5432/newsdesk",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql newsdesk 600 True" in result.stdout


def test_default_database_is_the_sqlite_file():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        env={"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("db.sqlite3")


def test_env_helpers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        env_bool("FLAG")
    monkeypatch.setenv("HOSTS", " a.example , b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("SIZE", "ten")
    with pytest.raises(ImproperlyConfigured, match="SIZE must be a whole number"):
        env_int("SIZE", 1)


def test_update_check_and_gravatar_are_off(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None


def settings_value(expression, env):
    """Evaluate ``expression`` in a fresh process with production settings and ``env``."""
    return manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": REAL_LOOKING_KEY,
            "ALLOWED_HOSTS": "news.example.com",
            **env,
        },
    )


@pytest.mark.deployment
def test_media_goes_to_s3_compatible_storage_when_a_bucket_is_configured():
    import importlib.util

    env = {
        "AWS_STORAGE_BUCKET_NAME": "newsdesk-media",
        "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
    }
    result = settings_value("settings.STORAGES['default'], settings.WAGTAILDOCS_SERVE_METHOD", env)
    if importlib.util.find_spec("storages") is None:
        # Not installed here: the process refuses to start and says what to install.
        assert result.returncode != 0
        assert 'django-storages is not installed: pip install -e ".[s3]"' in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "storages.backends.s3.S3Storage" in result.stdout
        assert "'bucket_name': 'newsdesk-media'" in result.stdout
        assert "https://minio.internal:9000" in result.stdout
        # Private documents keep going through Django's privacy check.
        assert "'serve_view'" in result.stdout


@pytest.mark.deployment
def test_media_stays_on_the_file_system_without_a_bucket():
    result = settings_value("settings.STORAGES['default']['BACKEND']", {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


@pytest.mark.deployment
def test_frontend_cache_backends_come_from_the_environment():
    result = settings_value(
        "sorted(settings.WAGTAILFRONTENDCACHE)",
        {"FRONTEND_CACHE_URL": "http://127.0.0.1:6081", "CLOUDFLARE_ZONE_ID": "zone"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['cloudflare', 'http']"


@pytest.mark.deployment
def test_sentry_is_set_up_from_sentry_dsn_without_personal_data():
    dsn = "https://public@o0.ingest.sentry.example/42"
    result = manage(
        "shell",
        "-c",
        "import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.dsn, client.options['send_default_pii'])",
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": REAL_LOOKING_KEY,
            "ALLOWED_HOSTS": "news.example.com",
            "SENTRY_DSN": dsn,
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].split() == ["True", dsn, "False"]


def test_postgres_gets_a_connect_and_a_statement_timeout():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        env={
            "DATABASE_URL": "postgres://u:p@db.example:5432/news",
            "DATABASE_STATEMENT_TIMEOUT": "1500",
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'options': '-c statement_timeout=1500'" in result.stdout
    assert "'connect_timeout': 5" in result.stdout
    assert "'tcp_user_timeout': 20000" in result.stdout
    # 0 sends no startup option (PgBouncer refuses it); DATABASE_URL's options win.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        env={
            "DATABASE_URL": "postgres://u:p@db.example:5432/news?connect_timeout=2",
            "DATABASE_STATEMENT_TIMEOUT": "0",
        },
    )
    assert "'options'" not in result.stdout, result.stdout
    assert "'connect_timeout': 2" in result.stdout
