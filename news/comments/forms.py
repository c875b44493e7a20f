"""The comment form: one set of rules for the reader form under each article (and each
standard page that takes comments) and the API.

Besides the visible fields (name, e-mail, website, comment) the form carries:

- ``parent``: the id of the comment being replied to (an approved comment on the same
  post or page; a reply to a reply is attached to the top-level comment);
- ``token``: the signed render time (news/comments/spam.py), for the minimum fill time;
- ``homepage``: a honeypot. It is hidden from people (off-screen, skipped by the keyboard
  and by screen readers) and named to tempt robots; anything in it refuses the comment.
"""

import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator

from news.comments import spam
from news.comments.models import Comment, page_noun

LINK = re.compile(r"\b(?:https?://|www\.)", re.IGNORECASE)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HONEYPOT = "homepage"


def count_links(text):
    return len(LINK.findall(text or ""))


class CommentForm(forms.Form):
    author_name = forms.CharField(
        label="Name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="Never shown on the site; only our moderators see it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = forms.CharField(
        label="Website (optional)",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 6}))
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page, **kwargs):
        kwargs.setdefault("auto_id", "comment-%s")
        super().__init__(*args, **kwargs)
        self.page = page
        max_length = settings.NEWSDESK_COMMENTS_MAX_LENGTH
        body = self.fields["body"]
        body.max_length = max_length
        body.validators.append(MaxLengthValidator(max_length))
        body.widget.attrs["maxlength"] = str(max_length)
        body.help_text = (
            f"Plain text, up to {max_length:,} characters and "
            f"{settings.NEWSDESK_COMMENTS_MAX_LINKS} links. Comments are read by a moderator "
            "before they appear."
        )

    def clean_author_name(self):
        name = " ".join(self.cleaned_data["author_name"].split())
        if CONTROL_CHARACTERS.search(name):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        if not name:
            raise forms.ValidationError("This field is required.")
        if LINK.search(name):
            raise forms.ValidationError("A name cannot contain a web address.")
        return name

    def clean_author_url(self):
        url = self.cleaned_data["author_url"].strip()
        if not url:
            return ""
        if "://" not in url:
            url = "https://" + url
        URLValidator(
            schemes=["http", "https"],
            message="Enter a web address starting with http:// or https://.",
        )(url)
        return url

    def clean_body(self):
        body = self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")
        body = CONTROL_CHARACTERS.sub("", body).strip()
        if not body:
            raise forms.ValidationError("This field is required.")
        max_links = settings.NEWSDESK_COMMENTS_MAX_LINKS
        links = count_links(body)
        if links > max_links:
            raise forms.ValidationError(
                f"Too many links: at most {max_links} links per comment (this one has {links})."
            )
        return body

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.visible().filter(page=self.page, pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(
                f"The comment you are replying to is not on this {page_noun(self.page)} or "
                "is not shown."
            )
        return parent

    def clean_homepage(self):
        if self.cleaned_data.get("homepage"):
            raise forms.ValidationError(
                "A hidden field that must stay empty was filled in, which is what spam robots "
                "do. If you are a person (your browser's autofill may have done it), please "
                "send the form again."
            )
        return ""

    def clean_token(self):
        token = self.cleaned_data.get("token", "")
        try:
            spam.check_token(token)
        except spam.TokenError as error:
            raise forms.ValidationError(str(error)) from None
        return token

    @property
    def hidden_field_errors(self):
        """Errors of the fields readers do not see (form token, honeypot, the comment
        replied to), shown above the form."""
        return [
            *self.errors.get("token", []),
            *self.errors.get(HONEYPOT, []),
            *self.errors.get("parent", []),
        ]

    def build_comment(self, *, ip_address=None, user_agent=""):
        data = self.cleaned_data
        return Comment(
            page=self.page,
            parent=data.get("parent"),
            author_name=data["author_name"],
            author_email=data["author_email"],
            author_url=data.get("author_url", ""),
            body=data["body"],
            ip_address=ip_address,
            user_agent=(user_agent or "")[:500],
        )
