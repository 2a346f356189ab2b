"""Targeting pages: the pre-arrival list."""
