"""API operations of the programs app: awards."""
