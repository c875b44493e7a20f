"""The browser checks' tools: Debian's Chromium, the Nu HTML Checker (vnu), axe-core and
Lighthouse.

The Node tools are pinned in tests/browser/package.json and package-lock.json and
installed by ``make node-tools`` (a prerequisite of ``make test``) into
tests/browser/node_modules (git-ignored), with install scripts off: no tool downloads a
browser or a Java of its own. vnu runs on the machine's Java 17; Lighthouse drives
Debian's Chromium (CHROME_PATH) with the same flags as the Playwright tests.

Plain Python with no test-framework imports, so bench/lighthouse.py can use it too.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent
NODE_MODULES = NODE_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Lighthouse's two standard configurations: "mobile" (its default: a Moto G-sized screen,
# 4x CPU slowdown and a simulated slow 4G connection) and "desktop" (--preset=desktop:
# 1350x940, no CPU slowdown, a simulated 40 Mbit/s cable connection). Throttling is
# simulated from one unthrottled load (Lighthouse's default "simulate" method), so the
# scores do not depend on timers slowed down by a busy machine.
LIGHTHOUSE_PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}

HOW_TO_INSTALL = "Install them with `make node-tools` (npm ci in tests/browser/)."


def chromium_path():
    """The Chromium to drive: $CHROMIUM_PATH if set, else Debian's /usr/bin/chromium."""
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


def java_path():
    """The Java that runs vnu: $JAVA if set, else the first ``java`` on PATH."""
    return os.environ.get("JAVA") or shutil.which("java") or "/usr/bin/java"


def node_path():
    return os.environ.get("NODE") or shutil.which("node") or "/usr/bin/node"


def missing(*paths):
    """The tools among ``paths`` that are not there (files), as readable lines."""
    return [f"{path} is missing" for path in paths if not Path(path).is_file()]


def vnu_errors(files):
    """Validate HTML files with the Nu HTML Checker in one Java process.

    Returns ``[(file, line, message, extract), ...]`` for the errors only (vnu's warnings
    and info messages are left out). vnu exits non-zero when it finds errors, so its exit
    status is not an error here; output that is not vnu's JSON report is.
    """
    result = subprocess.run(  # noqa: S603 - the pinned jar on files the test wrote
        [java_path(), "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(
            f"vnu gave no JSON report (exit {result.returncode}):\n"
            f"{result.stderr[-2000:]}{result.stdout[-2000:]}"
        ) from error
    return [
        (
            message.get("url", "").removeprefix("file:"),
            message.get("lastLine", message.get("firstLine", 0)),
            message.get("message", ""),
            message.get("extract", "").strip(),
        )
        for message in report.get("messages", [])
        if message.get("type") == "error" or (message.get("type") == "non-document-error")
    ]


def lighthouse_command(url, preset, output_path="stdout"):
    """The Lighthouse command line for ``url`` with ``preset`` ("mobile" or "desktop")."""
    return [
        node_path(),
        str(LIGHTHOUSE_CLI),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output_path}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
        *LIGHTHOUSE_PRESETS[preset],
    ]


def lighthouse_scores(url, preset, *, timeout=180):
    """Run Lighthouse on ``url`` in Debian's Chromium; return ``(scores, failing)``.

    ``scores`` maps each category to its score out of 100; ``failing`` lists the audits
    that scored below 1 in each category, as ``"category: audit id (title)"`` lines, for
    telling why a score is low.
    """
    result = subprocess.run(  # noqa: S603 - the pinned Lighthouse on a local address
        lighthouse_command(url, preset),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "CHROME_PATH": chromium_path()},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Lighthouse failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
        )
    report = json.loads(result.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not load {url}: {report['runtimeError']}")
    scores = {}
    failing = []
    for name in LIGHTHOUSE_CATEGORIES:
        category = report["categories"][name]
        scores[name] = round((category["score"] or 0) * 100)
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                failing.append(f"{name}: {ref['id']} ({audit['title']}) score {audit['score']}")
    return scores, failing
