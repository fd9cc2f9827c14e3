"""Imported by `MatchmakingConfig.ready`: registers the audit sentences, notification kinds,
menu items, home sections and demo loader."""

from bitgoeul.matchmaking import (  # noqa: F401
    audit_actions,
    demo,
    navigation,
    notification_kinds,
)
