from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "bitgoeul.equipment"
    verbose_name = "equipment"

    def ready(self) -> None:
        # Registers the audit sentences, menu items, home sections, notification kinds, job
        # kinds and demo loader of this app as its modules land.
        from bitgoeul.equipment import (
            audit_actions,  # noqa: F401
            demo,  # noqa: F401
            navigation_catalogue,  # noqa: F401
        )
