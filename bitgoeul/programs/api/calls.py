"""API operations of the programs app: calls."""
