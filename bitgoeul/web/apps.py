from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bitgoeul.web"

    def ready(self) -> None:
        from bitgoeul.web import audit_actions  # noqa: F401  (the audit sentences)
