"""The admin site: Outreach's titles, one Accounts section on the index, and the index's
links to the staff pages outside the admin (reports, your webchats).

Users (ours), Groups (Django's auth), Email addresses (allauth's account app) and
Authenticators (allauth's mfa) are all about accounts, but live in four apps; the index
shows them together under "Accounts" instead of four sections.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db.models import DateTimeField
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst

# App labels whose models the index shows inside the "accounts" section.
ACCOUNT_APP_LABELS = ("auth", "account", "mfa")


@dataclass(frozen=True)
class IndexLink:
    """A staff page outside the admin, offered on the admin's home page to whoever may use
    it. Apps above core register theirs in their AppConfig.ready (core imports no app)."""

    label: str
    url_name: str
    description: str
    shown_to: Callable[[HttpRequest], bool]


_index_links: list[IndexLink] = []


def index_link_register(link: IndexLink) -> None:
    if all(known.url_name != link.url_name for known in _index_links):
        _index_links.append(link)


class OutreachAdminSite(admin.AdminSite):
    site_header = "Outreach administration"
    site_title = "Outreach admin"

    def index(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        links = [
            {"label": link.label, "url": reverse(link.url_name), "description": link.description}
            for link in _index_links
            if link.shown_to(request)
        ]
        return super().index(request, {**(extra_context or {}), "staff_links": links})

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps = super().get_app_list(request, app_label)
        accounts = next((app for app in apps if app["app_label"] == "accounts"), None)
        if accounts is None:
            return apps
        merged = []
        for app in apps:
            if app["app_label"] in ACCOUNT_APP_LABELS:
                accounts["models"].extend(app["models"])
            else:
                merged.append(app)
        accounts["models"].sort(key=lambda model: model["name"])
        return merged


class OutreachAdminConfig(AdminConfig):
    default_site = "core.admin_site.OutreachAdminSite"


class LabelledDateTimeAdmin(admin.ModelAdmin):
    """Names each of the admin's split date and time boxes: they share one visible label,
    so a screen reader announced neither (axe: "Form elements must have labels")."""

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, DateTimeField):
            date_box, time_box = formfield.widget.widgets
            date_box.attrs["aria-label"] = f"{capfirst(db_field.verbose_name)}: date"
            time_box.attrs["aria-label"] = f"{capfirst(db_field.verbose_name)}: time"
        return formfield


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through their app's services, never by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
