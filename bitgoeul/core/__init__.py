"""Shared pieces every app may use: HTTP helpers and the registries through which apps plug into
the site (demo data loaders, menu items). It imports no app, so any app can import it."""
