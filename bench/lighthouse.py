"""Lighthouse on the reader pages: the home page and an article of the demo site, each with
Lighthouse's mobile and desktop presets, all four categories (performance,
accessibility, best practices, SEO).

Builds a throwaway site (SQLite in a temporary folder; migrations and the demo content
with dev settings), then serves it as deployed: gunicorn with production settings
(DEBUG off, whitenoise serving the collected, compressed static files, the response
cache on), the Site set to the server's own address. Uploaded images are served from a
second local port, as a CDN or object store would serve them in production (Newsdesk
itself does not serve /media/ with DEBUG off). Video embeds are offline
(NEWSDESK_EMBEDS_OFFLINE): no page reaches the internet.

Lighthouse (tests/browser/node_modules, ``make node-tools``) drives Debian's Chromium
(CHROME_PATH, $CHROMIUM_PATH or /usr/bin/chromium) with the browser tests' flags, its
throttling simulated from an unthrottled load (its default), so a busy machine changes
the performance score less than real throttling would. Each page and preset is measured
``--runs`` times (default 3) and the median score per category is reported; the scores
and the command go into docs/performance.md ("Reader pages: Lighthouse").

    python bench/lighthouse.py [--runs 3] [--no-write]
"""

import argparse
import functools
import http.server
import os
import secrets
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import machine, write_section  # noqa: E402

from tests.browser import tools  # noqa: E402

PAGES = ["home", "article"]
# The article measured: the newest live post with a lead image and approved comments.
ARTICLE_JS = (
    "from news.models import NewsPage; "
    "page = NewsPage.objects.live().public().exclude(lead_image=None)"
    ".filter(comments__status='approved').distinct().order_by('-first_published_at').first(); "
    "print(page.full_url)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, settings="cms.settings.dev", capture=False):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout


def serve_media(media_root):
    """Serve ``media_root`` on a free loopback port in a thread; return its base URL."""
    media_root.mkdir(parents=True, exist_ok=True)

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(media_root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def start_gunicorn(env, port):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{process.stderr.read().decode()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10):  # noqa: S310 - loopback
                return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def build_site(folder, port):
    """The demo site in ``folder``; returns the environment gunicorn runs with and the
    article's path."""
    media_root = folder / "media"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'lighthouse.sqlite3'}",
        "MEDIA_ROOT": str(media_root),
        "MEDIA_URL": serve_media(media_root),
        "STATIC_ROOT": str(folder / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "NEWSDESK_EMBEDS_OFFLINE": "true",
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content", capture=True)  # quiet: dev settings print e-mails
    manage(env, "set_site_url", f"http://127.0.0.1:{port}")
    manage(env, "collectstatic", "--noinput", "-v0", settings="cms.settings.production")
    output = manage(env, "shell", "-v", "0", "-c", ARTICLE_JS, capture=True)
    article = urlsplit(output.strip().splitlines()[-1]).path
    if not article.startswith("/news/"):
        raise SystemExit(f"no demo article with a lead image and comments found: {output!r}")
    print(f"article: {article}", file=sys.stderr)
    return {**env, "DJANGO_SETTINGS_MODULE": "cms.settings.production"}, article


def measure(url, preset, runs):
    """The median score per category over ``runs`` Lighthouse runs, and the audits that
    lost points in the last run."""
    samples = []
    failing = []
    for _ in range(runs):
        scores, failing = tools.lighthouse_scores(url, preset)
        samples.append(scores)
    medians = {
        name: statistics.median(sample[name] for sample in samples)
        for name in tools.LIGHTHOUSE_CATEGORIES
    }
    return medians, samples, failing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset")
    parser.add_argument("--no-write", action="store_true", help="don't write docs/performance.md")
    args = parser.parse_args()
    problems = tools.missing(tools.LIGHTHOUSE_CLI, tools.chromium_path())
    if problems:
        raise SystemExit("; ".join(problems) + ". " + tools.HOW_TO_INSTALL)

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="newsdesk-lighthouse-") as folder:
        env, article = build_site(Path(folder), port)
        process, base = start_gunicorn(env, port)
        try:
            paths = {"home": "/", "article": article}
            rows = []
            for name in PAGES:
                for preset in tools.LIGHTHOUSE_PRESETS:
                    medians, samples, failing = measure(base + paths[name], preset, args.runs)
                    rows.append((name, paths[name], preset, medians, samples))
                    print(f"{name} {preset}: {medians}", file=sys.stderr)
                    for line in failing:
                        print(f"    {line}", file=sys.stderr)
        finally:
            process.terminate()
            process.wait(timeout=30)

    example = tools.lighthouse_command(f"{base}/", "desktop")
    example[0:2] = ["node", "tests/browser/node_modules/lighthouse/cli/index.js"]
    header = "| page | preset | performance | accessibility | best practices | SEO | runs |"
    lines = [
        f"Measured {machine()}; Lighthouse {lighthouse_version()}, Debian's "
        f"{chromium_version()}; `python bench/lighthouse.py --runs {args.runs}` (the demo "
        "site under gunicorn, production settings, 2 workers, images from a second local "
        "origin). Median of the runs per category; each run's scores in the last column. "
        f"Load average at the end: {load_average()} (the mobile preset's 4x CPU slowdown "
        "multiplies the machine's other work into Total Blocking Time; the reader pages "
        "run no JavaScript).",
        "",
        header,
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, path, preset, medians, samples in rows:
        each = "; ".join("/".join(str(s[c]) for c in tools.LIGHTHOUSE_CATEGORIES) for s in samples)
        lines.append(
            f"| {name} (`{path}`) | {preset} | "
            + " | ".join(f"{medians[c]:g}" for c in tools.LIGHTHOUSE_CATEGORIES)
            + f" | {each} |"
        )
    lines += [
        "",
        "Each run is this command (CHROME_PATH=/usr/bin/chromium; mobile drops `--preset`):",
        "",
        "    CHROME_PATH=/usr/bin/chromium " + shlex.join(example),
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section("lighthouse", section)


def load_average():
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def lighthouse_version():
    result = subprocess.run(
        [tools.node_path(), str(tools.LIGHTHOUSE_CLI), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def chromium_version():
    result = subprocess.run(
        [tools.chromium_path(), "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip().split(" built")[0]


if __name__ == "__main__":
    main()
