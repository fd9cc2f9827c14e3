from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "bitgoeul.jobs"

    def ready(self) -> None:
        from bitgoeul.jobs import audit_actions  # noqa: F401  (the audit sentences)
