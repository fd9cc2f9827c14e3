"""API operations of the programs app: applications."""
