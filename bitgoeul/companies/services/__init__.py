"""Writes of the companies app, one module per sub-domain. Every state change is atomic and
audited in the same transaction."""
