"""The editorial flow in a real browser: an editor writes, a moderator approves, readers
read and comment, the moderator approves the comment.

Debian's Chromium, driven by Playwright (sync API), against pytest-django's live server,
each person in a browser context of their own, doing what they would do:

1. an editor (Editors group) starts from the dashboard's **New post**, writes a news post
   with one block of every body block type: a quote with its source, an image uploaded
   from the image chooser, related articles picked through the page chooser's search and
   an external story with a teaser, a saved disclaimer, a video with a heading; Wagtail's
   autosave saves the draft as they type (no "Save draft" click); then submits it;
2. a moderator (Moderators group) approves it from the dashboard's "Awaiting your
   review", with the row's **Approve and publish**; the message says it was published;
3. an anonymous reader sees every block on the live page and sends a comment;
4. the moderator finds it in Comments (which opens on Pending) and approves it in one
   click; the reader reloads and sees it;
5. the database agrees: live, approved through the workflow, every block type, the comment
   approved by the moderator.

The test does not depend on the workflow's name, only on Wagtail's "Submit ..." action.
Screenshots of each step go to test-output/browser/ (and, when the test fails, each
browser's last page as failed-<who>.png/.html).
"""

import json
import re

import pytest
from django.contrib.auth.models import Group
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from wagtail.models import TaskState, WorkflowState

