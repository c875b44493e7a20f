"""Factories for the comments app."""

import factory
from factory.django import DjangoModelFactory

from news.comments.models import Comment


class CommentFactory(DjangoModelFactory):
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.Sequence(lambda n: f"reader{n}@mail.example")
    body = factory.Sequence(lambda n: f"Comment number {n} about the story.")
    status = Comment.Status.APPROVED

    class Meta:
        model = Comment
