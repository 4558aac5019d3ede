"""The admin site: Outreach's titles, and one Accounts section on the index.

Users (ours), Groups (Django's auth), Email addresses (allauth's account app) and
Authenticators (allauth's mfa) are all about accounts, but live in four apps; the index
shows them together under "Accounts" instead of four sections.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

# App labels whose models the index shows inside the "accounts" section.
ACCOUNT_APP_LABELS = ("auth", "account", "mfa")


class OutreachAdminSite(admin.AdminSite):
    site_header = "Outreach administration"
    site_title = "Outreach admin"

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
    default_site = "outreach.admin_site.OutreachAdminSite"
