from django.apps import AppConfig


class PromotionConfig(AppConfig):
    name = "bitgoeul.promotion"
    verbose_name = "promotion"

    def ready(self) -> None:
        # Registers the audit sentences, notification kinds, menu items and demo
        # loader of this app.
        from bitgoeul.promotion import registry  # noqa: F401
