"""The compute app's API, one router per area."""
