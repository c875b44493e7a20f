"""The management command both importers share (``import_blogger``, ``import_wordpress``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Page

from news.importers.base import BREAKING_PREFIXES, Importer, ImportFailed
from news.importers.parsing import ExportError
from news.models import NewsIndexPage


class ImportCommand(BaseCommand):
    """Subclasses set ``help``, ``source_name`` and ``read_export(path)``."""

    source_name = ""

    def add_arguments(self, parser):
        parser.add_argument("export", help=f"the {self.source_name} export file")
        parser.add_argument(
            "--index",
            required=True,
            help="the news index the posts go under: its page id, URL path or slug",
        )
        parser.add_argument(
            "--media",
            metavar="DIR",
            help="folder with the blog's pictures; pictures not found there stay "
            "external links and are listed in the report",
        )
        parser.add_argument(
            "--publish-state",
            choices=["keep", "draft"],
            default="keep",
            help="keep: live stays live, drafts stay drafts, scheduled stays scheduled "
            "(default); draft: import everything as drafts",
        )
        parser.add_argument(
            "--breaking-prefix",
            action="append",
            metavar="TEXT",
            help="a title prefix that marks a post as breaking news: the prefix leaves the "
            "title and the post is flagged breaking (ignoring case; give it several times "
            f"for several; default {' and '.join(repr(p) for p in BREAKING_PREFIXES)}; "
            "--breaking-prefix '' turns it off)",
        )
        parser.add_argument(
            "--blog-renamed",
            action="store_true",
            help="entries imported before from an export with another blog title are this "
            "blog's (renamed since): update them instead of refusing",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read and convert everything and print the report, but save nothing",
        )

    def read_export(self, path):
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            index = resolve_index(options["index"])
        except ValueError as error:
            raise CommandError(f"--index: {error}") from error
        media = options["media"]
        if media and not Path(media).is_dir():
            raise CommandError(f"--media: {media} is not a folder")
        try:
            export = self.read_export(options["export"])
        except ExportError as error:
            raise CommandError(str(error)) from error

        importer = Importer(
            export,
            index=index,
            media_dir=media,
            publish_state=options["publish_state"],
            dry_run=options["dry_run"],
            stdout=self.stdout,
            blog_renamed=options["blog_renamed"],
            breaking_prefixes=(
                BREAKING_PREFIXES
                if options["breaking_prefix"] is None
                else options["breaking_prefix"]
            ),
        )
        try:
            report = importer.run()
        except ImportFailed as error:
            self.write_report(importer.report, options["dry_run"])
            raise CommandError(f"import stopped at {error}") from error
        self.write_report(report, options["dry_run"])

    def write_report(self, report, dry_run):
        for line in report.lines(dry_run=dry_run):
            self.stdout.write(line)


def resolve_index(value):
    """The NewsIndexPage named by ``--index``: its id, URL path or slug. Raises ValueError
    with a message listing the news indexes there are."""
    value = (value or "").strip()
    page = None
    if value.isdigit():
        page = Page.objects.filter(pk=int(value)).first()
        if page is None:
            raise ValueError(f"there is no page with id {value}. {index_choices()}")
    else:
        wanted = "/" + value.strip("/") + "/" if value.strip("/") else "/"
        indexes = list(NewsIndexPage.objects.all())
        matches = [
            index
            for index in indexes
            if index.url == wanted or index.url_path.endswith(wanted) or index.slug == value
        ]
        if len(matches) > 1:
            raise ValueError(
                f"{value!r} matches more than one news index; give its id. {index_choices()}"
            )
        if matches:
            page = matches[0]
        else:
            page = Page.objects.filter(slug=value).first()
            if page is None:
                raise ValueError(
                    f"no news index has the path or slug {value!r}. {index_choices()}"
                )
    specific = page.specific
    if not isinstance(specific, NewsIndexPage):
        raise ValueError(
            f"page {page.pk} ({page.title!r}) is a {specific._meta.verbose_name}, not a news "
            f"index. {index_choices()}"
        )
    return specific


def index_choices():
    indexes = [
        f"{index.title!r} (id {index.pk}, {index.url})" for index in NewsIndexPage.objects.all()
    ]
    if not indexes:
        return "There is no news index yet: create one in the admin first."
    return "News indexes: " + ", ".join(indexes) + "."
