from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "bitgoeul.equipment"
    verbose_name = "equipment"

    def ready(self) -> None:
        # Registers the audit sentences, menu items, home sections, notification kinds, job
        # kinds and demo loader of this app as its modules land.
        from bitgoeul.equipment import (  # noqa: F401
            audit_actions,
            demo,
            home_lifecycle,
            navigation_catalogue,
            navigation_lifecycle,
            notification_kinds_lifecycle,
        )
