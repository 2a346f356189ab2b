"""Collation area of the web face."""
