"""Intake area of the web face."""
