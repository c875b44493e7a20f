"""Contract tests: the JSON shapes frontends depend on, pinned in tests/news/contracts/.

Each file holds the shape of a response (keys and value types; lists by their first
item). A change to the API that changes a shape fails here; if the change is intended,
regenerate with ``UPDATE_CONTRACTS=1 pytest tests/news/test_api_contract.py``, review the
diff of the JSON files, and mention it in the changelog for frontend developers.
"""

import pytest
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from news.models import NewsSettings
from tests.news.api_helpers import check, shape
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    ImageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = pytest.mark.django_db

EMBED_URL = "https://video.example/v/contract"


@pytest.fixture
def post(news_index, home_page):
    """A post with every field and block filled in, so every shape is complete."""
    Embed.objects.create(
        url=EMBED_URL,
        hash=get_embed_hash(EMBED_URL),
        html="<iframe></iframe>",
        type="video",
        provider_name="VideoSite",
        thumbnail_url="https://video.example/thumb.jpg",
        width=640,
        height=360,
    )
    settings_row = NewsSettings.for_site(home_page.get_site())
    settings_row.default_disclaimer = DisclaimerFactory()
    settings_row.save()
    related = NewsPageFactory(parent=news_index, title="Related", lead_image=ImageFactory())
    return NewsPageFactory(
        parent=news_index,
        title="Contract post",
        lead_image=ImageFactory(),
        site_disclaimer="both",  # its own disclaimer blocks and the site-wide one
        source_name="AFP",
        source_url="https://wire.example/afp",
        body=every_block_body(
            image=ImageFactory(),
            related_page=related,
            disclaimer=DisclaimerFactory(),
            embed_url=EMBED_URL,
        ),
        authors=[AuthorFactory(photo=ImageFactory())],
        tags=["Climate"],
    )


def test_v2_listing_contract(client, post):
    data = client.get("/api/v2/pages/?type=news.NewsPage&fields=*&limit=1").json()
    check("v2_news_listing", data)


def test_v2_detail_contract(client, post):
    check("v2_news_detail", client.get(f"/api/v2/pages/{post.pk}/").json())


def test_v3_detail_contract(client, post):
    check("v3_news_detail", client.get(f"/api/v3/pages/{post.pk}/").json())


@pytest.mark.parametrize(
    "block_type",
    ["paragraph", "quote", "image", "related_articles", "disclaimer", "embed", "code", "table"],
)
def test_block_contracts(client, post, block_type):
    body = client.get(f"/api/v2/pages/{post.pk}/").json()["body"]
    block = next(block for block in body if block["type"] == block_type)
    check(f"block_{block_type}", block)
    # v3 carries the identical block shape.
    v3_body = client.get(f"/api/v3/pages/{post.pk}/").json()["body"]
    v3_block = next(block for block in v3_body if block["type"] == block_type)
    assert shape(v3_block) == shape(block)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_author_contract(client, post, version):
    """The site chrome's author detail (its listing's items have the same shape, without
    ``posts``), with the author page's ``path`` and ``html_url``."""
    author = post.authors[0]
    detail = client.get(f"/api/{version}/authors/{author.pk}/").json()
    check(f"{version}_author_detail", detail)
    [item] = client.get(f"/api/{version}/authors/").json()["items"]
    assert shape(item) == {key: value for key, value in shape(detail).items() if key != "posts"}


def test_error_contract(client, post):
    check("v2_error", client.get("/api/v2/pages/?type=news.NewsPage&limit=-1").json())
    check("v3_error", client.get("/api/v3/pages/999999/").json())


NEWSDESK_V3_OPERATIONS = {
    ("get", "/api/v3/pages/{page_id}/workflow/"): "news_api_workflow_workflow_state",
    ("post", "/api/v3/pages/{page_id}/workflow/submit/"): "news_api_workflow_submit",
    ("post", "/api/v3/pages/{page_id}/workflow/approve/"): "news_api_workflow_approve",
    ("post", "/api/v3/pages/{page_id}/workflow/reject/"): "news_api_workflow_reject",
    ("post", "/api/v3/pages/{page_id}/workflow/cancel/"): "news_api_workflow_cancel",
    ("get", "/api/v3/pages/{page_id}/comments/"): "news_comments_api_v3_list_comments",
    ("post", "/api/v3/pages/{page_id}/comments/"): "news_comments_api_v3_create_comment",
    ("get", "/api/v3/comments/form-token/"): "news_comments_api_v3_form_token",
}


def test_v3_operation_ids_stay_the_same(client):
    """Clients generated from the OpenAPI document name their methods after these."""
    document = client.get("/api/v3/openapi.json").json()
    operations = {
        (method, path): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and operation.get("operationId", "").startswith("news_")
    }
    assert operations == NEWSDESK_V3_OPERATIONS
