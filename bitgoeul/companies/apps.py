from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "bitgoeul.companies"

    def ready(self) -> None:
        # Registers the job kinds, the demo loader, the menu items and the notification kinds
        # of this app (no work at start-up: Kiwi is loaded on first use).
        from bitgoeul.companies import demo, jobs, navigation, notification_kinds  # noqa: F401
