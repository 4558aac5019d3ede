from django.apps import AppConfig


class EasyReadConfig(AppConfig):
    name = "easyread"
    verbose_name = "Easy Read"

    def ready(self) -> None:
        from easyread.syllables import use_offline_syllables

        use_offline_syllables()
