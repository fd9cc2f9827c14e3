from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "bitgoeul.compute"
    verbose_name = "compute"

    def ready(self) -> None:
        # Registers the audit sentences of this app; its menu, notification kinds, job kinds and
        # demo loader register themselves here as they are added.
        from bitgoeul.compute import (  # noqa: F401  # noqa: F401
            audit_actions,
            audit_actions_rounds,
            jobs_rounds,
            navigation,
            notification_kinds_rounds,
        )
