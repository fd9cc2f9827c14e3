from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "bitgoeul.companies"

    def ready(self) -> None:
        # Registers the job kinds and the demo loader of this app (no work at start-up:
        # Kiwi is loaded on first use).
        from bitgoeul.companies import demo, jobs  # noqa: F401
