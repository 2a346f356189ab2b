"""Behaviour thresholds (shipped YAML, validation, override) and the ports gazetteer."""

from __future__ import annotations

from importlib import resources

import pytest

from portintel.domain.maritime.behaviour.ports import build_gazetteer, parse_ports
from portintel.domain.maritime.behaviour.settings import BehaviourSettings, parse_settings
from portintel.errors import ConfigurationError


def shipped(name: str) -> str:
    return resources.files("portintel.vocabularies").joinpath(name).read_text(encoding="utf-8")


def test_shipped_thresholds_are_gfw_defaults() -> None:
    settings = parse_settings(shipped("behaviours.yaml"), source="behaviours.yaml")
    assert settings == BehaviourSettings()
    assert settings.gap.min_hours == 6 and settings.gap.disabling_min_shore_nm == 50
    assert settings.encounter.max_distance_m == 500 and settings.encounter.min_hours == 2
    assert settings.port_visit.entry_km == 3 and settings.port_visit.exit_km == 4


def test_override_changes_only_its_keys() -> None:
    base = parse_settings(shipped("behaviours.yaml"), source="behaviours.yaml")
    node = parse_settings("gap:\n  min_hours: 3\n", source="node.yaml", base=base)
    assert node.gap.min_hours == 3
    assert node.gap.disabling_min_hours == 12
    assert node.loitering == base.loitering


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gap:\n  min_hours: six\n", r"node.yaml line 2: gap.min_hours: must be a number"),
        ("gap:\n  min_hours: -1\n", r"node.yaml line 2: gap.min_hours: must be above 0"),
        ("gap:\n  min_hours: true\n", r"line 2: gap.min_hours: must be a number"),
        ("gap:\n\n  minimum_hours: 3\n", r"line 3: gap.minimum_hours: unknown threshold"),
        ("gaps:\n  min_hours: 3\n", r"line 1: gaps: unknown section"),
        ("gap: 3\n", r"line 1: gap: must be a mapping"),
        ("gap:\n  min_hours: [1\n", r"node.yaml line \d+: \(document\): not valid YAML"),
        ("port_visit:\n  exit_km: 2\n", r"exit_km \(2.0\) must not be below"),
    ],
)
def test_bad_thresholds_name_file_line_and_field(text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse_settings(text, source="node.yaml")


def test_gazetteer_covers_the_region_with_sources_and_licences() -> None:
    ports, refused = parse_ports(shipped("ports.csv"), source="ports.csv")
    assert refused == []
    countries = {p.country for p in ports}
    assert {"KH", "TH", "MY", "ID", "VN", "MM", "BD", "LK", "PH"} <= countries
    names = " | ".join(p.name for p in ports)
    for place in (
        "Sihanoukville", "Koh Kong", "Kampot", "Songkhla", "Ranong", "Khlong Toei",
        "Laem Chabang", "Sattahip", "Pattani", "Satun", "Phuket", "Penang", "Port Klang",
        "Belawan", "Tanjung Priok", "Batam", "Dumai", "Saigon", "Yangon", "Kawthaung",
        "Chittagong", "Colombo", "Manila",
    ):  # fmt: skip
        assert place in names, place
    assert all(p.source and p.licence in {"MIT", "CC0-1.0"} for p in ports)
    assert len({p.id for p in ports}) == len(ports)


def test_bad_gazetteer_rows_are_refused_and_good_ones_kept() -> None:
    text = (
        "id,name,country,kind,lat,lon,source,licence\n"
        "A,Good,TH,port,7.2,100.6,me,CC0-1.0\n"
        "B,Bad lat,TH,port,97,100.6,me,CC0-1.0\n"
        "C,Bad kind,TH,castle,7,100,me,CC0-1.0\n"
        "D,No source,TH,port,7,100,,\n"
    )
    gazetteer = build_gazetteer((text, "node-ports.csv"))
    assert [p.id for p in gazetteer.ports] == ["A"]
    assert [r.split(":")[0] for r in gazetteer.refused] == [
        "node-ports.csv line 3",
        "node-ports.csv line 4",
        "node-ports.csv line 5",
    ]


def test_a_node_entry_replaces_a_shipped_one() -> None:
    node = (
        "id,name,country,kind,lat,lon,source,licence\n"
        "KHKOS,Sihanoukville (moved),KH,port,10.7,103.5,analyst,CC0-1.0\n"
    )
    gazetteer = build_gazetteer((shipped("ports.csv"), "ports.csv"), (node, "data/ports.csv"))
    (port,) = [p for p in gazetteer.ports if p.id == "KHKOS"]
    assert port.name == "Sihanoukville (moved)"


def test_nearest_within_a_distance_agrees_with_the_full_search() -> None:
    import numpy as np

    gazetteer = build_gazetteer((shipped("ports.csv"), "ports.csv"))
    rng = np.random.default_rng(7)
    # points scattered around real ports (up to ~20 km) and out at sea
    base = rng.integers(0, len(gazetteer.ports), 2000)
    lat = gazetteer.lat[base] + rng.normal(0, 0.1, base.size)
    lon = gazetteer.lon[base] + rng.normal(0, 0.1, base.size)
    full_index, full_km = gazetteer.nearest(lat, lon)
    index, km = gazetteer.nearest(lat, lon, within_km=10.0)
    inside = full_km <= 10.0
    assert inside.any() and (~inside).any()
    assert np.array_equal(index[inside], full_index[inside])
    assert np.allclose(km[inside], full_km[inside])
    assert np.all(np.isinf(km[~inside])) and np.all(index[~inside] == -1)