from news.comments.models import Comment
from news.models import NewsPage
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.news.factories import (
    AuthorFactory,
    DisclaimerFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = [
    pytest.mark.browser,
    # The live server answers from another thread, so the test data must be committed;
    # serialized_rollback restores Wagtail's migration data (groups, workflows, the home
    # page) that flushing the database after a transactional test would otherwise lose.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-browser-test-password"

TITLE = "Storm surge closes Port Alder harbour as the sea wall is inspected before the weekend"
SUMMARY = "The harbour is shut until the sea wall has been inspected."
PARAGRAPH = "Waves topped the old sea wall before dawn on Tuesday."
QUOTE_TEXT = "We closed the harbour at first light."
QUOTE_ATTRIBUTION = "Harbour master Ines Kalda"
QUOTE_SOURCE = "AFP"
QUOTE_URL = "https://wire.example/afp/storm-123"
IMAGE_TITLE = "Waves over the pier"
CAPTION = "Waves over the old pier"
CREDIT = "Jo Lens/Reuters"
RELATED_HEADING = "More on the storm"
RELATED_TITLE = "Sea wall repairs begin"
EXTERNAL_URL = "https://elsewhere.example/storm-story"
EXTERNAL_TITLE = "The storm elsewhere"
EXTERNAL_SUMMARY = "How the neighbouring ports fared overnight."
DISCLAIMER_TEXT = "Views in quotes are those of the speakers."
EMBED_HEADING = "Related video"
EMBED_URL = "https://video.example/watch/storm-42"
EMBED_TITLE = "Watch the storm surge"
COMMENT_NAME = "Ada Reader"
COMMENT_TEXT = "Thank you for the early warning, the ferry office had no news."
CODE_LANGUAGE = "python"
CODE = "def tide(hour):\n    if hour < 6:\n        return 'low'"
TABLE_CAPTION = "Sailings this week"
TABLE = [["Ferry", "Mon", "Tue"], ["Alder", "", "9:00"], ["Birch", "10:15", ""]]  # 3 x 3
BLOCK_TYPES = [
    "paragraph",
    "quote",
    "image",
    "related_articles",
    "disclaimer",
    "embed",
    "code",
    "table",
]

# True once Wagtail's autosave has nothing left to do: no unsaved edits and no save in
# flight, for long enough (quiet_ms) that Wagtail's own change check (every 500 ms, then a
# short debounce) would have noticed a late edit. True at once when autosave is off.
AUTOSAVE_SETTLED_JS = """
(quietMs) => {
    const form = document.querySelector("form[data-controller~='w-autosave']");
    if (!form) return true;
    const indicator = document.getElementById("w-autosave-indicator");
    const busy =
        form.getAttribute("data-w-unsaved-has-edits-value") === "true" ||
        (indicator && indicator.getAttribute("data-w-autosave-state-value") === "saving");
    const now = performance.now();
    if (busy) {
        window.__newsdeskQuietSince = undefined;
        return false;
    }
    if (window.__newsdeskQuietSince === undefined) window.__newsdeskQuietSince = now;
    return now - window.__newsdeskQuietSince >= quietMs;
}
"""


@pytest.fixture
def newsroom(home_page, django_user_model, tmp_path, settings):
    """The site tree, snippets, earlier posts, a photo on the editor's disk, two users."""
    # The comment form refuses forms sent within seconds of loading (a bot check with
    # tests of its own); Playwright fills it faster than a person.
    settings.NEWSDESK_COMMENTS_MIN_FILL_SECONDS = 0
    index = NewsIndexPageFactory(parent=home_page, title="News", slug="news")
    author = AuthorFactory(name="Maren Holt")
    disclaimer = DisclaimerFactory(title="Opinion notice", text=f"<p>{DISCLAIMER_TEXT}</p>")
    related = NewsPageFactory(
        parent=index, title=RELATED_TITLE, slug="sea-wall-repairs", authors=[author]
    )
    # Newer posts than the one to link, so it is not simply the first one listed.
    for number in range(12):
        NewsPageFactory(parent=index, title=f"Council meeting, part {number}", authors=[author])
    photo = tmp_path / "waves-over-the-pier.jpg"
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(photo, "JPEG")
    editor = django_user_model.objects.create_user(
        "edna", email="edna@newsdesk.example", password=PASSWORD, first_name="Edna"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    moderator = django_user_model.objects.create_user(
        "moritz", email="moritz@newsdesk.example", password=PASSWORD, first_name="Moritz"
    )
    moderator.groups.add(Group.objects.get(name="Moderators"))
    return {
        "index": index,
        "author": author,
        "disclaimer": disclaimer,
        "related": related,
        "photo": photo,
        "editor": editor,
        "moderator": moderator,
    }


class BrowserSession:
    """One browser context (one person) and its page, recording broken static files and
    JavaScript errors."""

    def __init__(self, browser, base_url, screenshot_dir, name):
        self.name = name
        self.screenshot_dir = screenshot_dir
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 1000}
        )
        self.context.set_default_timeout(BROWSER_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.broken_assets = []
        self.script_errors = []
        self.page.on("response", self._record_broken_asset)
        self.page.on("requestfailed", self._record_failed_request)
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def _record_broken_asset(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.broken_assets.append(f"{response.status} {response.url}")

    def _record_failed_request(self, request):
        if "/static/" in request.url:
            self.broken_assets.append(f"{request.failure} {request.url}")

    def assert_assets_ok(self):
        """The admin's CSS and JavaScript were served and ran without errors (the page
        editor cannot work without them)."""
        assert self.broken_assets == [], f"{self.name}: static files not served"
        assert self.script_errors == [], f"{self.name}: JavaScript errors"

    def log_in(self, username):
        page = self.page
        page.goto("/admin/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
        page.wait_for_url(re.compile(r"/admin/$"))

    def screenshot(self, name, whole_admin_form=False):
        """Save a screenshot under test-output/browser/.

        The admin scrolls inside its own layout, so a full-page screenshot shows only the
        window; ``whole_admin_form`` makes the window as tall as the content first.
        """
        path = str(self.screenshot_dir / name)
        if not whole_admin_form:
            self.page.screenshot(path=path, full_page=True)
            return
        size = self.page.viewport_size
        height = self.page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('body *'), e => e.scrollHeight))"
        )
        self.page.set_viewport_size({"width": size["width"], "height": min(height, 12_000)})
        try:
            self.page.screenshot(path=path, full_page=True)
        finally:
            self.page.set_viewport_size(size)

    def save_for_debugging(self):
        try:
            self.screenshot(f"failed-{self.name}.png")
            (self.screenshot_dir / f"failed-{self.name}.html").write_text(self.page.content())
        except PlaywrightError:
            pass


@pytest.fixture
def sessions(request, browser, live_server, screenshot_dir):
    """Opens a browser session per person; on failure each one's last page is saved."""
    opened = []

    def open_session(name):
        session = BrowserSession(browser, live_server.url, screenshot_dir, name)
        opened.append(session)
        return session

    yield open_session
    report = getattr(request.node, "report_call", None)
    for session in opened:
        if report is not None and report.failed:
            session.save_for_debugging()
        session.context.close()


def open_modal(page):
    """The chooser modal that is open now."""
    dialog = page.locator(".modal.in .modal-content")
    dialog.wait_for()
    return dialog


def open_chooser(page, button):
    """Click a chooser's ``button`` and return its modal once open.

    The click is made once the last edit is saved (an autosave finishing while a chooser
    loads can close it, as it closes an open block picker), and made again, as a person
    would, if no modal has opened a few seconds later (the button's script was being
    re-bound, or the modal's request was lost on a busy machine).
    """
    dialog = page.locator(".modal.in .modal-content")
    for attempt in range(3):
        wait_for_autosave(page)
        button.click()
        try:
            dialog.wait_for(timeout=BROWSER_TIMEOUT_MS / 3)
            return dialog
        except PlaywrightError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")  # a half-open modal, if any
            expect_modal_closed(page)
    return dialog


def expect_modal_closed(page):
    expect(page.locator(".modal.in")).to_have_count(0)


def body_block(page, index):
    """The top-level body block whose form prefix is ``body-<index>``."""
    return page.locator(
        "#panel-child-content-body-content [data-streamfield-child]"
        f":has(> input[name='body-{index}-type'])"
    )


def add_block(page, container, label):
    """Append a block to the last stream in ``container``: its "+" then the block picker.

    An autosave finishing closes an open block picker (Wagtail 8), so this waits for the
    last edit to be saved first, as a person would see "Saved" before going on.
    """
    wait_for_autosave(page)
    container.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=label, exact=True).click()


