"""Webhooks in the Wagtail admin (Settings → Webhooks / Webhook deliveries).

Administrators manage endpoints (URL, secret, events, active flag) and read the delivery
log: status, response code, attempts and the last error of every delivery, with each
try listed on the delivery's page. "Send test event" on an endpoint and "Re-send" on a
delivery queue work for the worker; neither waits for the receiver.

Only users with the model permissions may use these screens; no group has them by
default, so that means superusers unless an administrator grants them.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from news.webhooks.events import queue_test_event, resend
from news.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    WebhookDelivery,
    WebhookEndpoint,
)


class WebhookEndpointForm(WagtailAdminModelForm):
    url = forms.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        assume_scheme="https",
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        choices=SUBSCRIBABLE_EVENTS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which events are sent to this endpoint."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "is_active"]

    def clean_secret(self):
        secret = self.cleaned_data["secret"].strip()
        if len(secret) < 16:
            raise forms.ValidationError(_("Use a secret of at least 16 characters."))
        return secret


class EndpointEditView(generic.EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Send test event"),
                url=reverse("webhook_endpoints:send_test", args=[self.object.pk]),
                icon_name="mail",
                priority=30,
            )
        )
        buttons.append(
            Button(
                _("Delivery log"),
                url=reverse("webhook_deliveries:index") + f"?endpoint={self.object.pk}",
                icon_name="list-ul",
                priority=40,
            )
        )
        return buttons


class ConfirmActionView(WagtailAdminTemplateMixin, TemplateView):
    """GET asks "are you sure?", POST does it: admin actions that change data are POSTs."""

    template_name = "news/webhooks/confirm_action.html"
    viewset = None
    model = None
    permission = "change"
    header_icon = "link"
    confirm_label = ""
    question = ""

    def dispatch(self, request, pk):
        policy = policy_registry.get_by_type(self.model)
        if not policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=pk)
        return super().dispatch(request, pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            question=self.question.format(object=self.object),
            confirm_label=self.confirm_label,
            cancel_url=self.get_cancel_url(),
            **kwargs,
        )

    def post(self, request, pk):
        self.act()
        return redirect(self.get_success_url())


class SendTestEventView(ConfirmActionView):
    model = WebhookEndpoint
    page_title = _("Send test event")
    confirm_label = _("Send test event")
    question = _(
        "Queue a test delivery to {object.url}? The worker sends it within seconds; "
        "its outcome appears in the delivery log."
    )

    def get_cancel_url(self):
        return reverse("webhook_endpoints:edit", args=[self.object.pk])

    def act(self):
        self.delivery = queue_test_event(self.object)
        messages.success(
            self.request, _("Test event queued for '%(name)s'.") % {"name": self.object.name}
        )

    def get_success_url(self):
        return reverse("webhook_deliveries:inspect", args=[self.delivery.pk])


class ResendDeliveryView(ConfirmActionView):
    model = WebhookDelivery
    permission = "resend"
    page_title = _("Re-send delivery")
    confirm_label = _("Re-send")
    question = _(
        "Send this {object.event} delivery to {object.endpoint.url} again? It keeps its "
        "delivery id, so the receiver can tell it is the same event."
    )

    def get_cancel_url(self):
        return reverse("webhook_deliveries:inspect", args=[self.object.pk])

    def act(self):
        resend(self.object)
        messages.success(self.request, _("Delivery queued to be sent again."))

    def get_success_url(self):
        return self.get_cancel_url()


class EndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = _("Endpoints")
    url_prefix = "webhooks/endpoints"
    name = "webhook_endpoints"
    edit_view_class = EndpointEditView
    copy_view_enabled = False
    list_display = ["name", "url", "is_active", "events"]
    search_fields = ["name", "url"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("secret"),
            FieldPanel("events"),
            FieldPanel("is_active"),
        ],
        base_form_class=WebhookEndpointForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "send-test/<int:pk>/",
                SendTestEventView.as_view(viewset=self),
                name="send_test",
            ),
        ]


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """The log is written by Newsdesk: people read, filter, inspect, re-send and delete
    deliveries, never add or edit them by hand. Re-sending needs the "change" model
    permission (the ``resend`` action)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change"):
            return False
        if action == "resend":
            action = "change"
        return super().user_has_permission(user, action)


register_permission_policy(WebhookDelivery, DeliveryPermissionPolicy(WebhookDelivery))


class DeliveryInspectView(generic.InspectView):
    @property
    def header_more_buttons(self):
        return [
            Button(
                _("Re-send"),
                url=reverse("webhook_deliveries:resend", args=[self.object.pk]),
                icon_name="repeat",
                priority=10,
            )
        ]

    def get_attempt_log_display_value(self):
        return render_to_string(
            "news/webhooks/attempt_log.html",
            {"attempts": self.object.attempt_log.all()},
        )


class DeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    menu_label = _("Delivery log")
    url_prefix = "webhooks/deliveries"
    name = "webhook_deliveries"
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    copy_view_enabled = False
    form_fields = []  # no add or edit views (see get_urlpatterns)
    list_filter = ["status", "event", "endpoint"]
    list_display = [
        Column("event", label=_("Event"), accessor="get_event_display"),
        "endpoint",
        "page_id",
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor="get_status_display",
            primary=lambda delivery: delivery.status == WebhookDelivery.Status.DELIVERED,
        ),
        Column("attempts", label=_("Attempts")),
        Column("last_response_code", label=_("Response")),
        Column("last_error", label=_("Last error")),
        Column("created_at", label=_("Queued")),
    ]
    inspect_view_fields = [
        "id",
        "event",
        "endpoint",
        "page_id",
        "status",
        "attempts",
        "last_response_code",
        "last_error",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "body",
        "attempt_log",
    ]

    def get_queryset(self, request):
        return WebhookDelivery.objects.select_related("endpoint")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("resend/<uuid:pk>/", ResendDeliveryView.as_view(viewset=self), name="resend"),
        ]


class WebhooksViewSetGroup(ModelViewSetGroup):
    items = (EndpointViewSet, DeliveryViewSet)
    menu_label = _("Webhooks")
    menu_icon = "link"
    add_to_settings_menu = True
