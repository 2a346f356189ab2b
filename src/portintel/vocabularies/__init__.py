"""Vocabularies shipped as data: grading.yaml and handling.yaml (see adapters.vocabularies),
and the workflow the domain starts from (:func:`shipped_text`)."""

from __future__ import annotations

from importlib import resources


def shipped_text(name: str) -> str:
    """The text of the shipped vocabulary file ``name`` (package data, read like a module)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