def search_and_choose_page(page, query, title):
    """Search the page chooser modal for ``query`` and pick ``title`` from the results
    (each shows its publication date and status)."""
    dialog = open_modal(page)
    dialog.get_by_role("textbox", name=re.compile(r"search", re.I)).fill(query)
    choice = dialog.locator("a.choose-page", has_text=title)
    expect(choice).to_be_visible()
    # ``has`` is matched inside each row, so it is a locator of its own, not ``choice``.
    row = dialog.get_by_role("row").filter(has=page.locator("a.choose-page", has_text=title))
    expect(row).to_contain_text(re.compile(r"\blive\b", re.I))
    choice.click()
    expect_modal_closed(page)


def upload_image_in_chooser(page, photo, title):
    """Upload ``photo`` from the image chooser modal's Upload tab, which chooses it."""
    dialog = open_modal(page)
    dialog.get_by_role("tab", name="Upload").click()
    dialog.locator("input[type=file]").set_input_files(str(photo))
    # Wagtail fills the title from the file name (a moment later, from a script); the
    # editor waits for it, as a person would see it, and gives the image a real one.
    # Typing before it has would have the two titles run together.
    title_box = dialog.get_by_role("textbox", name=re.compile(r"^\s*title", re.I))
    expect(title_box).to_have_value(re.compile(re.escape(photo.stem)))
    title_box.fill(title)
    expect(title_box).to_have_value(title)
    dialog.get_by_role("button", name="Upload").click()
    expect_modal_closed(page)


def wait_for_autosave(page):
    """Let Wagtail's autosave finish before the form is submitted.

    Submitting while an autosave is in flight races it (the first autosave of a new page
    turns the create form into an edit form), so the editor waits for "Saved", as a
    person would.
    """
    page.evaluate("delete window.__newsdeskQuietSince")
    try:
        page.wait_for_function(AUTOSAVE_SETTLED_JS, arg=1500, timeout=BROWSER_TIMEOUT_MS)
    except PlaywrightError:
        state = page.locator("#w-autosave-indicator").get_attribute("data-w-autosave-state-value")
        pytest.fail(f"Wagtail's autosave did not settle (indicator state: {state!r})")


