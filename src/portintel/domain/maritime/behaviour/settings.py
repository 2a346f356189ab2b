"""Behaviour thresholds: the shipped ``behaviours.yaml`` and a node's override, validated.

Parsing is pure (text in, settings out): the service reads the files. Every
error names the file, the line and the field, e.g.
``behaviours.yaml line 14: gap.min_hours: must be a number above 0, got 'six'``.
An override holds only the keys it changes; an unknown key is refused (a typo
would otherwise silently keep the default).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from typing import Any

import yaml

from portintel.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class SegmentSettings:
    max_implied_speed_knots: float = 25.0
    max_silence_hours: float = 24.0


@dataclass(frozen=True, slots=True)
class GapSettings:
    min_hours: float = 6.0
    disabling_min_hours: float = 12.0
    disabling_min_shore_nm: float = 50.0


@dataclass(frozen=True, slots=True)
class LoiteringSettings:
    max_speed_knots: float = 2.0
    min_hours: float = 4.0
    max_fix_interval_hours: float = 2.0


@dataclass(frozen=True, slots=True)
class EncounterSettings:
    max_distance_m: float = 500.0
    min_hours: float = 2.0
    max_speed_knots: float = 2.0
    min_port_distance_km: float = 10.0
    resample_minutes: float = 10.0
    max_interpolation_gap_hours: float = 1.0
    merge_gap_hours: float = 4.0
    cell_degrees: float = 0.5


@dataclass(frozen=True, slots=True)
class PortVisitSettings:
    entry_km: float = 3.0
    exit_km: float = 4.0
    stop_speed_knots: float = 0.2
    restart_speed_knots: float = 0.5


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    two_places_min_km: float = 10.0
    two_places_max_minutes: float = 10.0


@dataclass(frozen=True, slots=True)
class JumpSettings:
    min_implied_speed_knots: float = 50.0
    min_distance_km: float = 5.0


@dataclass(frozen=True, slots=True)
class EvidenceSettings:
    positions: float = 5.0


@dataclass(frozen=True, slots=True)
class BehaviourSettings:
    """Every threshold of every behaviour (defaults: GFW's published values)."""

    segments: SegmentSettings = SegmentSettings()
    gap: GapSettings = GapSettings()
    loitering: LoiteringSettings = LoiteringSettings()
    encounter: EncounterSettings = EncounterSettings()
    port_visit: PortVisitSettings = PortVisitSettings()
    identity_change: IdentitySettings = IdentitySettings()
    implausible_jump: JumpSettings = JumpSettings()
    evidence: EvidenceSettings = EvidenceSettings()

    def section(self, name: str) -> dict[str, float]:
        """One section as a plain mapping (the ``parameters`` of an event)."""
        return dict(_section(getattr(self, name)))


@functools.lru_cache(maxsize=64)
def _section(value: Any) -> tuple[tuple[str, float], ...]:
    # asked once per event: the field names of a frozen section, looked up once
    return tuple((f.name, getattr(value, f.name)) for f in fields(value))


def _fail(source: str, line: int, field: str, message: str) -> ConfigurationError:
    return ConfigurationError(
        f"{source} line {line}: {field}: {message}",
        hint="fix the value; docs/behaviours.md lists every threshold and its range",
    )


def _number(node: yaml.Node, source: str, field: str) -> float:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode):
        raise _fail(source, line, field, "must be a number")
    value: Any = yaml.safe_load(node.value) if node.tag != "tag:yaml.org,2002:str" else node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(source, line, field, f"must be a number above 0, got {node.value!r}")
    if not value > 0:
        raise _fail(source, line, field, f"must be above 0, got {value}")
    return float(value)


def parse_settings(
    text: str, *, source: str, base: BehaviourSettings | None = None
) -> BehaviourSettings:
    """Settings from YAML ``text``: every key given replaces ``base``'s (the defaults)."""
    settings = base or BehaviourSettings()
    try:
        document = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise _fail(source, line, "(document)", f"not valid YAML: {exc}") from exc
    if document is None:
        return settings
    if not isinstance(document, yaml.MappingNode):
        raise _fail(source, document.start_mark.line + 1, "(document)", "expected a mapping")
    known = {f.name for f in fields(BehaviourSettings)}
    for key_node, value_node in document.value:
        name = str(key_node.value)
        line = key_node.start_mark.line + 1
        if name not in known:
            raise _fail(source, line, name, f"unknown section; known: {', '.join(sorted(known))}")
        if not isinstance(value_node, yaml.MappingNode):
            raise _fail(source, line, name, "must be a mapping of thresholds")
        section = getattr(settings, name)
        section_fields = {f.name for f in fields(section)}
        changes: dict[str, float] = {}
        for item_key, item_value in value_node.value:
            item = str(item_key.value)
            dotted = f"{name}.{item}"
            if item not in section_fields:
                raise _fail(
                    source,
                    item_key.start_mark.line + 1,
                    dotted,
                    f"unknown threshold; known: {', '.join(sorted(section_fields))}",
                )
            changes[item] = _number(item_value, source, dotted)
        settings = replace(settings, **{name: replace(section, **changes)})
    _check_consistency(settings, source)
    return settings


def _check_consistency(settings: BehaviourSettings, source: str) -> None:
    visit = settings.port_visit
    if visit.exit_km < visit.entry_km:
        raise ConfigurationError(
            f"{source}: port_visit.exit_km ({visit.exit_km}) must not be below "
            f"port_visit.entry_km ({visit.entry_km})",
            hint="a vessel leaves a port farther out than where it entered it",
        )
    if visit.restart_speed_knots < visit.stop_speed_knots:
        raise ConfigurationError(
            f"{source}: port_visit.restart_speed_knots must not be below stop_speed_knots"
        )
    if settings.gap.disabling_min_hours < settings.gap.min_hours:
        raise ConfigurationError(
            f"{source}: gap.disabling_min_hours must not be below gap.min_hours"
        )
