"""The vocabulary adapter reads package data once and reports broken files clearly."""

from __future__ import annotations

import pytest

from portintel.adapters import vocabularies
from portintel.errors import ConfigurationError


def test_loaders_parse_once_and_return_the_same_objects() -> None:
    assert vocabularies.load_grading_schemes() is vocabularies.load_grading_schemes()
    assert vocabularies.load_handling() is vocabularies.load_handling()


def test_shipped_files_are_mappings() -> None:
    assert "schemes" in vocabularies.read_vocabulary(vocabularies.GRADING_FILE)
    assert "vocabularies" in vocabularies.read_vocabulary(vocabularies.HANDLING_FILE)


def test_a_missing_file_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as caught:
        vocabularies.read_vocabulary("missing.yaml")
    assert "missing.yaml" in str(caught.value)


def test_a_missing_package_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        vocabularies.read_vocabulary("grading.yaml", package="portintel.no_such_package")
