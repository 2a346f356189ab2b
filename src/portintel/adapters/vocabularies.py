"""Load the grading and handling vocabularies shipped in the package.

The YAML files are package data (``portintel/vocabularies/``), read with
importlib.resources so they work from a wheel or a zip as well as from a
checkout. Parsing and validation happen once per process (``functools.cache``):
the vocabularies are immutable and every request needs them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from portintel.domain.grading import GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.workflow import Workflow, parse_workflow, shipped_workflow
from portintel.errors import ConfigurationError

if TYPE_CHECKING:
    # the STIX package pulls followthemoney: imported where it is used, not by every
    # reader of grading and handling (the AIS ingest path among them)
    from portintel.domain.sharing.misp import MispProfile
    from portintel.domain.sharing.stix.vocabulary import StixVocabulary

PACKAGE = "portintel.vocabularies"
GRADING_FILE = "grading.yaml"
HANDLING_FILE = "handling.yaml"


def read_vocabulary(name: str, *, package: str = PACKAGE) -> Mapping[str, object]:
    """The parsed YAML document ``name`` of ``package``; ConfigurationError if unreadable."""
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError) as exc:
        raise ConfigurationError(
            f"cannot read vocabulary {name} from {package}: {exc}",
            hint="reinstall portintel; the vocabularies ship as package data",
        ) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"{name}: expected a mapping at the top of the document")
    return data


def load_workflow(path: Path | None) -> Workflow:
    """The node's workflow: the file ``path`` when given (checked now), else the shipped one."""
    if path is None:
        return shipped_workflow()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read the workflow file {path}: {exc}",
            hint="fix the setting workflow_file, or unset it for the shipped workflow",
        ) from exc
    return parse_workflow(text, source=str(path))


@functools.cache
def load_grading_schemes() -> GradingSchemes:
    """The grading schemes, mappings and STIX table of this installation."""
    return GradingSchemes.from_mapping(read_vocabulary(GRADING_FILE), source=GRADING_FILE)


@functools.cache
def load_handling() -> HandlingVocabularies:
    """The handling vocabularies (3x5x2, Europol, TLP 2.0) of this installation."""
    return HandlingVocabularies.from_mapping(read_vocabulary(HANDLING_FILE), source=HANDLING_FILE)


STIX_PACKAGE = "portintel.vocabularies.stix"


@functools.cache
def load_stix_vocabulary() -> StixVocabulary:
    """portintel's STIX extension definitions and the official TLP 2.0 markings."""
    from portintel.domain.sharing.stix.vocabulary import StixVocabulary

    return StixVocabulary.from_mappings(
        read_vocabulary("extensions.yaml", package=STIX_PACKAGE),
        read_vocabulary("tlp.yaml", package=STIX_PACKAGE),
        tlp_codes=tuple(
            definition.code for definition in load_handling().codes(load_handling().tlp_vocabulary)
        ),
    )


@functools.cache
def load_misp_profile() -> MispProfile:
    """How handling reads in MISP and the MISP object templates portintel fills."""
    from portintel.domain.sharing.misp import MispProfile

    return MispProfile.from_mappings(
        read_vocabulary("misp.yaml"), read_vocabulary("misp_templates.yaml")
    )
