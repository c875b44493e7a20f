"""The import report (counts, skipped entries, external images) and the progress bar."""

import time
from collections import Counter

from news.importers.entries import POST


class Report:
    """Counts per kind, skipped entries with reasons, external images and warnings."""

    def __init__(self, export):
        self.export = export
        self.counts = Counter()
        self.skipped = list(export.skipped)
        self.external_images = []  # (entry label, url)
        self.warnings = [("the file", message) for message in export.warnings]
        self.removed = Counter()
        self.tags = set()
        self.authors = set()

    def add(self, key, number=1):
        self.counts[key] += number

    def skip(self, label, reason):
        self.skipped.append((label, reason))

    def warn(self, label, message):
        self.warnings.append((label, message))

    def snapshot(self):
        """What ``restore`` needs to take back everything added after this call."""
        return (
            self.counts.copy(),
            len(self.skipped),
            len(self.external_images),
            len(self.warnings),
            self.removed.copy(),
            set(self.tags),
            set(self.authors),
        )

    def restore(self, snapshot):
        counts, skipped, external, warnings, removed, tags, authors = snapshot
        self.counts, self.removed, self.tags, self.authors = counts, removed, tags, authors
        del self.skipped[skipped:]
        del self.external_images[external:]
        del self.warnings[warnings:]

    def lines(self, *, dry_run=False):
        c = self.counts
        entries = self.export.entries
        posts = sum(1 for entry in entries if entry.kind == POST)
        lines = [
            f"{self.export.format_name}: {len(entries)} entries to import ({posts} posts, "
            f"{len(entries) - posts} pages), {self.export.comment_count} comments in the file"
            + (" (dry run: nothing was saved)" if dry_run else ""),
            f"  posts: {c['post created']} created, {c['post updated']} updated, "
            f"{c['post unchanged']} unchanged",
            f"    of which live {c['post live']}, drafts {c['post draft']}, "
            f"scheduled {c['post scheduled']}",
            f"  pages: {c['page created']} created, {c['page updated']} updated, "
            f"{c['page unchanged']} unchanged (drafts {c['page draft']})",
            f"  comments: {c['comment created']} imported, {c['comment existing']} already there",
            f"  tags: {len(self.tags)} used, {c['tag created']} new",
            f"  authors: {len(self.authors)} credited, {c['author created']} new",
            f"  redirects: {c['redirect created']} created, {c['redirect updated']} updated, "
            f"{c['redirect existing']} already there",
            f"  links between entries: {c['link internal']} made internal (they follow the "
            "pages, not the old addresses)",
            f"  images: {c['image imported']} imported, {c['image existing']} already in "
            f"Newsdesk, {len(self.external_images)} external (kept as links)",
        ]
        if self.removed:
            removed = ", ".join(f"{tag} x{n}" for tag, n in sorted(self.removed.items()))
            lines.append(f"  removed while cleaning HTML: {removed}")
        not_content = self.export.not_content
        lines.append(f"Skipped: {len(self.skipped) + sum(not_content.values())}")
        lines += [f"  {count} x {reason}" for reason, count in sorted(not_content.items())]
        lines += [f"  {label}: {reason}" for label, reason in self.skipped]
        if self.external_images:
            lines.append(f"External images (not found in --media): {len(self.external_images)}")
            lines += [f"  {label}: {url}" for label, url in self.external_images]
        if self.warnings:
            lines.append(f"Warnings: {len(self.warnings)}")
            lines += [f"  {label}: {message}" for label, message in self.warnings]
        return lines


class Progress:
    """A one-line ``\\r`` progress bar, drawn only when the output is a terminal."""

    WIDTH = 30

    def __init__(self, stream, total, label="Importing"):
        isatty = getattr(stream, "isatty", None)
        self.stream = stream
        self.total = total
        self.label = label
        self.enabled = bool(total and isatty and isatty())
        self.shown_at = 0.0

    def update(self, done):
        if not self.enabled:
            return
        now = time.monotonic()
        if done < self.total and now - self.shown_at < 0.1:
            return
        self.shown_at = now
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}", ending="")
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("")
