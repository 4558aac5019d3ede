from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Real-time transport"

    def ready(self) -> None:
        from django.core import checks

        from realtime.internals import system_check

        # Warns when a library whose internals realtime/internals/ uses is at an untested
        # version, and says which path is then active.
        checks.register(system_check)
