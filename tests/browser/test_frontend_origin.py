"""A frontend on another origin renders an article from the API (issue #15, item 11).

A tiny static page, served from its own port (another origin), fetches a post with every
block type from API v2 by its slug, with ``body_html``, and inserts that HTML as it is,
as a Next.js page or a plain script would. In Chromium, every image must load and every
link must be absolute: a site-relative URL would point at the frontend's origin, where
nothing is.
"""

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.news.factories import (
    DisclaimerFactory,
    ImageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    every_block_body,
)

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread, so the test data must be committed;
    # serialized_rollback restores the migration data (the home page, its Site) that
    # flushing the database after a transactional test would otherwise lose.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FRONTEND_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Frontend</title></head>
<body>
<main id="article"></main>
<script>
const API = %(api)s;
fetch(API + "/api/v2/pages/?type=news.NewsPage&slug=" + %(slug)s + "&fields=title,body_html")
  .then((response) => response.json())
  .then((data) => {
    const post = data.items[0];
    const main = document.getElementById("article");
    main.innerHTML = "<h1></h1>" + post.body_html;
    main.querySelector("h1").textContent = post.title;
    main.dataset.ready = "true";
  })
  .catch((error) => { document.body.dataset.error = String(error); });
</script>
</body></html>
"""


@pytest.fixture
def frontend(tmp_path):
    """A static file server on its own port: the frontend's origin."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def article(home_page):
    index = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
    related = NewsPageFactory(parent=index, title="Sea wall repairs begin", slug="sea-wall")
    document = get_document_model().objects.create(
        title="Inspection report", file=ContentFile(b"%PDF-1.4 report", name="report.pdf")
    )
    body = every_block_body(
        image=ImageFactory(file__width=1200, file__height=800),
        related_page=related,
        disclaimer=DisclaimerFactory(),
    )
    body.insert(
        1,
        {
            "type": "paragraph",
            "value": (
                f'<p>See <a linktype="page" id="{related.pk}">the earlier story</a> and '
                f'<a linktype="document" id="{document.pk}">the report</a>.</p>'
            ),
        },
    )
    return NewsPageFactory(
        parent=index, title="Storm closes the harbour", slug="storm-closes-harbour", body=body
    )


def test_a_frontend_on_another_origin_shows_every_image_and_absolute_links(
    browser, live_server, frontend, article, settings, screenshot_dir
):
    folder, origin = frontend
    assert not live_server.url.startswith(origin)
    call_command("set_site_url", live_server.url, stdout=None)
    settings.CORS_ALLOWED_ORIGINS = [origin]
    (folder / "index.html").write_text(
        FRONTEND_PAGE % {"api": json.dumps(live_server.url), "slug": json.dumps(article.slug)}
    )

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda request: failed.append(f"{request.failure} {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failed.append(f"{response.status} {response.url}")
        ),
    )
    try:
        page.goto(f"{origin}/index.html")
        expect(page.locator("main[data-ready=true]")).to_be_attached()
        expect(page.get_by_role("heading", level=1)).to_have_text(article.title)

        images = page.locator("main img")
        assert images.count() >= 1
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()  # the body's images load lazily
            page.wait_for_function("img => img.complete", arg=image.element_handle())
            width = image.evaluate("img => img.naturalWidth")
            src = image.evaluate("img => img.currentSrc")
            assert width > 0, f"image did not load: {src}"
            assert src.startswith(live_server.url), src

        links = page.locator("main a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert links, "the body has links"
        assert all(link.startswith(("http://", "https://")) for link in links), links
        own = [link for link in links if link.startswith(live_server.url)]
        assert f"{live_server.url}{article.get_parent().url}sea-wall/" in own
        assert any("/documents/" in link for link in own)
        # The links lead somewhere on the CMS: the related article and the document.
        for link in own:
            response = page.request.get(link)
            assert response.status == 200, link
        assert failed == [], failed
        page.screenshot(path=str(screenshot_dir / "frontend-origin.png"), full_page=True)
    finally:
        context.close()
