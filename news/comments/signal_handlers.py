"""The comments app's receivers, connected in ``CommentsConfig.ready()`` with
``sender=Comment``: every save, bulk moderation and deletion of a comment goes to
news/comments/moderation.py."""

from django.db.models.signals import post_delete, post_save

from news.comments import moderation
from news.comments.models import Comment
from news.comments.signals import moderated
from news.lifecycle import is_being_deleted


def comment_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = instance._loaded_status
    if previous != instance.status:
        moderation.status_changed([(instance, previous)])
    elif previous == Comment.Status.APPROVED:
        moderation.visible_comment_edited(instance)  # e.g. a moderator corrected its text
    instance._loaded_status = instance.status


def comments_moderated(sender, changes, **kwargs):
    moderation.status_changed(changes)


def comment_deleted(sender, instance, **kwargs):
    if instance._loaded_status != Comment.Status.APPROVED:
        return
    if is_being_deleted(instance.page_id):
        return  # the post's own deletion refreshes everything
    moderation.visible_comment_removed(instance)


def connect():
    post_save.connect(comment_saved, sender=Comment)
    post_delete.connect(comment_deleted, sender=Comment)
    moderated.connect(comments_moderated, sender=Comment)
