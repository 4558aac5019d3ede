from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Agencies and events"

    def ready(self) -> None:
        from core.admin_site import IndexLink, index_link_register
        from events import receivers

        receivers.connect()
        index_link_register(
            IndexLink(
                label="Your webchats",
                url_name="events:staff_webchats",
                description="the webchats you moderate or answer at, with your consoles",
                shown_to=lambda request: True,
            )
        )
