"""The admin form of news posts (``NewsPage.base_form_class``).

A post needs at least one credited author to be submitted for moderation or published, but
not to be saved as a draft: an editor (and autosave) can save a post the moment it has a
title. Wagtail already defers required fields when saving a draft
(``defer_required_fields``); the author requirement is checked the same way, in
``clean()``, so it applies to publishing and submitting in the admin and to publishing
through API v3 (which uses this form too), with one message. The API's workflow submit
checks it as well (news/api/v3/workflow.py, ``AUTHOR_REQUIRED``).
"""

from wagtail.admin.forms import WagtailAdminPageForm

AUTHOR_REQUIRED = (
    "Credit at least one author before submitting this post for moderation or publishing "
    "it (Authors, on the Content tab). A draft can be saved without one."
)


def credited_authors(formset):
    """The authors the byline formset credits, leaving out rows marked for deletion."""
    if not formset.is_valid():
        return None  # its own errors are shown
    return [
        form.cleaned_data["author"]
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and form.cleaned_data.get("author") is not None
    ]


class NewsPageForm(WagtailAdminPageForm):
    def clean_title(self):
        """The headline on one line: the title box grows to show a long headline, so a
        pasted line break or a press of Enter must not end up in it."""
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation and self.authors() == []:
            self.add_error(None, AUTHOR_REQUIRED)
        return cleaned_data

    def authors(self):
        """The authors the post will credit: the admin's byline rows, or (API v3, whose
        form has no byline rows) those the page already has."""
        formset = self.formsets.get("news_authors")
        if formset is not None:
            return credited_authors(formset)
        return [row.author for row in self.instance.news_authors.all()]
