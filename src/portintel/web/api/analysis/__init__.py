"""The analysis capability's API: link charts and paths."""
