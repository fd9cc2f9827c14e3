from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "bitgoeul.compute"
    verbose_name = "compute"

    def ready(self) -> None:
        # Registers the audit sentences of this app; its menu, notification kinds, job kinds and
        # demo loader register themselves here as they are added (one line per module, so that
        # each area's line merges on its own).
        import bitgoeul.compute.audit_actions_rounds
        import bitgoeul.compute.demo_rounds
        import bitgoeul.compute.jobs_rounds
        import bitgoeul.compute.navigation
        import bitgoeul.compute.notification_kinds_rounds  # noqa: F401
        from bitgoeul.compute import audit_actions  # noqa: F401