def write_post(page, data):
    """Fill in the news page editor: headline, summary, author and one block of each type."""
    page.get_by_placeholder("Headline*").fill(TITLE)
    page.locator("#id_summary").fill(SUMMARY)

    # Authors: a MultipleChooserPanel of Author snippets ("Add authors" opens the snippet
    # chooser; a draft may have none, submitting needs one).
    authors = page.locator("#panel-child-content-authors-content")
    authors.get_by_role("button", name=re.compile(r"add authors", re.I)).click()
    dialog = open_modal(page)
    dialog.get_by_role("row").filter(has_text=data["author"].name).get_by_role("checkbox").check()
    dialog.get_by_role("button", name="Confirm selection").click()
    expect_modal_closed(page)
    expect(authors).to_contain_text(data["author"].name)

    body = page.locator("#panel-child-content-body-content")

    # paragraph: rich text, typed into Draftail.
    add_block(page, body, "Paragraph")
    draftail = body_block(page, 0).locator("[contenteditable='true']")
    draftail.click()
    draftail.press_sequentially(PARAGRAPH)
    expect(draftail).to_contain_text(PARAGRAPH)

    # quote, with who said it and its source.
    add_block(page, body, "Quote")
    # quote: rich text too, with a word in bold (Ctrl+B, as editors do).
    quoted = body_block(page, 1).locator("[contenteditable='true']")
    quoted.click()
    first_word, rest = QUOTE_TEXT.split(" ", 1)
    page.keyboard.press("Control+b")
    quoted.press_sequentially(first_word)
    page.keyboard.press("Control+b")
    quoted.press_sequentially(" " + rest)
    expect(quoted).to_contain_text(QUOTE_TEXT)
    page.locator("#body-1-value-attribution").fill(QUOTE_ATTRIBUTION)
    page.locator("#body-1-value-source_name").fill(QUOTE_SOURCE)
    page.locator("#body-1-value-source_url").fill(QUOTE_URL)

    # image: a photo uploaded from the image chooser, with caption and credit.
    add_block(page, body, "Image")
    open_chooser(
        page, body_block(page, 2).get_by_role("button", name=re.compile(r"choose an image", re.I))
    )
    upload_image_in_chooser(page, data["photo"], IMAGE_TITLE)
    expect(body_block(page, 2)).to_contain_text(IMAGE_TITLE)
    page.locator("#body-2-value-caption").fill(CAPTION)
    page.locator("#body-2-value-credit").fill(CREDIT)

    # related_articles: an article found with the page chooser's search, and a story on
    # another site with its teaser.
    add_block(page, body, "Related articles")
    related = body_block(page, 3)
    page.locator("#body-3-value-heading").fill(RELATED_HEADING)
    # Nothing is wrong yet: the block asks for a link on save, not on insert.
    expect(related).not_to_contain_text(re.compile(r"minimum number", re.I))
    expect(related.get_by_role("button", name="Add an article or a link")).to_be_visible()
    add_block(page, related, "Newsdesk article")
    open_chooser(page, related.get_by_role("button", name=re.compile(r"choose a page", re.I)))
    search_and_choose_page(page, "sea wall", RELATED_TITLE)
    expect(page.locator("#body-3-value-items-0-value")).to_have_value(str(data["related"].pk))
    add_block(page, related, "Link to another site")
    page.locator("#body-3-value-items-1-value-url").fill(EXTERNAL_URL)
    page.locator("#body-3-value-items-1-value-title").fill(EXTERNAL_TITLE)
    page.locator("#body-3-value-items-1-value-summary").fill(EXTERNAL_SUMMARY)

    # disclaimer: the saved Disclaimer snippet, from the snippet chooser.
    add_block(page, body, "Disclaimer")
    chooser = body_block(page, 4).get_by_role(
        "button", name=re.compile(r"choose disclaimer", re.I)
    )
    open_chooser(page, chooser).get_by_role(
        "link", name=data["disclaimer"].title, exact=True
    ).click()
    expect_modal_closed(page)
    expect(page.locator("#body-4-value-disclaimer")).to_have_value(str(data["disclaimer"].pk))

    # embed, under a heading: tests never fetch oEmbed, so readers get a link.
    add_block(page, body, "Embedded video")
    page.locator("#body-5-value-heading").fill(EMBED_HEADING)
    page.locator("#body-5-value-url").fill(EMBED_URL)
    page.locator("#body-5-value-title").fill(EMBED_TITLE)
    page.locator("#body-5-value-title").blur()

    # code: pasted with its indentation.
    add_block(page, body, "Code")
    page.locator("#body-6-value-language").fill(CODE_LANGUAGE)
    page.locator("#body-6-value-code").fill(CODE)

    # table: typed into Wagtail's table editor, one cell left empty, first row a header.
    add_block(page, body, "Table")
    table = body_block(page, 7)
    table.get_by_label("Table headers").select_option("row")
    table.get_by_label("Table caption").fill(TABLE_CAPTION)
    cells = table.locator(".htCore tbody tr")
    for row_number, row in enumerate(TABLE):
        for column_number, text in enumerate(row):
            if not text:
                continue
            cells.nth(row_number).locator("td").nth(column_number).click()
            page.keyboard.type(text)
            page.keyboard.press("Enter")
    table.get_by_label("Table caption").click()  # leaves the last cell


