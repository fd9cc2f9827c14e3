from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "bitgoeul.programs"
    verbose_name = "programs"

    def ready(self) -> None:
        # Registers the job kinds, demo loader, home sections, menu items, notification kinds
        # and audit sentences of this app as its modules land.
        from bitgoeul.programs import (  # noqa: F401
            audit_actions,
            jobs,
            navigation,
            notification_kinds,
        )
