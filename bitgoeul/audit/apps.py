from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bitgoeul.audit"

    def ready(self) -> None:
        # the job kinds and the audit sentences of this app
        from bitgoeul.audit import actions, jobs  # noqa: F401
