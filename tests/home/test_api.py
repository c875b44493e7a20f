"""Every page type readers can see has its fields in the API, v2 and typed in v3
(issue #15, item 3): a headless site renders its menu pages (About, Contact) and the
intros of the home page and news indexes from the API alone."""

import json

import pytest

from home.models import StandardPage
from tests.news.factories import ImageFactory, NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

SITE_BASE = "http://localhost"


@pytest.fixture
def pages(home_page):
    home_page.intro = '<p>News from <a href="https://port-alder.example">Port Alder</a>.</p>'
    home_page.save_revision().publish()
    index = NewsIndexPageFactory(parent=home_page, slug="news", intro="<p>Every story.</p>")
    post = NewsPageFactory(parent=index, title="Harbour reopens")
    about = StandardPage(
        title="About us",
        slug="about",
        intro="Who we are.",
        body=[
            {
                "type": "paragraph",
                "value": f'<p>Read <a linktype="page" id="{post.pk}">our latest</a>.</p>',
            },
            {
                "type": "image",
                "value": {"image": ImageFactory().pk, "caption": "The newsroom", "credit": ""},
            },
        ],
    )
    home_page.add_child(instance=about)
    return {"home": home_page, "index": index, "post": post, "about": about}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_a_standard_page_has_its_intro_body_and_body_html(client, pages, version):
    data = get_json(client, f"/api/{version}/pages/{pages['about'].pk}/")
    assert data["intro"] == "Who we are."
    paragraph, image = data["body"]
    assert paragraph["type"] == "paragraph"
    assert f'href="{SITE_BASE}{pages["post"].url}"' in paragraph["value"]
    assert image["type"] == "image"
    assert image["value"]["image"]["renditions"]["medium"]["url"].startswith(SITE_BASE)
    assert "The newsroom" in data["body_html"]
    assert 'src="http://localhost/media/' in data["body_html"]


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_home_and_news_index_intros(client, pages, version):
    home = get_json(client, f"/api/{version}/pages/{pages['home'].pk}/")
    assert home["intro"] == (
        '<p>News from <a href="https://port-alder.example">Port Alder</a>.</p>'
    )
    index = get_json(client, f"/api/{version}/pages/{pages['index'].pk}/")
    assert index["intro"] == "<p>Every story.</p>"


def test_v2_listings_of_standard_pages_take_their_fields(client, pages):
    data = get_json(client, "/api/v2/pages/?type=home.StandardPage&fields=intro,body_html")
    assert [item["title"] for item in data["items"]] == ["About us"]
    assert data["items"][0]["intro"] == "Who we are."
    assert "The newsroom" in data["items"][0]["body_html"]
    data = get_json(client, "/api/v2/pages/?type=home.HomePage&fields=intro")
    assert data["items"][0]["intro"].startswith("<p>News from")


def test_v3_schemas_type_every_readable_page(client):
    schemas = get_json(client, "/api/v3/openapi.json")["components"]["schemas"]
    standard = schemas["StandardPageSchema"]["properties"]
    assert {"intro", "body", "body_html"} <= set(standard)
    assert "intro" in schemas["HomePageSchema"]["properties"]
    assert "intro" in schemas["NewsIndexPageSchema"]["properties"]
    # The standard body is typed block by block, as a post's is.
    body = json.dumps(standard["body"])
    assert "ParagraphBlock" in body and "ImageBlock" in body and "EmbedBlock" in body
