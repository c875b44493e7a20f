"""Import speed and memory of a big export: the real command under ``/usr/bin/time -v``.

Writes a WordPress WXR (or Blogger export) of ``--posts`` generated posts from
bench/import_bench.py, each ``--extra-paragraphs`` longer (the default 6,500 posts with
17 more paragraphs is a ~50 MB export, the size issue 19 measures), makes a fresh SQLite
database (migrate, ``load_demo_content --posts 0``), then runs the import command twice
(fresh, then unchanged) as ``/usr/bin/time -v python manage.py import_... `` and reports
for each run: wall time, posts/s or entries/s, the peak resident set size that
``time -v`` measured ("Maximum resident set size"), and the RSS of the process sampled
every ``--sample`` seconds (flat or rising?).

    python bench/import_memory_bench.py                       # 6,500 posts, ~50 MB
    python bench/import_memory_bench.py --posts 2000 --extra-paragraphs 0
    python bench/import_memory_bench.py --settings cms.settings.dev

Generated files go to ``--out`` (default /tmp/newsdesk-import-memory), never the project.
Prints only; docs/performance.md is written by hand from its output.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import import_bench  # bench/import_bench.py, next to this script
from import_profile import padded_body

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"


def child_pid(pid):
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def rss_of(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def timed_command(env, args, sample):
    """(stdout, wall seconds, peak RSS MB from time -v, [(seconds, RSS MB)])."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [TIME, "-v", sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples = []

    def watch():
        pid = None
        while process.poll() is None:
            pid = pid or child_pid(process.pid)
            if pid:
                rss = rss_of(pid)
                if rss is not None:
                    samples.append((time.perf_counter() - started, rss))
            time.sleep(sample)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{stdout}\n{stderr}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", stderr)
    return stdout, seconds, int(peak.group(1)) / 1024, wall.group(1), samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=6500)
    parser.add_argument("--extra-paragraphs", type=int, default=17)
    parser.add_argument("--source", choices=["wordpress", "blogger"], default="wordpress")
    parser.add_argument("--settings", default="cms.settings.test")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "newsdesk-import-memory"
    )
    parser.add_argument("--sample", type=float, default=2.0, help="RSS sample interval, s")
    parser.add_argument("--first-only", action="store_true", help="skip the second run")
    args = parser.parse_args()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    media = out / "pictures"
    if not media.exists():
        import_bench.write_pictures(media)
    name = f"{args.source}-{args.posts}-x{args.extra_paragraphs}"
    export = out / (f"{name}.WordPress.xml" if args.source == "wordpress" else f"{name}.xml")
    if not export.exists():
        import_bench.body_html = padded_body(args.extra_paragraphs)
        writer = (
            import_bench.write_wordpress
            if args.source == "wordpress"
            else import_bench.write_blogger
        )
        writer(export, args.posts)
    size = export.stat().st_size / 1e6
    database = out / f"{name}-{args.settings.split('.')[-1]}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_LEVEL": "WARNING",
    }
    if database.exists():
        database.unlink()
    for setup in (["migrate", "--noinput"], ["load_demo_content", "--posts", "0"]):
        subprocess.run(
            [sys.executable, "manage.py", *setup],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    command = [f"import_{args.source}", str(export), "--index", "news", "--media", str(media)]
    print(f"export {export}: {size:.1f} MB, {args.posts} posts; settings {args.settings}")
    print(f"command: {TIME} -v {sys.executable} manage.py {' '.join(command)}")
    runs = ["first"] if args.first_only else ["first", "second"]
    for run in runs:
        stdout, seconds, peak, wall, samples = timed_command(env, command, args.sample)
        entries = int(re.search(r"(\d+) entries to import", stdout).group(1))
        created = int(re.search(r"posts: (\d+) created", stdout).group(1))
        rate = (
            f"{created / seconds:.0f} posts/s ({created} posts created)"
            if run == "first"
            else f"{entries / seconds:.0f} entries/s ({entries} entries)"
        )
        print(
            f"\n== {run} run: {seconds:.1f} s (time -v wall {wall}), {rate}, "
            f"peak RSS {peak:.0f} MB"
        )
        print("\n".join("   " + line for line in stdout.splitlines()[:10]))
        step = max(1, len(samples) // 25)
        print(
            "   RSS over time (s: MB): "
            + ", ".join(f"{at:.0f}: {mb:.0f}" for at, mb in samples[::step])
        )


if __name__ == "__main__":
    main()
