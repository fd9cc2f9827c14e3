from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "bitgoeul.compute"
    verbose_name = "compute"

    def ready(self) -> None:
        # Registers the audit sentences of this app; its menu, notification kinds, job kinds and
        # demo loader register themselves here as they are added.
        import bitgoeul.compute.audit_actions_pools
        import bitgoeul.compute.demo_pools  # noqa: F401
        from bitgoeul.compute import audit_actions  # noqa: F401
