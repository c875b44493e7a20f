"""Point the default Wagtail Site at the public address of the site.

Canonical links, feed and sitemap URLs and the API's page URLs are built from the Site's
host name and port. The migrations create it as ``localhost:80``; a deployment sets the
real address once:

    python manage.py set_site_url https://news.example.com [--name "Harbour News"]
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site


class Command(BaseCommand):
    help = "Set the default site's public URL (host and port), e.g. https://news.example.com"

    def add_arguments(self, parser):
        parser.add_argument(
            "url", help="The site's public base URL, e.g. https://news.example.com"
        )
        parser.add_argument("--name", help="Also set the site name shown to readers")

    def handle(self, *args, url, name=None, **options):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CommandError(f"expected a URL like https://news.example.com, not {url!r}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise CommandError(f"give only the scheme and host (no path or query): {url!r}")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("there is no default site: run 'manage.py migrate' first")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise CommandError(f"the port in {url!r} is not a valid port number") from None
        site.hostname = parts.hostname
        site.port = port
        if name:
            site.site_name = name
        try:
            site.full_clean()
        except ValidationError as error:
            problems = "; ".join(
                message for messages in error.message_dict.values() for message in messages
            )
            raise CommandError(f"cannot use {url!r}: {problems}") from None
        site.save()
        Site.clear_site_root_paths_cache()
        self.stdout.write(f"Default site is now {site.root_url} ({site.site_name or 'no name'})")
