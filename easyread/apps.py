from django.apps import AppConfig


class EasyReadConfig(AppConfig):
    name = "easyread"
    verbose_name = "Easy Read"

    def ready(self) -> None:
        from easyread.syllables import check_version

        check_version()
