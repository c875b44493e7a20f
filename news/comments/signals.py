"""The comments app's own signal: bulk moderation, which saves without ``save()``."""

from django.dispatch import Signal

#: Sent by ``CommentQuerySet.moderate()`` inside its transaction, ``sender=Comment``;
#: ``changes``: (comment, previous status) pairs, the comments already saved.
moderated = Signal()
