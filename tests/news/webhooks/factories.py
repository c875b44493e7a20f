"""Factories for the webhooks app."""

from factory.django import DjangoModelFactory

from news.webhooks.models import WebhookEndpoint


class WebhookEndpointFactory(DjangoModelFactory):
    """An active endpoint for the page events; pass ``url`` (a receiver's) and ``events``."""

    name = "Frontend"
    url = "http://127.0.0.1:9/hooks"
    secret = "s3cret-shared-with-the-frontend"
    events = ["page.published", "page.unpublished", "page.deleted"]

    class Meta:
        model = WebhookEndpoint
