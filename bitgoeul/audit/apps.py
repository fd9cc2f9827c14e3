from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bitgoeul.audit"

    def ready(self) -> None:
        from bitgoeul.audit import jobs  # noqa: F401  (registers the job kinds of this app)
