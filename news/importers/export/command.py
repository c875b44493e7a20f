"""The management command both exports share (``export_wordpress``, ``export_blogger``)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from news.importers.export.content import SiteContent

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class RawOutput:
    """A command's stdout written to as a file: no line ending added to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")


class ExportCommand(BaseCommand):
    """Subclasses set ``help``, ``format_name``, ``flavour``, ``writer_class`` and
    ``all_comments`` (whether the format can mark a comment as not approved)."""

    format_name = ""
    flavour = ""
    writer_class = None
    all_comments = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="the file to write (default: standard output); written in full or not at all",
        )
        parser.add_argument(
            "--site",
            metavar="ID|HOSTNAME",
            help="the site to export: its id or host name (default: the default site)",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="also drafts, scheduled, unpublished and expired posts and pages, marked "
            "as drafts (scheduled ones as scheduled) in the file",
        )
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="also live pages behind a password, login or group restriction "
            + ("(as private)" if self.all_comments else "(as drafts)"),
        )
        if self.all_comments:
            parser.add_argument(
                "--all-comments",
                action="store_true",
                help="also pending, rejected and spam comments, with their status "
                "(default: approved comments only)",
            )

    def handle(self, *args, **options):
        site = resolve_site(options["site"])
        statuses = ("approved",)
        if options.get("all_comments"):
            statuses = ("approved", "pending", "rejected", "spam")
        content = SiteContent(
            site,
            flavour=self.flavour,
            include_drafts=options["include_drafts"],
            include_private=options["include_private"],
            comment_statuses=statuses,
        )
        output = options["output"]
        report = self.stderr if not output or output == "-" else self.stdout
        if (site.hostname or "").lower() in LOCAL_HOSTS:
            report.write(
                f"Warning: the site's address is {content.base_url}; links and image "
                "addresses in the file use it. Set the public one first with "
                "'manage.py set_site_url https://...'."
            )
        writer = self.writer_class(content)
        if not output or output == "-":
            writer.write(RawOutput(self.stdout))
        else:
            write_file(Path(output), writer)
        self.write_summary(report, content, output)

    def write_summary(self, report, content, output):
        counts = content.counts
        posts = sum(n for key, n in counts.items() if key.startswith("post "))
        pages = sum(n for key, n in counts.items() if key.startswith("page "))
        states = ", ".join(
            f"{key.split(' ', 1)[1]} {n}" for key, n in sorted(counts.items()) if " " in key
        )
        where = output if output and output != "-" else "standard output"
        report.write(
            f"{self.format_name} written to {where}: {posts} posts, {pages} pages"
            + (f" ({states})" if states else "")
            + f", {counts['comment']} comments, {len(content.images)} images"
        )
        for block_type, number in sorted(content.body.skipped.items()):
            report.write(
                f"  left out: {number} x {block_type} block (empty, or its image or page is gone)"
            )


def write_file(path, writer):
    """Write to a temporary file beside ``path`` and move it into place when complete."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise CommandError(f"--output: {folder} is not a folder")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise CommandError(f"--output: cannot write to {folder}: {error.strerror}") from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            writer.write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"--output: cannot write {path}: {error.strerror}") from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def resolve_site(value):
    """The Site named by ``--site`` (id or host name), else the default site."""
    sites = Site.objects.select_related("root_page")
    if not value:
        site = sites.filter(is_default_site=True).first() or sites.first()
        if site is None:
            raise CommandError("there is no site to export: create one in the admin first")
        return site
    value = value.strip()
    site = (
        sites.filter(pk=int(value)).first()
        if value.isdigit()
        else sites.filter(hostname__iexact=value).first()
    )
    if site is None:
        choices = ", ".join(f"{s.hostname} (id {s.pk})" for s in sites) or "none"
        raise CommandError(f"--site: there is no site {value!r}. Sites: {choices}.")
    return site
