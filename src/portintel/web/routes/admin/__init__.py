"""Admin area of the web face."""
