"""Imported by `PromotionConfig.ready`: registers each area's audit sentences, notification
kinds, menu items and demo loaders."""

from bitgoeul.promotion import (  # noqa: F401
    audit_actions_events,
    audit_actions_news,
    demo_events,
    demo_news,
    navigation,
    notification_kinds_events,
    notification_kinds_news,
)
