"""Settings shared by every environment.

This module is safe for production on its own: DEBUG is off, there is no fallback
secret key and the allowed hosts come from the environment. ``dev.py``, ``test.py``
and ``production.py`` build on it. Everything that differs between deployments is
read from the environment (see README, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable; anything unexpected is an error, not a guess."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default=()):
    """Read a comma-separated environment variable into a list of stripped items."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Which deployment this is; load_demo_content refuses to run in "production".
NEWSDESK_ENVIRONMENT = "base"

# Newsdesk's apps come before Wagtail's: their signal receivers must be connected first
# (news/lifecycle.py announces a page's deletion before Wagtail unpublishes it).
INSTALLED_APPS = [
    "home",
    "news",
    "news.comments",
    "news.webhooks",
    "news.importers",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.api.v2",
    "wagtail.api.v3",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail_headless_preview",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "corsheaders",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cms.outage.DatabaseOutageMiddleware",
    "cms.middleware.NulCharacterMiddleware",
    "cms.middleware.APIIdRangeMiddleware",
    "cms.middleware.JSONObjectBodyMiddleware",
    "cms.middleware.APIGZipMiddleware",
    "news.freshness.middleware.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.APIErrorMessageMiddleware",
    "cms.middleware.SiteNotFoundMiddleware",
]

# With DEBUG on (dev), unknown addresses still show the site's own 404 page
# (templates/404.html); NEWSDESK_TECHNICAL_404=true shows Django's technical one instead,
# listing the URL patterns tried (cms.middleware.SiteNotFoundMiddleware).
NEWSDESK_TECHNICAL_404 = env_bool("NEWSDESK_TECHNICAL_404")

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# Database: an SQLite file in the project unless DATABASE_URL says otherwise, e.g.
# DATABASE_URL=postgres://user:password@host:5432/newsdesk. Connections are kept open
# between requests (CONN_MAX_AGE) and checked before reuse (CONN_HEALTH_CHECKS).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a write lock instead of failing at once, and use WAL so
    # readers are not blocked by the writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL: give up connecting after DATABASE_CONNECT_TIMEOUT seconds, notice a
    # server that vanished from the network within about 20 s (TCP keepalives and
    # tcp_user_timeout), and cancel a statement running past DATABASE_STATEMENT_TIMEOUT
    # milliseconds, so an unreachable or stuck database answers 503 quickly instead of
    # holding workers (cms/outage.py). DATABASE_STATEMENT_TIMEOUT=0 sends no limit: for
    # PgBouncer, which refuses the "options" startup parameter (set the limit on the
    # database role instead), and for long migrations. Options given in DATABASE_URL win.
    statement_timeout = env_int("DATABASE_STATEMENT_TIMEOUT", 30000)
    pg_options = {
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5),
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "tcp_user_timeout": 20000,
    }
    if statement_timeout > 0:
        pg_options["options"] = f"-c statement_timeout={statement_timeout}"
    DATABASES["default"]["OPTIONS"] = {**pg_options, **DATABASES["default"].get("OPTIONS", {})}
# While the database is unavailable: 503 with this Retry-After (seconds).
NEWSDESK_OUTAGE_RETRY_AFTER = env_int("NEWSDESK_OUTAGE_RETRY_AFTER", 30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: files shared by the processes of this machine unless REDIS_URL points at a
# Redis server, which every app instance then shares. The site keeps serving without
# Redis when it is down or hangs (cms/core/cache.py): short timeouts, then the cache is
# skipped for REDIS_RETRY_AFTER seconds before it is tried again.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cms.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsdesk"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
                "RETRY_AFTER": env_float("REDIS_RETRY_AFTER", 5),
            },
        }
    }
