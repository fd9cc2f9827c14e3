from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bitgoeul.notifications"

    def ready(self) -> None:
        # The menu item (the unread count). Kinds are registered by the apps that send them,
        # each from its own AppConfig.ready.
        from bitgoeul.notifications import navigation  # noqa: F401
