from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "bitgoeul.companies"

    def ready(self) -> None:
        # Registers the job kinds, the demo loader and the menu items of this app (no work at
        # start-up: Kiwi is loaded on first use).
        from bitgoeul.companies import demo, jobs, navigation  # noqa: F401
        from bitgoeul.companies.services.importing import prospect_claim_subscribe

        prospect_claim_subscribe()