def test_editor_writes_moderator_approves_reader_comments(sessions, newsroom):
    # 1. The editor starts from the dashboard, writes the post (autosave keeps it) and
    # submits it for moderation.
    editor = sessions("editor")
    editor.log_in(newsroom["editor"].username)
    page = editor.page
    editor.screenshot("01-editor-dashboard.png")
    page.locator(".newsdesk-new-post").get_by_role("link", name="New post").click()
    page.wait_for_url(re.compile(rf"/admin/pages/add/news/newspage/{newsroom['index'].pk}/$"))
    page.wait_for_load_state("networkidle")
    editor.assert_assets_ok()
    write_post(page, newsroom)
    wait_for_autosave(page)
    # Autosave saved the draft: nobody pressed "Save draft".
    expect(page.locator("#w-autosave-indicator")).to_contain_text(re.compile(r"saved", re.I))
    draft = NewsPage.objects.get(title=TITLE)
    assert not draft.live
    revision = draft.get_latest_revision()
    assert revision is not None, "autosave should have saved a revision"
    # A revision keeps the StreamField as serialised JSON.
    assert [child["type"] for child in json.loads(revision.content["body"])] == BLOCK_TYPES
    editor.screenshot("02-editor-autosaved.png", whole_admin_form=True)

    # "Submit for moderation" / "Submit to <workflow>" sits in the action menu's dropdown.
    submit = page.get_by_role("button", name=re.compile(r"^submit (for moderation|to .+)$", re.I))
    if not submit.is_visible():
        page.locator("footer .w-dropdown-button .w-dropdown__toggle").click()
    submit.click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"submitted", re.I))
    editor.screenshot("03-editor-submitted.png")
    post = NewsPage.objects.get(title=TITLE)
    assert not post.live, "the post must not be public before a moderator approves it"

    # 2. The moderator finds it awaiting review on the dashboard and approves it from its
    # row. Approving there approves exactly the submitted revision (the editor would first
    # save the moderator's copy of the form as a new revision).
    moderator = sessions("moderator")
    moderator.log_in(newsroom["moderator"].username)
    page = moderator.page
    awaiting = page.locator("#awaiting-review-section")
    row = awaiting.get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_role("button", name="Request changes")).to_be_visible()
    moderator.screenshot("04-moderator-dashboard.png")
    with page.expect_navigation():
        row.get_by_role("button", name="Approve and publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"'{TITLE}' approved and published.")
    expect(page.locator("#awaiting-review-section")).to_have_count(0)
    moderator.screenshot("05-moderator-approved.png")

    # 3. An anonymous reader reads the live post and comments on it.
    post.refresh_from_db()
    assert post.live
    reader = sessions("reader")
    page = reader.page
    response = page.goto(post.get_url())
    assert response is not None and response.status == 200, response
    article = page.locator("article.article")
    expect(article.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(article.locator(".byline")).to_contain_text(newsroom["author"].name)
    body = article.locator(".article-body")
    expect(body.locator(".block-paragraph")).to_contain_text(PARAGRAPH)
    expect(body.locator(".block-quote blockquote")).to_contain_text(QUOTE_TEXT)
    expect(body.locator(".block-quote__attribution")).to_have_text(QUOTE_ATTRIBUTION)
    expect(body.locator(".block-quote__source")).to_contain_text(f"Source: {QUOTE_SOURCE}")
    figure = body.locator("figure.block-image")
    image = figure.locator("img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the photo loads"
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    expect(figure.locator("figcaption")).to_contain_text(f"Photo: {CREDIT}")
    related = body.get_by_role("complementary", name=RELATED_HEADING)
    expect(related.get_by_role("heading")).to_have_text(RELATED_HEADING)
    expect(related.get_by_role("link", name=RELATED_TITLE)).to_have_attribute(
        "href", newsroom["related"].url
    )
    external = related.locator(".block-related__item--link")
    expect(external.get_by_role("link", name=EXTERNAL_TITLE)).to_have_attribute(
        "href", EXTERNAL_URL
    )
    expect(external.locator(".block-related__summary")).to_have_text(EXTERNAL_SUMMARY)
    # One disclaimer: the post's own (no site-wide one is configured here either).
    expect(page.get_by_role("note", name="Disclaimer")).to_contain_text(DISCLAIMER_TEXT)
    expect(body.get_by_role("heading", name=EMBED_HEADING)).to_be_visible()
    expect(body.locator(".block-embed").get_by_role("link", name=EMBED_TITLE)).to_have_attribute(
        "href", EMBED_URL
    )
    expect(body.locator(".block-quote blockquote b")).to_have_text(QUOTE_TEXT.split(" ")[0])
    code = body.locator("pre.block-code code")
    expect(code).to_have_attribute("class", f"language-{CODE_LANGUAGE}")
    assert code.inner_text() == CODE, "the code keeps its indentation"
    assert code.evaluate("c => getComputedStyle(c).fontFamily").lower().find("mono") >= 0
    reader_table = body.locator(".block-table table")
    expect(reader_table.locator("caption")).to_have_text(TABLE_CAPTION)
    expect(reader_table.locator("thead th")).to_have_text(TABLE[0])
    body_rows = reader_table.locator("tbody tr")
    for number, row in enumerate(TABLE[1:]):
        expect(body_rows.nth(number).locator("td")).to_have_text(row)
    reader.screenshot("06-reader-page.png")

    form = page.locator("form.comment-form")
    form.get_by_label(re.compile(r"^name", re.I)).fill(COMMENT_NAME)
    form.get_by_label(re.compile(r"^e-mail", re.I)).fill("ada@readers.example")
    form.get_by_label(re.compile(r"^comment", re.I)).fill(COMMENT_TEXT)
    form.get_by_role("button", name="Send comment").click()
    expect(page.locator(".comment-notice--received")).to_be_visible()
    expect(page.locator(".comment-list")).to_have_count(0)  # not shown before approval
    reader.screenshot("07-reader-commented.png")
    comment = Comment.objects.get(author_name=COMMENT_NAME)
    assert comment.status == Comment.Status.PENDING

    # 4. The moderator approves the comment in one click from the Comments listing, which
    # opens on the pending ones.
    page = moderator.page
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile(r"1 comment awaits moderation", re.I)).click()
    row = page.get_by_role("row").filter(has_text=COMMENT_TEXT)
    expect(page.locator(".newsdesk-status-tabs [aria-current=page]")).to_contain_text("Pending")
    moderator.screenshot("08-moderator-comments.png")
    row.get_by_role("button", name=f"Approve: comment by {COMMENT_NAME}").click()
    expect(page.locator(".messages")).to_contain_text(f"Comment by {COMMENT_NAME} approved.")
    expect(page.get_by_role("row").filter(has_text=COMMENT_TEXT)).to_have_count(0)
    moderator.screenshot("09-moderator-comment-approved.png")

    # The reader's browser may keep the page it loaded for max-age (60 s); reloading
    # revalidates it with its ETag, and the approval has made the server's copy stale.
    page = reader.page
    page.goto(post.get_url())
    page.reload()
    shown = page.locator(".comment-list .comment").filter(has_text=COMMENT_TEXT)
    expect(shown).to_be_visible()
    expect(shown.locator(".comment__author")).to_have_text(COMMENT_NAME)
    reader.screenshot("10-reader-sees-comment.png")

    for session in (editor, moderator, reader):
        session.assert_assets_ok()

    # 5. The database agrees: live, approved through the workflow, every block type.
    post.refresh_from_db()
    assert post.live
    assert not post.has_unpublished_changes
    assert [child.block_type for child in post.body] == BLOCK_TYPES
    assert post.body[2].value["image"].title == IMAGE_TITLE
    assert [author.name for author in post.authors] == [newsroom["author"].name]
    workflow_state = WorkflowState.objects.for_instance(post).get()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert workflow_state.requested_by == newsroom["editor"]
    task_state = workflow_state.current_task_state
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == newsroom["moderator"]
    assert task_state.revision == post.latest_revision == post.live_revision
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (
        Comment.Status.APPROVED,
        newsroom["moderator"],
    )
