"""Catalog: certified organisations, verification, knowledge hub, indicators."""
