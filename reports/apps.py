from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from core.admin_site import IndexLink, index_link_register
        from reports import receivers  # noqa: F401 - connects the signal receivers
        from reports.access import user_manages_events

        index_link_register(
            IndexLink(
                label="Reports",
                url_name="reports:reports",
                description="every finished webchat's figures, with CSV downloads",
                shown_to=lambda request: user_manages_events(request.user),
            )
        )
