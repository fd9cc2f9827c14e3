"""The promotion app's API, one router per area."""
