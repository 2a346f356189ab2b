"""Vocabularies shipped as data: grading.yaml and handling.yaml (see adapters.vocabularies)."""
