from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "bitgoeul.compute"
    verbose_name = "compute"

    def ready(self) -> None:
        # Registers the audit sentences of this app; its menu, notification kinds, job kinds and
        # demo loader register themselves here as they are added.
        from bitgoeul.compute import (
            audit_actions,  # noqa: F401
            audit_actions_ingest,  # noqa: F401
        )