else:
    # Without Redis, a cache in files under NEWSDESK_CACHE_DIR, shared by every process
    # on this machine: `make run` and `make worker` (or `manage.py shell`, an import) see
    # each other's invalidations, so a post the worker publishes shows at once. (A
    # local-memory cache per process would keep serving stale copies for up to
    # NEWSDESK_CACHE_TIMEOUT; docs/performance.md measures the two.) Image renditions
    # (Wagtail caches every one it looks up) have a cache of their own, so a page with
    # many images does not push the rest out.
    CACHE_DIR = Path(os.environ.get("NEWSDESK_CACHE_DIR") or BASE_DIR / "var" / "cache")
    CACHES = {
        "default": {
            "BACKEND": "cms.core.cache.ResilientFileBasedCache",
            "LOCATION": str(CACHE_DIR / "default"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "renditions": {
            "BACKEND": "cms.core.cache.ResilientFileBasedCache",
            "LOCATION": str(CACHE_DIR / "renditions"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }

# Response caching (news/freshness/). Public GETs of reader pages
# and the API are stored in the cache above and invalidated when content changes;
# browsers and CDNs get Cache-Control and ETag headers.
NEWSDESK_RESPONSE_CACHE = env_bool("NEWSDESK_RESPONSE_CACHE", True)
NEWSDESK_CACHE_TIMEOUT = env_int("NEWSDESK_CACHE_TIMEOUT", 3600)
NEWSDESK_HTTP_MAX_AGE = env_int("NEWSDESK_HTTP_MAX_AGE", 60)
NEWSDESK_HTTP_SHARED_MAX_AGE = env_int("NEWSDESK_HTTP_SHARED_MAX_AGE", NEWSDESK_HTTP_MAX_AGE)
NEWSDESK_HTTP_STALE_WHILE_REVALIDATE = env_int("NEWSDESK_HTTP_STALE_WHILE_REVALIDATE", 30)
# Concurrent requests for a copy being rendered wait at most this long for it (seconds).
NEWSDESK_RENDER_WAIT = env_float("NEWSDESK_RENDER_WAIT", 2.0)
# A copy stored before a publish may be served (X-Cache: STALE) this long after it, while
# one request renders it anew (seconds; 0: readers wait for the render).
NEWSDESK_STALE_SECONDS = env_int("NEWSDESK_STALE_SECONDS", 30)
# Render once (news/freshness/fragments.py): posts' bodies and image objects are stored
# and reused by every response that shows them until what they show changes.
NEWSDESK_RENDER_ONCE = env_bool("NEWSDESK_RENDER_ONCE", True)
# Search results are stored for a query asked this many times within the timeout, and for
# no longer than it (seconds).
NEWSDESK_SEARCH_CACHE_AFTER = env_int("NEWSDESK_SEARCH_CACHE_AFTER", 2)
NEWSDESK_SEARCH_CACHE_TIMEOUT = env_int("NEWSDESK_SEARCH_CACHE_TIMEOUT", 60)

# Benchmarks only (bench/load_bench.py): a bare JSON view and a query counter header.
NEWSDESK_BENCH = env_bool("NEWSDESK_BENCH", False)
if NEWSDESK_BENCH:
    MIDDLEWARE.insert(0, "cms.bench.QueryCountMiddleware")

# Frontend cache / CDN purging (optional): the URLs that show a changed page are purged
# through Wagtail's frontend-cache backends. FRONTEND_CACHE_URL points at a cache that
# accepts HTTP PURGE (Varnish, nginx, Fastly-style); CLOUDFLARE_* and CLOUDFRONT_* use
# those services' APIs. FRONTEND_CACHE_HOSTNAMES limits purges to some hosts.
WAGTAILFRONTENDCACHE = {}
_frontend_hostnames = env_list("FRONTEND_CACHE_HOSTNAMES", ["*"])
if os.environ.get("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_URL"],
        "HOSTNAMES": _frontend_hostnames,
    }
if os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ.get("CLOUDFLARE_BEARER_TOKEN", ""),
        "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
        "HOSTNAMES": _frontend_hostnames,
    }
if os.environ.get("CLOUDFRONT_DISTRIBUTION_ID"):
    # Needs boto3 (pip install boto3) and AWS credentials in the usual environment.
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
        "HOSTNAMES": _frontend_hostnames,
    }

# Background work: Django's task framework (django-tasks), with the tasks kept in the
# database (django-tasks-db) until the worker (manage.py run_worker) runs them. Wagtail's
# own tasks (search and reference index updates, frontend-cache purges, image file
# deletion) and Newsdesk's (webhook deliveries, re-indexing linking posts) go through it,
# so saving, publishing and approving never wait for them. The test settings run tasks at
# once (the immediate backend). The worker runs each queue on a thread of its own, one task
# at a time: webhook deliveries and CDN purges have queues of their own, so a receiver or a
# cache server that does not answer never delays search indexing. (Indexing tasks stay on
# one queue: Wagtail's are not written to run side by side for the same page, which with
# one worker they never do.)
NEWSDESK_TASK_QUEUES = ["default", "webhooks", "purges"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": NEWSDESK_TASK_QUEUES,
    }
}
# The worker deletes the results of tasks finished longer ago than this (days).
NEWSDESK_TASK_RESULTS_KEEP_DAYS = env_int("NEWSDESK_TASK_RESULTS_KEEP_DAYS", 14)

