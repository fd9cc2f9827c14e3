"""Pages of the companies app, one module per area; every view asks `access` first."""
