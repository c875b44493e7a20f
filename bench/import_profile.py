"""Where an import spends its time and memory: the real command, in this process, profiled.

Writes the generated export of bench/import_bench.py (``--extra-paragraphs`` makes each
post longer, to model a 50 MB export), makes a fresh SQLite database for it (migrate and
``load_demo_content --posts 0``, in subprocesses, once per settings module; later runs copy
it), then runs ``import_wordpress`` / ``import_blogger`` twice in this process (the fresh
import, then the second, unchanged run) and reports for each run:

- wall time, entries/s and posts/s;
- the SQL statements by kind (verb and table) and their count per entry;
- the resident set size every ``--every`` entries (and, with ``--tracemalloc``, the
  allocations that grew most between the first and the last sample);
- with ``--query-sites``, the statements by the project line that issued them;
- with ``--profile``, a cProfile of the run: ``<out>/<source>-<run>.prof`` and the
  functions with the most cumulative time; ``--profile pyinstrument`` (pip install
  pyinstrument) samples instead and writes its call tree as text and HTML.

    python bench/import_profile.py --posts 2000 --profile
    python bench/import_profile.py --posts 6500 --extra-paragraphs 17 --tracemalloc
    python bench/import_profile.py --settings cms.settings.dev   # what `manage.py` uses

Generated files go to ``--out`` (default /tmp/newsdesk-import-profile), never the project.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import import_bench  # bench/import_bench.py, next to this script

ROOT = Path(__file__).resolve().parent.parent


def padded_body(extra):
    """import_bench.body_html with ``extra`` more paragraphs of text (longer posts)."""
    plain = import_bench.body_html

    def body_html(rng, number):
        html = plain(rng, number)
        more = "\n".join(
            "<p>" + " ".join(import_bench.sentence(rng) for _ in range(3)) + "</p>"
            for _ in range(extra)
        )
        return html + ("\n" + more if more else "")

    return body_html


def write_export(source, path, posts, extra):
    if path.exists():
        return
    import_bench.body_html = padded_body(extra)  # posts() looks it up by name
    writer = import_bench.write_wordpress if source == "wordpress" else import_bench.write_blogger
    writer(path, posts)


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


STATEMENT = re.compile(
    r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK|BEGIN)"
    r'(?:.*?\bFROM\s+|\s+)?"?([\w]+)?"?',
    re.I | re.S,
)


def statement_kind(sql):
    match = STATEMENT.match(sql)
    if not match:
        return sql.split(None, 1)[0].upper() if sql.strip() else "?"
    verb = match.group(1).upper()
    if verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN"):
        return verb
    return f"{verb} {match.group(2) or '?'}"


PROJECT_DIRS = tuple(str(ROOT / name) + os.sep for name in ("news", "home", "cms", "search"))


def query_site():
    """The innermost project frame (file:line function) that led to this query, and the
    innermost library frame below it (wagtail, treebeard, modelcluster...), if any."""
    frame = sys._getframe(3)
    library = ""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(PROJECT_DIRS):
            short = name[len(str(ROOT)) + 1 :]
            return f"{short}:{frame.f_lineno} {frame.f_code.co_name}" + (
                f" <- {library}" if library else ""
            )
        if not library and "site-packages" in name and "/django/" not in name:
            library = f"{name.split('site-packages/')[1]}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


class QueryCounter:
    def __init__(self, sites=False):
        self.kinds = Counter()
        self.seconds = Counter()
        self.sites = Counter() if sites else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            kind = statement_kind(sql)
            self.kinds[kind] += 1
            self.seconds[kind] += time.perf_counter() - started
            if self.sites is not None:
                self.sites[(kind, query_site())] += 1


def fresh_database(settings, out, name):
    """A migrated database with the demo site tree and no posts, copied from a template."""
    template = out / f"template-{settings.replace('.', '-')}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": f"sqlite:///{template}",
        "LOG_LEVEL": "WARNING",
    }
    if not template.exists():
        for args in (["migrate", "--noinput"], ["load_demo_content", "--posts", "0"]):
            subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
    target = out / f"{name}.sqlite3"
    shutil.copyfile(template, target)
    return target


def run_import(source, export, media, *, every, profile, trace, out, label, sites):
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from news.importers import base
    from news.importers.models import ImportRecord

    samples = []  # (entries done, rss MB)
    # Every entry is planned once (settled, written or skipped): the place to sample.
    original = base.Importer.plan
    done = [0]
    snapshots = []

    def plan(self, entry):
        result = original(self, entry)
        done[0] += 1
        if done[0] % every == 0:
            samples.append((done[0], rss_mb(), len(connection.queries_log)))
            if trace:
                snapshots.append(tracemalloc.take_snapshot())
        return result

    base.Importer.plan = plan
    counter = QueryCounter(sites)
    stdout = io.StringIO()
    profiler = None
    if profile == "cprofile":
        profiler = cProfile.Profile()
    elif profile == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
    reset_queries()
    if trace:
        tracemalloc.start(8)
        snapshots.append(tracemalloc.take_snapshot())
    records_before = ImportRecord.objects.count()
    rss_before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        with connection.execute_wrapper(counter):
            if profiler:
                (profiler.enable if profile == "cprofile" else profiler.start)()
            call_command(
                f"import_{source}", str(export), index="news", media=str(media), stdout=stdout
            )
            if profiler:
                (profiler.disable if profile == "cprofile" else profiler.stop)()
    finally:
        base.Importer.plan = original
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if trace:
        snapshots.append(tracemalloc.take_snapshot())
        tracemalloc.stop()
    report = stdout.getvalue()
    entries = int(re.search(r"(\d+) entries to import", report).group(1))
    posts = re.search(r"posts: (\d+) created, (\d+) updated, (\d+) unchanged", report)
    result = {
        "label": label,
        "seconds": seconds,
        "cpu": cpu,
        "entries": entries,
        "posts_created": int(posts.group(1)),
        "posts_unchanged": int(posts.group(3)),
        "queries": counter.kinds,
        "query_seconds": counter.seconds,
        "sites": counter.sites,
        "samples": samples,
        "rss_before": rss_before,
        "rss_after": rss_mb(),
        "peak": peak_rss_mb(),
        "records": ImportRecord.objects.count() - records_before,
        "report_head": "\n".join(report.splitlines()[:12]),
    }
    if profile == "cprofile":
        path = out / f"{label}.prof"
        profiler.dump_stats(path)
        result["profile"] = path
    elif profile == "pyinstrument":
        path = out / f"{label}.pyinstrument.txt"
        path.write_text(
            profiler.output_text(
                unicode=False, color=False, show_all=os.environ.get("PROFILE_SHOW_ALL") == "1"
            )
        )
        (out / f"{label}.pyinstrument.html").write_text(profiler.output_html())
        result["pyinstrument"] = path
    if trace:
        result["growth"] = snapshots[-1].compare_to(
            snapshots[1 if len(snapshots) > 2 else 0], "lineno"
        )
        result["top_final"] = snapshots[-1].statistics("lineno")[:15]
    return result


def print_result(result, top):
    seconds = result["seconds"]
    print(
        f"\n== {result['label']}: {seconds:.1f} s ({result['cpu']:.1f} s CPU), "
        f"{result['entries']} entries "
        f"({result['entries'] / seconds:.0f} entries/s), posts created "
        f"{result['posts_created']} ({result['posts_created'] / seconds:.0f}/s), unchanged "
        f"{result['posts_unchanged']}"
    )
    print(result["report_head"])
    total = sum(result["queries"].values())
    print(
        f"-- SQL: {total} statements, {total / result['entries']:.1f} per entry, "
        f"{sum(result['query_seconds'].values()):.1f} s in the database driver"
    )
    for kind, count in result["queries"].most_common(30):
        print(
            f"   {count:8d}  {count / result['entries']:6.2f}/entry  "
            f"{result['query_seconds'][kind]:6.2f} s  {kind}"
        )
    if result["sites"]:
        print("-- SQL by where it was issued (project frame <- library frame):")
        for (kind, site), count in result["sites"].most_common(40):
            print(f"   {count:8d}  {count / result['entries']:6.2f}/entry  {kind}  {site}")
    print(
        f"-- RSS: {result['rss_before']:.0f} MB before, {result['rss_after']:.0f} MB after, "
        f"peak {result['peak']:.0f} MB; per sample (entries, MB, DEBUG query log length):"
    )
    print(
        "   "
        + ", ".join(f"{n}: {mb:.0f}" + (f" [{q}]" if q else "") for n, mb, q in result["samples"])
    )
    if "growth" in result:
        print("-- tracemalloc: allocations that grew most from the first sample to the end")
        for stat in result["growth"][:top]:
            print(
                f"   {stat.size_diff / 1e6:+8.1f} MB  {stat.count_diff:+9d} blocks  "
                f"{stat.traceback[0]}"
            )
        print("-- tracemalloc: largest at the end")
        for stat in result["top_final"][:top]:
            print(f"   {stat.size / 1e6:8.1f} MB  {stat.traceback[0]}")
    if "pyinstrument" in result:
        print(f"-- pyinstrument: {result['pyinstrument']} (and .html)")
    if "profile" in result:
        stream = io.StringIO()
        stats = pstats.Stats(str(result["profile"]), stream=stream)
        stats.sort_stats("cumulative").print_stats(top)
        print(f"-- cProfile (cumulative, {result['profile']}):")
        print(stream.getvalue().split("\n", 6)[-1][:20000])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--source", choices=["wordpress", "blogger"], default="wordpress")
    parser.add_argument("--extra-paragraphs", type=int, default=0)
    parser.add_argument("--settings", default="cms.settings.test")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-import-profile"
    )
    parser.add_argument("--every", type=int, default=500, help="RSS sample every N entries")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cprofile",
        choices=["cprofile", "pyinstrument"],
        help="profile both runs (cProfile, or pyinstrument if installed: a sampling "
        "profiler whose shares are not inflated by call counts)",
    )
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--query-sites", action="store_true", help="count SQL by caller")
    parser.add_argument("--first-only", action="store_true", help="skip the second run")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    media = out / "pictures"
    if not media.exists():
        import_bench.write_pictures(media)
    name = f"{args.source}-{args.posts}-x{args.extra_paragraphs}"
    export = out / (f"{name}.WordPress.xml" if args.source == "wordpress" else f"{name}.xml")
    write_export(args.source, export, args.posts, args.extra_paragraphs)
    print(f"export {export}: {export.stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    database = fresh_database(args.settings, out, name + "-" + args.settings.split(".")[-1])

    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    runs = [("first", args.profile), *([] if args.first_only else [("second", args.profile)])]
    for run, profile in runs:
        result = run_import(
            args.source,
            export,
            media,
            every=args.every,
            profile=profile,
            trace=args.tracemalloc,
            out=out,
            label=f"{name}-{run}",
            sites=args.query_sites,
        )
        print_result(result, args.top)


if __name__ == "__main__":
    main()
