"""Imported by `MatchmakingConfig.ready`: registers the audit sentences, notification kinds,
menu items, demo loader and the track-record provider."""

from bitgoeul.matchmaking import (  # noqa: F401
    audit_actions,
    demo,
    navigation,
    notification_kinds,
    track_record,
)