# Webhooks (news/webhooks/): deliveries are sent by the worker (manage.py run_worker).
NEWSDESK_WEBHOOK_TIMEOUT = env_int("NEWSDESK_WEBHOOK_TIMEOUT", 10)
NEWSDESK_WEBHOOK_MAX_ATTEMPTS = env_int("NEWSDESK_WEBHOOK_MAX_ATTEMPTS", 8)
# Retry n waits NEWSDESK_WEBHOOK_RETRY_BASE * 2**(n-1) seconds (30 s, 1 min, 2 min, ...),
# at most NEWSDESK_WEBHOOK_RETRY_MAX.
NEWSDESK_WEBHOOK_RETRY_BASE = env_int("NEWSDESK_WEBHOOK_RETRY_BASE", 30)
NEWSDESK_WEBHOOK_RETRY_MAX = env_int("NEWSDESK_WEBHOOK_RETRY_MAX", 3600)
# A worker's claim on a delivery it is sending, renewed every third of it while the
# receiver takes its time: how long after a worker is killed its in-flight deliveries are
# sent again (docs/webhooks.md).
NEWSDESK_WEBHOOK_LEASE = env_int("NEWSDESK_WEBHOOK_LEASE", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files are collected into STATIC_ROOT and served by whitenoise, compressed and
# with content hashes in their names so they can be cached forever.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded images and documents in S3-compatible object storage instead of MEDIA_ROOT
# (AWS S3, MinIO, Cloudflare R2, ...), so app instances on different machines share them.
# Needs `pip install -e ".[s3]"` (django-storages and boto3). Credentials come from the
# usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables (or the instance's role).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    import importlib.util

    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is not installed: "
            'pip install -e ".[s3]"'
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # e.g. a CDN in front of the bucket: media URLs use this host.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Public-read media: plain URLs that caches can share (no signed query strings).
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "file_overwrite": False,
        },
    }
    # Documents are still served through Django, which checks their collection's
    # privacy; with remote storage Wagtail would otherwise redirect to the plain bucket
    # URL, which anyone could share.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Complex page forms exceed Django's default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Newsdesk")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The machines Newsdesk runs on may have no outside network: no update check, no Gravatar.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Search: Wagtail's database backend (SQLite FTS5 with Porter stemming, see
# search/migrations/0001, and title-weighted ranking, see search/backend.py; PostgreSQL
# full-text search with the English configuration).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "search.backend",
        "SEARCH_CONFIG": os.environ.get("SEARCH_CONFIG", "english"),
        # Off only for bulk loads, which run `manage.py update_index` afterwards.
        "AUTO_UPDATE": env_bool("SEARCH_AUTO_UPDATE", True),
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]

# oEmbed: Wagtail's default finder asks the provider (YouTube, Vimeo, ...) for the embed
# HTML and stores it. NEWSDESK_EMBEDS_OFFLINE=true turns fetching off entirely; embeds
# then show as plain links, which is also what happens when a provider cannot be reached.
if env_bool("NEWSDESK_EMBEDS_OFFLINE"):
    WAGTAILEMBEDS_FINDERS = []
# How long a failed embed lookup is remembered before it is tried again (seconds).
NEWSDESK_EMBED_FAILURE_TTL = env_int("NEWSDESK_EMBED_FAILURE_TTL", 600)

