"""API operations of the programs app: reviews."""
