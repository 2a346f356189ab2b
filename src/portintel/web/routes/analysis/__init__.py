"""Pages of the analysis capability: link charts."""
