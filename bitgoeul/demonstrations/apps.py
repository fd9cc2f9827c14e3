from django.apps import AppConfig


class DemonstrationsConfig(AppConfig):
    name = "bitgoeul.demonstrations"
    verbose_name = "demonstrations"

    def ready(self) -> None:
        # Registers the audit sentences, notification kinds, menu items, home sections and demo
        # loader of this app.
        from bitgoeul.demonstrations import (  # noqa: F401
            audit_actions,
            demo,
            home,
            navigation,
            notification_kinds,
        )
