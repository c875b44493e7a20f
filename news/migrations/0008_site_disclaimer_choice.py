"""One disclaimer per post: ``show_default_disclaimer`` (a checkbox) becomes
``site_disclaimer`` (auto / both / never).

A post that showed the site-wide disclaimer keeps showing it, now as "auto" (so a post
that also has its own disclaimer block shows only its own from now on: the two-box case
this change is about); a post that hid it becomes "never". Revisions (drafts waiting to
be published, scheduled ones, history an editor may revert to) carry the choice too, so
publishing an old draft does not bring a hidden disclaimer back. Reversing maps "auto" and
"both" back to shown.
"""

from django.db import migrations, models


BATCH = 500


def rewrite_revisions(apps, old_key, old_value, new_key, new_value):
    """Set ``new_key`` to ``new_value`` in the content of every revision whose
    ``old_key`` is ``old_value``, in batches (there may be a revision per save)."""
    Revision = apps.get_model("wagtailcore", "Revision")
    revisions = Revision.objects.filter(**{f"content__{old_key}": old_value}).only("content")
    batch = []
    for revision in revisions.iterator(chunk_size=BATCH):
        revision.content[new_key] = new_value
        batch.append(revision)
        if len(batch) == BATCH:
            Revision.objects.bulk_update(batch, ["content"])
            batch = []
    Revision.objects.bulk_update(batch, ["content"])


def checkbox_to_choice(apps, schema_editor):
    NewsPage = apps.get_model("news", "NewsPage")
    NewsPage.objects.filter(show_default_disclaimer=False).update(site_disclaimer="never")
    rewrite_revisions(apps, "show_default_disclaimer", False, "site_disclaimer", "never")


def choice_to_checkbox(apps, schema_editor):
    NewsPage = apps.get_model("news", "NewsPage")
    NewsPage.objects.filter(site_disclaimer="never").update(show_default_disclaimer=False)
    rewrite_revisions(apps, "site_disclaimer", "never", "show_default_disclaimer", False)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_move_comments_webhooks_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="newspage",
            name="site_disclaimer",
            field=models.CharField(
                choices=[
                    ("auto", "Show it, unless the post has its own disclaimer block"),
                    ("both", "Show it, also when the post has its own disclaimer block"),
                    ("never", "Don't show it"),
                ],
                default="auto",
                help_text="The site-wide disclaimer is written in Settings > News settings. "
                "A post with a disclaimer block of its own shows just that one unless you "
                "choose to show both.",
                max_length=6,
                verbose_name="site-wide disclaimer",
            ),
        ),
        migrations.RunPython(checkbox_to_choice, choice_to_checkbox),
        migrations.RemoveField(model_name="newspage", name="show_default_disclaimer"),
    ]
