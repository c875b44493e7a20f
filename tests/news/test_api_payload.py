"""API payloads: compact JSON, gzip for clients that accept it, compressed once when cached
(issue #15, item 8)."""

import gzip
import json

import pytest

from news.freshness import middleware as response_cache
from tests.news.api_helpers import full_posts

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=news.NewsPage&fields=*&limit=10"


@pytest.fixture
def posts(news_index):
    return full_posts(news_index, 10)


def test_v2_json_is_compact(client, posts):
    for url in (LISTING, f"/api/v2/pages/{posts[0].pk}/", "/api/v2/images/", "/api/v2/documents/"):
        body = client.get(url).content
        data = json.loads(body)
        # Exactly what a compact encoder writes: no indentation, no spaces after separators.
        compact = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        assert body == compact, url


def test_v3_json_is_compact(client, posts):
    for url in (
        LISTING.replace("/v2/", "/v3/"),
        f"/api/v3/pages/{posts[0].pk}/",
        "/api/v3/site/",
        "/api/v3/pages/?bogus=1",  # errors too
    ):
        body = client.get(url).content
        compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
        assert body == compact, url


def test_gzip_for_clients_that_accept_it_compressed_once_while_cached(client, posts, monkeypatch):
    calls = []
    real_compress = gzip.compress

    def counting_compress(data, *args, **kwargs):
        calls.append(len(data))
        return real_compress(data, *args, **kwargs)

    monkeypatch.setattr(response_cache.gzip, "compress", counting_compress)
    plain = client.get(LISTING)
    assert plain["X-Cache"] == "MISS"
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    assert len(calls) == 1  # made once, when stored

    miss_size = len(plain.content)
    encoded = client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert encoded["X-Cache"] == "HIT"
    assert encoded["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in encoded["Vary"]
    assert int(encoded["Content-Length"]) == len(encoded.content) < miss_size / 3
    assert gzip.decompress(encoded.content) == plain.content
    again = client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == encoded.content
    assert len(calls) == 1, "a cached response is not compressed again"

    # The compressed copy has a weak ETag of its own; revalidating with it gets 304.
    assert encoded["ETag"] == "W/" + plain["ETag"]
    not_modified = client.get(
        LISTING, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=encoded["ETag"]
    )
    assert not_modified.status_code == 304


def test_a_miss_is_served_compressed_to_a_client_that_accepts_it(client, posts):
    first = client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip")
    assert (first["X-Cache"], first["Content-Encoding"]) == ("MISS", "gzip")
    data = json.loads(gzip.decompress(first.content))
    assert len(data["items"]) == 10


def test_responses_the_cache_does_not_store_are_gzipped_too(admin_client, client, posts, settings):
    # An editor's session bypasses the shared cache; gzip still applies.
    bypass = admin_client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip")
    assert bypass["X-Cache"] == "BYPASS"
    assert bypass["Content-Encoding"] == "gzip"
    json.loads(gzip.decompress(bypass.content))
    settings.NEWSDESK_RESPONSE_CACHE = False
    uncached = client.get(LISTING, HTTP_ACCEPT_ENCODING="gzip")
    assert uncached["Content-Encoding"] == "gzip"
    json.loads(gzip.decompress(uncached.content))


def test_reader_pages_and_small_bodies_are_left_as_they_are(client, posts):
    page = client.get(posts[0].url, HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and not page.has_header("Content-Encoding")
    missing = client.get("/api/v2/pages/999999/", HTTP_ACCEPT_ENCODING="gzip")
    assert missing.status_code == 404
    assert json.loads(missing.content)["message"]
