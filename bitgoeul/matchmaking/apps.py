from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    name = "bitgoeul.matchmaking"
    verbose_name = "matchmaking"

    def ready(self) -> None:
        # Registers the audit sentences, notification kinds, menu items and demo
        # loader of this app.
        from bitgoeul.matchmaking import registry  # noqa: F401
