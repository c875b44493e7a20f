"""The webhook screens in the admin: Settings > Webhooks (admin.py)."""

from wagtail import hooks

from news.webhooks.admin import WebhooksViewSetGroup


@hooks.register("register_admin_viewset")
def register_webhooks_admin():
    return WebhooksViewSetGroup()
