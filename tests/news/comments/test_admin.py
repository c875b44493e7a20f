"""Comment moderation in the Wagtail admin: the listing and its filters, bulk actions,
editing, who may do what, and the dashboard panel."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from news.comments.models import Comment
from tests.news.comments.factories import CommentFactory
from tests.news.factories import NewsPageFactory
from tests.news.workflow_helpers import make_user

pytestmark = pytest.mark.django_db

LISTING = "/admin/comments/"


@pytest.fixture
def posts(news_index):
    return (
        NewsPageFactory(parent=news_index, title="Harbour wall"),
        NewsPageFactory(parent=news_index, title="Tram line"),
    )


@pytest.fixture
def comments(posts):
    wall, tram = posts
    return {
        "pending": CommentFactory(page=wall, status="pending", body="Pending on the wall"),
        "approved": CommentFactory(page=wall, status="approved", body="Approved on the wall"),
        "spam": CommentFactory(page=tram, status="spam", body="Cheap pills"),
        "tram": CommentFactory(page=tram, status="pending", body="Pending on the tram"),
    }


def login(client, django_user_model, role):
    if role == "admin":
        user = make_user(django_user_model, "chief", superuser=True)
    elif role == "nobody":
        user = make_user(django_user_model, "nobody")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    else:
        user = make_user(django_user_model, role.lower(), role)
    client.force_login(user)
    return user


BODIES = {"Pending on the wall", "Approved on the wall", "Cheap pills", "Pending on the tram"}


def listed_bodies(response):
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    cells = (cell.get_text(strip=True) for cell in page.select("table.listing tbody td"))
    return sorted(cell for cell in cells if cell in BODIES)


def bulk_url(action, *comments, next_url=LISTING):
    ids = "&".join(f"id={comment.pk}" for comment in comments)
    return f"/admin/bulk/comments/comment/{action}/?next={next_url}&{ids}"


class TestListing:
    @pytest.mark.parametrize("role", ["Moderators", "Editors", "admin"])
    def test_opens_on_pending_comments_and_all_shows_every_one(
        self, client, django_user_model, comments, role
    ):
        login(client, django_user_model, role)
        response = client.get(LISTING)
        assert listed_bodies(response) == ["Pending on the tram", "Pending on the wall"]
        # Pending is the default, not a filter to remove: no "Status: Pending" pill.
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select("[data-w-active-filter-id]") == []
        assert listed_bodies(client.get(f"{LISTING}?status=")) == [
            "Approved on the wall",
            "Cheap pills",
            "Pending on the tram",
            "Pending on the wall",
        ]

    def test_a_tab_per_status_with_its_count_following_the_other_filters(
        self, client, django_user_model, comments, posts
    ):
        login(client, django_user_model, "Moderators")

        def tabs(url):
            page = BeautifulSoup(client.get(url).content, "html.parser")
            return [
                (
                    " ".join(tab.get_text().split()),
                    tab["href"],
                    tab.get("aria-current") == "page",
                )
                for tab in page.select(".newsdesk-status-tabs a")
            ]

        assert tabs(LISTING) == [
            ("Pending 2", f"{LISTING}?status=pending", True),
            ("Approved 1", f"{LISTING}?status=approved", False),
            ("Rejected 0", f"{LISTING}?status=rejected", False),
            ("Spam 1", f"{LISTING}?status=spam", False),
            ("All 4", f"{LISTING}?status=", False),
        ]
        tram = posts[1].pk
        on_the_tram = tabs(f"{LISTING}?status=spam&page={tram}")
        assert [(label, current) for label, _url, current in on_the_tram] == [
            ("Pending 1", False),
            ("Approved 0", False),
            ("Rejected 0", False),
            ("Spam 1", True),
            ("All 2", False),
        ]
        assert on_the_tram[0][1] == f"{LISTING}?status=pending&page={tram}"
        # The filters' own refresh (the results fragment) carries the tabs too.
        fragment = client.get(f"{LISTING}results/?status=&_w_filter_fragment=1")
        assert "All <span" in fragment.content.decode()

    def test_filters_by_status_and_post_and_search(
        self, client, django_user_model, comments, posts
    ):
        login(client, django_user_model, "Moderators")
        assert listed_bodies(client.get(f"{LISTING}?status=pending")) == [
            "Pending on the tram",
            "Pending on the wall",
        ]
        assert listed_bodies(client.get(f"{LISTING}?status=&page={posts[1].pk}")) == [
            "Cheap pills",
            "Pending on the tram",
        ]
        assert listed_bodies(client.get(f"{LISTING}?status=pending&page={posts[1].pk}")) == [
            "Pending on the tram"
        ]
        assert listed_bodies(client.get(f"{LISTING}?status=&q=pills")) == ["Cheap pills"]
        # A search without a status looks through all of them; a tab narrows it.
        assert listed_bodies(client.get(f"{LISTING}?q=pills")) == ["Cheap pills"]
        assert listed_bodies(client.get(f"{LISTING}?status=pending&q=pills")) == []

    def test_users_without_the_permission_are_turned_away(
        self, client, django_user_model, comments
    ):
        login(client, django_user_model, "nobody")
        response = client.get(LISTING)
        assert response.status_code == 302
        assert "Cheap pills" not in client.get("/admin/").content.decode()

    def test_anonymous_visitors_must_log_in(self, client, comments):
        response = client.get(LISTING)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_nobody_adds_comments_in_the_admin(self, client, django_user_model, posts):
        login(client, django_user_model, "admin")
        assert client.get(f"{LISTING}new/").status_code in (302, 403, 404)
        data = {"status": "approved", "author_name": "X", "body": "Made up", "page": posts[0].pk}
        assert client.post(f"{LISTING}new/", data).status_code in (302, 403, 404)
        assert not Comment.objects.exists()
        assert f'href="{LISTING}new/"' not in client.get(LISTING).content.decode()


class TestBulkModeration:
    @pytest.mark.parametrize(
        ("action", "status", "message"),
        [
            ("approve", "approved", "2 comments approved."),
            ("reject", "rejected", "2 comments rejected."),
            ("spam", "spam", "2 comments marked as spam."),
        ],
    )
    def test_moderators_approve_reject_or_mark_as_spam(
        self, client, django_user_model, comments, posts, action, status, message
    ):
        moderator = login(client, django_user_model, "Moderators")
        chosen = (comments["pending"], comments["tram"])

        confirm = client.get(bulk_url(action, *chosen))
        assert confirm.status_code == 200
        assert "Pending on the wall" in confirm.content.decode()

        response = client.post(bulk_url(action, *chosen), follow=True)
        assert response.redirect_chain[-1][0] == LISTING
        assert message in response.content.decode()
        for comment in chosen:
            comment.refresh_from_db()
            assert comment.status == status
            assert comment.moderated_by == moderator
            assert comment.moderated_at is not None
            assert ModelLogEntry.objects.filter(
                object_id=str(comment.pk), action="newsdesk.comment.moderate"
            ).exists()
        comments["spam"].refresh_from_db()
        assert comments["spam"].status == "spam"

    def test_select_all_acts_on_the_filtered_listing(
        self, client, django_user_model, comments, posts
    ):
        login(client, django_user_model, "Moderators")
        url = f"/admin/bulk/comments/comment/approve/?status=pending&id=all&next={LISTING}"
        assert "Pending on the tram" in client.get(url).content.decode()
        client.post(url)
        statuses = {key: Comment.objects.get(pk=c.pk).status for key, c in comments.items()}
        assert statuses == {
            "pending": "approved",
            "approved": "approved",
            "spam": "spam",
            "tram": "approved",
        }

    def test_select_all_without_a_status_is_the_pending_listing_it_came_from(
        self, client, django_user_model, comments
    ):
        login(client, django_user_model, "Moderators")
        client.post(f"/admin/bulk/comments/comment/reject/?id=all&next={LISTING}")
        statuses = {key: Comment.objects.get(pk=c.pk).status for key, c in comments.items()}
        assert statuses == {
            "pending": "rejected",
            "approved": "approved",
            "spam": "spam",
            "tram": "rejected",
        }

    def test_moderation_shows_in_the_comment_history(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        client.post(bulk_url("spam", comments["tram"]))
        history = client.get(f"{LISTING}history/{comments['tram'].pk}/")
        assert history.status_code == 200
        assert "Status set to Spam" in history.content.decode()

    def test_bulk_approval_refreshes_each_post_once(
        self, client, django_user_model, comments, posts, freshness_calls
    ):
        login(client, django_user_model, "Moderators")
        client.post(bulk_url("approve", comments["pending"], comments["tram"], comments["spam"]))
        assert sorted(freshness_calls) == sorted(page.pk for page in posts)
        # Approved comments now show on the article.
        content = client.get(posts[1].url).content.decode()
        assert "Pending on the tram" in content and "Cheap pills" in content

    def test_editors_may_not_moderate(self, client, django_user_model, comments):
        login(client, django_user_model, "Editors")
        confirm = client.get(bulk_url("approve", comments["pending"]))
        assert "You don't have permission to moderate these comments" in confirm.content.decode()
        client.post(bulk_url("approve", comments["pending"]))
        client.post(bulk_url("delete", comments["spam"]))
        comments["pending"].refresh_from_db()
        assert comments["pending"].status == "pending"
        assert Comment.objects.filter(pk=comments["spam"].pk).exists()

    def test_superusers_may_moderate(self, client, django_user_model, comments):
        login(client, django_user_model, "admin")
        client.post(bulk_url("approve", comments["pending"]))
        comments["pending"].refresh_from_db()
        assert comments["pending"].status == "approved"

    def test_bulk_delete_of_an_approved_comment_refreshes_its_post(
        self,
        client,
        django_user_model,
        comments,
        posts,
        freshness_calls,
        django_capture_on_commit_callbacks,
    ):
        login(client, django_user_model, "Moderators")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(bulk_url("delete", comments["approved"]))
        assert response.status_code == 302
        assert not Comment.objects.filter(pk=comments["approved"].pk).exists()
        assert freshness_calls == [posts[0].pk]


def moderate_url(comment, status):
    return f"{LISTING}moderate/{comment.pk}/{status}/"


def row_of(response, body):
    page = BeautifulSoup(response.content, "html.parser")
    return next(row for row in page.select("table.listing tbody tr") if body in row.get_text())


class TestOneClickModeration:
    @pytest.mark.parametrize(
        ("label", "status", "message"),
        [
            ("Approve", "approved", "Comment by Reader approved."),
            ("Reject", "rejected", "Comment by Reader rejected."),
            ("Spam", "spam", "Comment by Reader marked as spam."),
        ],
    )
    def test_each_row_moderates_in_one_click(
        self, client, django_user_model, comments, label, status, message
    ):
        moderator = login(client, django_user_model, "Moderators")
        comment = comments["pending"]
        comment.author_name = "Reader"
        comment.save()
        listing = client.get(f"{LISTING}?page={comment.page_id}")
        form = (
            row_of(listing, "Pending on the wall").find("button", string=label).find_parent("form")
        )
        assert form["method"] == "post"
        assert form["action"] == moderate_url(comment, status)
        data = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
        assert data["next"] == f"{LISTING}?page={comment.page_id}"

        response = client.post(form["action"], data, follow=True)
        assert response.redirect_chain == [(data["next"], 302)]
        assert message in response.content.decode()
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (status, moderator)
        assert ModelLogEntry.objects.filter(
            object_id=str(comment.pk), action="newsdesk.comment.moderate"
        ).exists()
        # Back on the pending listing it came from, the comment has gone from it.
        assert "Pending on the wall" not in listed_bodies(response)

    def test_an_approved_comment_appears_under_its_post(
        self, client, django_user_model, comments, django_capture_on_commit_callbacks
    ):
        login(client, django_user_model, "Moderators")
        comment = comments["pending"]
        assert comment.body not in client.get(comment.page.url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(moderate_url(comment, "approved"), {"next": LISTING})
        client.logout()
        assert comment.body in client.get(comment.page.url).content.decode()

    def test_the_buttons_offer_only_a_change(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        response = client.get(f"{LISTING}?status=")
        buttons = {
            body: [
                button.get_text()
                for button in row_of(response, body).select(".newsdesk-moderate button")
            ]
            for body in ("Approved on the wall", "Cheap pills", "Pending on the tram")
        }
        assert buttons == {
            "Approved on the wall": ["Reject", "Spam"],
            "Cheap pills": ["Approve", "Reject"],
            "Pending on the tram": ["Approve", "Reject", "Spam"],
        }

    def test_the_inspect_view_moderates_in_one_click(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        comment = comments["tram"]
        inspect = f"{LISTING}inspect/{comment.pk}/"
        page = BeautifulSoup(client.get(inspect).content, "html.parser")
        group = page.select_one("[aria-label='Moderate this comment']")
        assert [b.get_text() for b in group.select("button")] == ["Approve", "Reject", "Spam"]
        form = group.find("button", string="Approve").find_parent("form")
        data = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
        response = client.post(form["action"], data, follow=True)
        assert response.redirect_chain == [(inspect, 302)]
        comment.refresh_from_db()
        assert comment.status == "approved"
        page = BeautifulSoup(response.content, "html.parser")
        group = page.select_one("[aria-label='Moderate this comment']")
        assert [b.get_text() for b in group.select("button")] == ["Reject", "Spam"]

    def test_editors_see_no_buttons_and_may_not_post_them(
        self, client, django_user_model, comments
    ):
        login(client, django_user_model, "Editors")
        listing = client.get(LISTING)
        assert row_of(listing, "Pending on the wall").select(".newsdesk-moderate") == []
        assert "Moderate" not in [
            th.get_text(strip=True)
            for th in BeautifulSoup(listing.content, "html.parser").select(
                "table.listing thead th"
            )
        ]
        inspect = client.get(f"{LISTING}inspect/{comments['tram'].pk}/")
        assert "Moderate this comment" not in inspect.content.decode()
        response = client.post(moderate_url(comments["tram"], "approved"), {"next": LISTING})
        assert response.status_code in (302, 403)
        assert Comment.objects.get(pk=comments["tram"].pk).status == "pending"

    def test_bad_requests_change_nothing(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        comment = comments["tram"]
        assert client.get(moderate_url(comment, "approved")).status_code == 405
        assert client.post(moderate_url(comment, "published")).status_code == 404
        assert client.post(f"{LISTING}moderate/999999/approved/").status_code == 404
        assert Comment.objects.get(pk=comment.pk).status == "pending"
        # Somewhere else to go afterwards is not followed: back to the listing.
        response = client.post(
            moderate_url(comment, "spam"), {"next": "https://elsewhere.example/"}
        )
        assert response["Location"] == LISTING
        again = client.post(moderate_url(comment, "spam"), {"next": LISTING}, follow=True)
        assert "was already marked as spam" in again.content.decode()


class TestEditing:
    def edit_data(self, comment, **changes):
        data = {
            "status": comment.status,
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": comment.author_url,
            "body": comment.body,
        }
        data.update(changes)
        return data

    def test_moderators_change_the_status_in_the_edit_form(
        self, client, django_user_model, comments, freshness_calls
    ):
        moderator = login(client, django_user_model, "Moderators")
        comment = comments["pending"]
        url = f"{LISTING}edit/{comment.pk}/"
        form = client.get(url)
        assert form.status_code == 200
        assert comment.author_email in form.content.decode()  # moderators may see it

        response = client.post(url, self.edit_data(comment, status="approved"))
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.status == "approved"
        assert comment.moderated_by == moderator
        assert freshness_calls == [comment.page_id]

    def test_correcting_an_approved_comment_refreshes_its_post(
        self, client, django_user_model, comments, posts
    ):
        comment = comments["approved"]
        assert "Approved on the wall" in client.get(posts[0].url).content.decode()  # cached
        login(client, django_user_model, "Moderators")
        client.post(
            f"{LISTING}edit/{comment.pk}/", self.edit_data(comment, body="Corrected words")
        )
        client.logout()
        content = client.get(posts[0].url).content.decode()
        assert "Corrected words" in content
        assert "Approved on the wall" not in content

    def test_bad_input_in_the_edit_form_is_an_error(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        comment = comments["pending"]
        response = client.post(
            f"{LISTING}edit/{comment.pk}/",
            self.edit_data(comment, body="", author_url="javascript:alert(1)", status="nope"),
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert set(errors) == {"body", "author_url", "status"}
        comment.refresh_from_db()
        assert comment.status == "pending"

    def test_editors_may_read_but_not_edit(self, client, django_user_model, comments):
        login(client, django_user_model, "Editors")
        comment = comments["pending"]
        inspect = client.get(f"{LISTING}inspect/{comment.pk}/")
        assert inspect.status_code == 200
        assert "Pending on the wall" in inspect.content.decode()
        assert client.get(f"{LISTING}edit/{comment.pk}/").status_code == 302
        client.post(f"{LISTING}edit/{comment.pk}/", self.edit_data(comment, status="approved"))
        comment.refresh_from_db()
        assert comment.status == "pending"
        assert client.post(f"{LISTING}delete/{comment.pk}/").status_code == 302
        assert Comment.objects.filter(pk=comment.pk).exists()

    def test_moderators_delete_a_comment(self, client, django_user_model, comments):
        login(client, django_user_model, "Moderators")
        comment = comments["spam"]
        response = client.post(f"{LISTING}delete/{comment.pk}/")
        assert response.status_code == 302
        assert not Comment.objects.filter(pk=comment.pk).exists()


class TestDashboard:
    @pytest.mark.parametrize("role", ["Moderators", "Editors", "admin"])
    def test_the_pending_count_links_to_the_pending_comments(
        self, client, django_user_model, comments, role
    ):
        login(client, django_user_model, role)
        page = BeautifulSoup(client.get("/admin/").content, "html.parser")
        panel = page.select_one("#pending-comments-section")
        assert panel is not None
        link = panel.find("a", string=lambda text: text and "await moderation" in text)
        assert link.get_text(strip=True) == "2 comments await moderation"
        assert link["href"] == f"{LISTING}?status=pending"

    def test_no_panel_without_the_permission(self, client, django_user_model, comments):
        login(client, django_user_model, "nobody")
        assert b"pending-comments-section" not in client.get("/admin/").content

    def test_nothing_pending(self, client, django_user_model, posts):
        login(client, django_user_model, "Moderators")
        assert "No comments await moderation." in client.get("/admin/").content.decode()
