"""Indicator sets: validated at load with file, line and field; released sets never edited;
a node's set over the shipped one; every kind of condition documented and parsed."""

from __future__ import annotations

import csv
import hashlib
import io
from importlib import resources
from pathlib import Path

import pytest

from portintel.adapters.indicator_files import (
    PACKAGE,
    RELEASED_FILE,
    load_indicator_set,
    load_shipped_set,
    shipped_set_names,
    shipped_text,
)
from portintel.domain.targeting import CONDITION_KINDS, parse_indicator_set
from portintel.domain.targeting import conditions as conditions_module
from portintel.domain.targeting.indicators import _PARAMETERS
from portintel.errors import ConfigurationError

GOOD = """\
version: "t1"
indicators:
  - id: met_at_sea
    description: Met another vessel at sea.
    weight: 20
    condition: {kind: event, type: encounter}
"""


def test_every_released_set_is_unchanged() -> None:
    """A released set is never edited in place: its hash is recorded when it is released."""
    text = resources.files(PACKAGE).joinpath(RELEASED_FILE).read_text(encoding="utf-8")
    released = {row["file"]: row["sha256"] for row in csv.DictReader(io.StringIO(text))}
    assert set(released) == set(shipped_set_names()), "record each new set in released.csv"
    for name, digest in released.items():
        assert hashlib.sha256(shipped_text(name).encode()).hexdigest() == digest, name


def test_every_kind_of_condition_is_parsed_and_documented() -> None:
    assert set(_PARAMETERS) == set(CONDITION_KINDS)
    for kind in CONDITION_KINDS:
        assert f"\n{kind}" in (conditions_module.__doc__ or ""), kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            GOOD.replace("weight: 20", "weight: high"),
            "t.yaml line 5: indicators[met_at_sea].weight: must be a number",
        ),
        (
            GOOD.replace("weight: 20", "weight: -3"),
            "t.yaml line 5: indicators[met_at_sea].weight: must be above 0",
        ),
        (
            GOOD.replace("type: encounter", "type: rendezvous"),
            "t.yaml line 6: indicators[met_at_sea].condition.type: unknown event type 'rendezvous'",
        ),
        (
            GOOD.replace("kind: event", "kind: eval"),
            "t.yaml line 6: indicators[met_at_sea].condition.kind: unknown kind 'eval'",
        ),
        (
            GOOD.replace("    weight: 20\n", ""),
            "t.yaml line 3: indicators[met_at_sea].weight: missing",
        ),
        (
            GOOD.replace(
                "{kind: event, type: encounter}", "{kind: event, type: encounter, colour: red}"
            ),
            "t.yaml line 6: indicators[met_at_sea].condition.colour: unknown field",
        ),
        (
            GOOD.replace("id: met_at_sea", "id: Met At Sea"),
            "t.yaml line 3: indicators[0].id: must be lower-case",
        ),
        (
            GOOD + GOOD.split("indicators:\n")[1],
            "t.yaml line 7: indicators[1].id: 'met_at_sea' is defined twice",
        ),
        (GOOD.replace('version: "t1"\n', ""), "t.yaml line 1: version: missing"),
        ("version: [", "t.yaml line 1: (document): not valid YAML"),
    ],
)
def test_a_bad_definition_names_file_line_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        parse_indicator_set(text, source="t.yaml")
    assert str(raised.value).startswith(expected), str(raised.value)


def test_a_node_changes_the_shipped_set_in_a_file_of_its_own(tmp_path: Path) -> None:
    shipped = load_shipped_set()
    (tmp_path / "indicators.yaml").write_text(
        f"""\
version: "{shipped.version}-node1"
based_on: "{shipped.version}"
indicators:
  - id: encounter_at_sea
    weight: 35
  - id: mmsi_country_not_flag
    enabled: false
  - id: many_encounters
    description: Met other vessels at sea three times or more.
    weight: 10
    condition: {{kind: event, type: encounter, min_count: 3}}
""",
        encoding="utf-8",
    )
    node = load_indicator_set(tmp_path)
    assert node.version == f"{shipped.version}-node1" and node.based_on == shipped.version
    encounter = node.by_id("encounter_at_sea")
    assert encounter is not None and encounter.weight == 35
    assert encounter.description == shipped.by_id("encounter_at_sea").description  # type: ignore[union-attr]
    assert node.by_id("mmsi_country_not_flag") is None
    assert node.by_id("many_encounters") is not None
    assert len(node.indicators) == len(shipped.indicators)


def test_a_node_set_needs_its_own_version_and_the_right_base(tmp_path: Path) -> None:
    shipped = load_shipped_set()
    (tmp_path / "indicators.yaml").write_text(
        f'version: "{shipped.version}"\nindicators:\n  - id: encounter_at_sea\n    weight: 5\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match="line 1: version: a node's set needs a version"):
        load_indicator_set(tmp_path)
    (tmp_path / "indicators.yaml").write_text(
        'version: "n"\nbased_on: "1999.1"\nindicators:\n  - id: encounter_at_sea\n    weight: 5\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match=r"line 2: based_on: names set '1999\.1'"):
        load_indicator_set(tmp_path)


def test_no_node_file_means_the_newest_shipped_set(tmp_path: Path) -> None:
    assert load_indicator_set(tmp_path).version == load_shipped_set().version
