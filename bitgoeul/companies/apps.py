from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "bitgoeul.companies"

    def ready(self) -> None:
        # Registers the job kinds, the demo loader, the home sections, the menu items, the
        # notification kinds and the subscribers to the foundation's events of this app (no
        # work at start-up: Kiwi is loaded on first use).
        from bitgoeul.companies import (  # noqa: F401
            audit_actions,
            demo,
            home,
            jobs,
            navigation,
            notification_kinds,
            subscribers,
        )
