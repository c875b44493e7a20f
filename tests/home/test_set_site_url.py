"""The set_site_url management command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_sets_host_port_and_name(home_page, news_index):
    out = StringIO()
    call_command("set_site_url", "https://news.example.com", "--name", "Harbour News", stdout=out)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.site_name) == ("news.example.com", 443, "Harbour News")
    assert "https://news.example.com" in out.getvalue()
    assert news_index.get_full_url() == "https://news.example.com/news/"


def test_keeps_an_explicit_port(home_page):
    call_command("set_site_url", "http://127.0.0.1:8000", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)


@pytest.mark.parametrize(
    "url", ["news.example.com", "ftp://news.example.com", "https://x.example/news/", "https://"]
)
def test_refuses_bad_urls(home_page, url):
    with pytest.raises(CommandError):
        call_command("set_site_url", url, stdout=StringIO())
    assert Site.objects.get(is_default_site=True).hostname == "localhost"


def test_refuses_a_bad_port(home_page):
    with pytest.raises(CommandError, match="not a valid port"):
        call_command("set_site_url", "https://news.example.com:99999", stdout=StringIO())


def test_refuses_an_address_another_site_uses(home_page):
    other_root = home_page.add_child(instance=type(home_page)(title="Other", slug="other"))
    Site.objects.create(hostname="news.example.com", port=443, root_page=other_root)
    with pytest.raises(CommandError, match="cannot use"):
        call_command("set_site_url", "https://news.example.com", stdout=StringIO())
    assert Site.objects.get(is_default_site=True).hostname == "localhost"
