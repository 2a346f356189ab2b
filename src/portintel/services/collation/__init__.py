"""Collation: entities assembled from statements; room for cross-referencing and judgements."""