# Reader pages
NEWSDESK_PAGE_SIZE = env_int("NEWSDESK_PAGE_SIZE", 10)
# The front page: the latest stories after the lead, and how long a breaking post keeps its
# strip at the top after going live (docs/content-model.md, "The front page").
NEWSDESK_HOME_LATEST = env_int("NEWSDESK_HOME_LATEST", 6)
NEWSDESK_BREAKING_HOURS = env_float("NEWSDESK_BREAKING_HOURS", 3)

# Editorial roles and workflow. Data migrations and code find these by name; change a name
# here and in the database together (see docs/workflow.md).
NEWSDESK_EDITORS_GROUP = "Editors"
NEWSDESK_MODERATORS_GROUP = "Moderators"
NEWSDESK_NEWS_WORKFLOW = "News review"
NEWSDESK_NEWS_REVIEW_TASK = "Moderator approval"

# E-mail: moderation notifications come from this address.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsdesk@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_USE_HTML = True

# Headless API
WAGTAILAPI_RICH_TEXT_FORMAT = "html"  # rich text in the API is HTML with links resolved
# Unset, Wagtail's own API links (meta.detail_url, find/ redirects, download_url) use the
# root URL of the Site serving the request, the base of every URL Newsdesk writes
# (cms/core/site_urls.py). Set it only to send those somewhere else.
WAGTAILAPI_BASE_URL = os.environ.get("WAGTAILAPI_BASE_URL") or None
# A headless frontend that serves the pages at its own address: links to pages in the API
# (meta.html_url, related articles, links inside body_html) point there; images and
# documents stay on the Site's root URL.
NEWSDESK_FRONTEND_URL = os.environ.get("NEWSDESK_FRONTEND_URL", "")
WAGTAILAPI_LIMIT_MAX = env_int("WAGTAILAPI_LIMIT_MAX", 100)
# Frontends on other origins may call the API from the browser (comma-separated origins).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# Preview in an external frontend: the URL editors are sent to when they press Preview.
HEADLESS_PREVIEW_URL = os.environ.get("HEADLESS_PREVIEW_URL", "")
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": HEADLESS_PREVIEW_URL} if HEADLESS_PREVIEW_URL else {},
    "ENFORCE_TRAILING_SLASH": False,
}
NEWSDESK_PREVIEW_TOKEN_MAX_AGE = env_int("NEWSDESK_PREVIEW_TOKEN_MAX_AGE", 3600)

# Reader comments (news/comments/, docs/comments.md). Comments are held for moderation;
# the spam defences below need no outside service. Counts use the cache above (shared by
# every instance when REDIS_URL is set). A limit of 0 turns that limit off.
NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS = env_int("NEWSDESK_COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never
NEWSDESK_COMMENTS_MAX_LENGTH = env_int("NEWSDESK_COMMENTS_MAX_LENGTH", 5000)  # characters
NEWSDESK_COMMENTS_MAX_LINKS = env_int("NEWSDESK_COMMENTS_MAX_LINKS", 2)
# A form sent sooner than this after it was shown is refused (robots fill forms at once);
# a form older than the token age must be reloaded.
NEWSDESK_COMMENTS_MIN_FILL_SECONDS = env_int("NEWSDESK_COMMENTS_MIN_FILL_SECONDS", 3)
NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS = env_int("NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS", 7)
# At most PER_IP comments from one address and PER_EMAIL from one e-mail address in WINDOW
# seconds.
NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW = env_int("NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW", 600)
NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP = env_int("NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP", 5)
NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL = env_int("NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL", 3)
# Behind N trusted proxies that append to X-Forwarded-For, the reader's address is the Nth
# entry from the right; 0 uses REMOTE_ADDR.
NEWSDESK_COMMENTS_PROXY_COUNT = env_int("NEWSDESK_COMMENTS_PROXY_COUNT", 0)
# Comments per page of the API listing unless ?limit= says otherwise.
NEWSDESK_COMMENTS_API_PAGE_SIZE = env_int("NEWSDESK_COMMENTS_API_PAGE_SIZE", 20)
