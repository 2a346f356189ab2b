"""The node's port aliases and added ports: read over the shipped ones, refused by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.adapters.behaviour_config import add_node_port, load_gazetteer, load_port_aliases
from portintel.domain.maritime.behaviour.ports import Port
from portintel.errors import ConfigurationError

BEACH = Port("DEMO-X", "A beach", "TH", "landing_site", 8.05, 100.45, "test", "CC0-1.0")


def test_aliases_of_the_node_add_to_the_shipped_ones(tmp_path: Path) -> None:
    assert "Kompong Som" in load_port_aliases(tmp_path)["KHKOS"]
    (tmp_path / "port-aliases.csv").write_text("id,alias\nKHKOS,Som Port\n", encoding="utf-8")
    assert load_port_aliases(tmp_path)["KHKOS"][-1] == "Som Port"
    (tmp_path / "port-aliases.csv").write_text("id,alias\nKHKOS\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"port-aliases\.csv line 2"):
        load_port_aliases(tmp_path)


def test_a_port_is_added_once_to_the_nodes_file(tmp_path: Path) -> None:
    assert add_node_port(tmp_path, BEACH) is True
    assert add_node_port(tmp_path, BEACH) is False
    (entry,) = [p for p in load_gazetteer(tmp_path).ports if p.id == "DEMO-X"]
    assert (entry.kind, entry.lat, entry.lon) == ("landing_site", 8.05, 100.45)
    text = (tmp_path / "ports.csv").read_text(encoding="utf-8")
    assert text.count("DEMO-X") == 1 and text.startswith("id,name,country,kind,lat,lon")
