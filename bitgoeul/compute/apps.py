from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "bitgoeul.compute"
    verbose_name = "compute"

    def ready(self) -> None:
        # Registers each area's audit sentences, notification kinds, job kinds, menu and demo
        # loaders (pools, then rounds, then usage: each uses the one before).
        from bitgoeul.compute import (  # noqa: F401
            audit_actions,
            audit_actions_burn,
            audit_actions_ingest,
            audit_actions_pools,
            audit_actions_rounds,
            audit_actions_sched,
            demo_pools,
            demo_rounds,
            demo_usage,
            jobs_rounds,
            navigation,
            notification_kinds_burn,
            notification_kinds_rounds,
        )
