"""Audit area of the web face."""
