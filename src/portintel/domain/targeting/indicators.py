"""Indicator sets: read from YAML, validated at load, versioned, overridable by a node.

A set is a YAML document::

    version: "2026.1"            # never edited once released: a new file beside it
    vessel_window_days: 30       # how far back a vessel's own score looks
    indicators:
      - id: encounter_at_sea
        description: Met another vessel at sea, away from any port.
        weight: 20
        condition: {kind: event, type: encounter}

Conditions are the kinds of :mod:`portintel.domain.targeting.conditions`.
A node's file names the shipped set it builds on (``based_on``) and gives
its own ``version``; each of its entries either changes an indicator of the
base by id (only the fields it gives: ``weight``, ``description``,
``condition``, or ``enabled: false`` to drop it) or adds a complete new one.

Parsing is pure (text in, set out); every error names the file, the line and
the field, e.g. ``indicators.yaml line 12: indicators[3].weight: must be a
number, got 'high'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from portintel.domain.targeting.conditions import (
    CONDITION_KINDS,
    KNOWN_EVENT_TYPES,
    AllOf,
    AnyOf,
    Condition,
    DeclaredType,
    EventCondition,
    FlagMismatch,
    FollowedBy,
    GradedIntelligence,
    Incidents,
    NearPlace,
    NoPortCall,
    StraightTransit,
    WatchlistLink,
)
from portintel.errors import ConfigurationError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
MAX_WEIGHT = 1000.0


@dataclass(frozen=True, slots=True)
class Indicator:
    """One explainable rule: when ``condition`` holds, ``weight`` joins the score."""

    id: str
    description: str
    """What an officer reads as the reason (English; translated through the catalog)."""
    weight: float
    condition: Condition
    line: int = 0
    """Where it is defined (for messages)."""


@dataclass(frozen=True, slots=True)
class IndicatorSet:
    version: str
    indicators: tuple[Indicator, ...]
    vessel_window_days: float = 30.0
    source: str = ""
    based_on: str | None = None

    def by_id(self, indicator_id: str) -> Indicator | None:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        return None


class _Reader:
    """Typed access to YAML nodes, every failure naming the file, line and field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, field: str, message: str) -> ConfigurationError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ConfigurationError(
            f"{self.source} line {line}: {field}: {message}",
            hint="fix the definition; docs/targeting.md describes every kind of condition",
        )

    def mapping(self, node: yaml.Node, field: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, "must be a mapping")
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in found:
                raise self.fail(key, f"{field}.{name}" if field else name, "is given twice")
            found[name] = (key, value)
        return found

    def only(
        self, items: dict[str, tuple[yaml.Node, yaml.Node]], allowed: set[str], field: str
    ) -> None:
        for name, (key, _) in items.items():
            if name not in allowed:
                raise self.fail(
                    key,
                    f"{field}.{name}" if field else name,
                    f"unknown field; known: {', '.join(sorted(allowed))}",
                )

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, field, "must be a list")
        return list(node.value)

    def scalar(self, node: yaml.Node, field: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, "must be a single value")
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        return yaml.safe_load(node.value) if node.value else None

    def text(self, node: yaml.Node, field: str) -> str:
        value = self.scalar(node, field)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(node, field, f"must be text, got {node.value!r}")
        text = " ".join(str(value).split())
        if not text:
            raise self.fail(node, field, "must not be empty")
        return text

    def number(
        self,
        node: yaml.Node,
        field: str,
        *,
        low: float = 0.0,
        high: float = float("inf"),
        above: bool = False,
    ) -> float:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, field, f"must be a number, got {getattr(node, 'value', node)!r}")
        if value < low or value > high or (above and value <= low):
            bound = f"above {low:g}" if above else f"from {low:g}"
            raise self.fail(node, field, f"must be {bound} to {high:g}, got {value}")
        return float(value)

    def whole(self, node: yaml.Node, field: str, *, low: int = 1, high: int = 1000) -> int:
        value = self.scalar(node, field)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(node, field, f"must be a whole number from {low} to {high}")
        return value

    def texts(self, node: yaml.Node, field: str) -> tuple[str, ...]:
        items = self.sequence(node, field)
        if not items:
            raise self.fail(node, field, "must list at least one value")
        return tuple(self.text(item, f"{field}[{i}]") for i, item in enumerate(items))

    def table(self, node: yaml.Node, field: str) -> tuple[tuple[str, float], ...]:
        items = self.mapping(node, field)
        if not items:
            raise self.fail(node, field, "must map at least one code to a factor")
        return tuple(
            (name, self.number(value, f"{field}.{name}", high=1.0))
            for name, (_, value) in items.items()
        )


_PARAMETERS: dict[str, set[str]] = {
    "declared_type": {"values", "props"},
    "straight_transit": {"min_hours", "min_straightness", "min_knots"},
    "event": {"type", "min_hours", "details", "near_place", "followed_by", "min_count"},
    "no_port_call": {"min_hours"},
    "flag_mismatch": set(),
    "watchlist_link": {"max_hops", "schemata"},
    "graded_intelligence": {"within_days", "reliability", "credibility"},
    "incidents": {"min_count", "within_days"},
    "any_of": {"conditions"},
    "all_of": {"conditions"},
}
"""The parameters each kind accepts (a test holds it equal to ``CONDITION_KINDS``)."""


def parse_condition(reader: _Reader, node: yaml.Node, field: str) -> Condition:
    """One condition from its YAML mapping (recursively for ``any_of``/``all_of``)."""
    items = reader.mapping(node, field)
    if "kind" not in items:
        raise reader.fail(node, f"{field}.kind", f"missing; one of {', '.join(CONDITION_KINDS)}")
    kind_node = items.pop("kind")[1]
    kind = reader.text(kind_node, f"{field}.kind")
    if kind not in CONDITION_KINDS:
        raise reader.fail(
            kind_node,
            f"{field}.kind",
            f"unknown kind {kind!r}; one of {', '.join(CONDITION_KINDS)}",
        )
    reader.only(items, _PARAMETERS[kind], field)

    def value(name: str) -> yaml.Node | None:
        return items[name][1] if name in items else None

    def number(name: str, default: float, **bounds: Any) -> float:
        found = value(name)
        return default if found is None else reader.number(found, f"{field}.{name}", **bounds)

    def required(name: str) -> yaml.Node:
        found = value(name)
        if found is None:
            raise reader.fail(node, f"{field}.{name}", f"missing; {kind} needs it")
        return found

    if kind in ("any_of", "all_of"):
        children = reader.sequence(required("conditions"), f"{field}.conditions")
        if len(children) < 2:
            raise reader.fail(node, f"{field}.conditions", "must list two conditions or more")
        parsed = tuple(
            parse_condition(reader, child, f"{field}.conditions[{i}]")
            for i, child in enumerate(children)
        )
        return AnyOf(parsed) if kind == "any_of" else AllOf(parsed)
    if kind == "declared_type":
        props = value("props")
        return DeclaredType(
            values=reader.texts(required("values"), f"{field}.values"),
            props=reader.texts(props, f"{field}.props") if props is not None else ("type",),
        )
    if kind == "straight_transit":
        return StraightTransit(
            min_hours=number("min_hours", 6.0, above=True, high=24 * 30),
            min_straightness=number("min_straightness", 0.9, above=True, high=1.0),
            min_knots=number("min_knots", 5.0, high=60),
        )
    if kind == "event":
        return _event(reader, node, field, items, number)
    if kind == "no_port_call":
        return NoPortCall(min_hours=number("min_hours", 72.0, above=True, high=24 * 365))
    if kind == "flag_mismatch":
        return FlagMismatch()
    if kind == "watchlist_link":
        hops = value("max_hops")
        schemata = value("schemata")
        return WatchlistLink(
            max_hops=2 if hops is None else reader.whole(hops, f"{field}.max_hops", high=3),
            schemata=() if schemata is None else reader.texts(schemata, f"{field}.schemata"),
        )
    if kind == "graded_intelligence":
        return GradedIntelligence(
            within_days=number("within_days", 90.0, above=True, high=3650),
            reliability=reader.table(required("reliability"), f"{field}.reliability"),
            credibility=reader.table(required("credibility"), f"{field}.credibility"),
        )
    # incidents
    count = value("min_count")
    days = value("within_days")
    return Incidents(
        min_count=1 if count is None else reader.whole(count, f"{field}.min_count"),
        within_days=None
        if days is None
        else reader.number(days, f"{field}.within_days", above=True, high=36500),
    )


def _event(
    reader: _Reader,
    node: yaml.Node,
    field: str,
    items: dict[str, tuple[yaml.Node, yaml.Node]],
    number: Any,
) -> EventCondition:
    if "type" not in items:
        raise reader.fail(node, f"{field}.type", "missing; event needs it")
    type_node = items["type"][1]
    event_type = reader.text(type_node, f"{field}.type")
    if event_type not in KNOWN_EVENT_TYPES:
        raise reader.fail(
            type_node,
            f"{field}.type",
            f"unknown event type {event_type!r}; one of {', '.join(sorted(KNOWN_EVENT_TYPES))}",
        )
    details: tuple[tuple[str, Any], ...] = ()
    if "details" in items:
        found = reader.mapping(items["details"][1], f"{field}.details")
        details = tuple(
            (name, reader.scalar(value, f"{field}.details.{name}"))
            for name, (_, value) in found.items()
        )
    near: NearPlace | None = None
    if "near_place" in items:
        place_field = f"{field}.near_place"
        place = reader.mapping(items["near_place"][1], place_field)
        reader.only(place, {"kinds", "within_km"}, place_field)
        for needed in ("kinds", "within_km"):
            if needed not in place:
                raise reader.fail(items["near_place"][1], f"{place_field}.{needed}", "missing")
        near = NearPlace(
            kinds=reader.texts(place["kinds"][1], f"{place_field}.kinds"),
            within_km=reader.number(place["within_km"][1], f"{place_field}.within_km", above=True),
        )
    follower: FollowedBy | None = None
    if "followed_by" in items:
        follow_field = f"{field}.followed_by"
        follow_node = items["followed_by"][1]
        follow = reader.mapping(follow_node, follow_field)
        reader.only(follow, {"type", "edge", "within_hours"}, follow_field)
        for needed in ("type", "within_hours"):
            if needed not in follow:
                raise reader.fail(follow_node, f"{follow_field}.{needed}", "missing")
        follow_type = reader.text(follow["type"][1], f"{follow_field}.type")
        if follow_type not in KNOWN_EVENT_TYPES:
            raise reader.fail(
                follow["type"][1], f"{follow_field}.type", f"unknown event type {follow_type!r}"
            )
        edge = "start"
        if "edge" in follow:
            edge = reader.text(follow["edge"][1], f"{follow_field}.edge")
            if edge not in ("start", "end"):
                raise reader.fail(follow["edge"][1], f"{follow_field}.edge", "must be start or end")
        follower = FollowedBy(
            follow_type,
            edge,
            reader.number(follow["within_hours"][1], f"{follow_field}.within_hours", above=True),
        )
    count = items.get("min_count")
    return EventCondition(
        type=event_type,
        min_hours=number("min_hours", 0.0, high=24 * 365),
        details=details,
        near_place=near,
        followed_by=follower,
        min_count=1 if count is None else reader.whole(count[1], f"{field}.min_count"),
    )


_SET_FIELDS = {"version", "vessel_window_days", "indicators", "based_on", "released"}
_INDICATOR_FIELDS = {"id", "description", "weight", "condition", "enabled"}


def _document(text: str, reader: _Reader) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    try:
        document = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigurationError(
            f"{reader.source} line {line}: (document): not valid YAML: {exc}"
        ) from exc
    if document is None:
        raise ConfigurationError(f"{reader.source} line 1: (document): the file is empty")
    items = reader.mapping(document, "")
    reader.only(items, _SET_FIELDS, "")
    return items


def parse_indicator_set(
    text: str, *, source: str, base: IndicatorSet | None = None
) -> IndicatorSet:
    """An indicator set from YAML ``text``; with ``base``, the node's changes over it."""
    reader = _Reader(source)
    items = _document(text, reader)
    if "version" not in items:
        raise ConfigurationError(f"{source} line 1: version: missing; every set has a version")
    version = reader.text(items["version"][1], "version")
    based_on = reader.text(items["based_on"][1], "based_on") if "based_on" in items else None
    if base is not None and based_on is not None and based_on != base.version:
        raise reader.fail(
            items["based_on"][1],
            "based_on",
            f"names set {based_on!r}, but the shipped sets are built on {base.version!r}",
        )
    if base is not None and version == base.version:
        raise reader.fail(items["version"][1], "version", "a node's set needs a version of its own")
    window = (
        reader.number(items["vessel_window_days"][1], "vessel_window_days", above=True, high=3650)
        if "vessel_window_days" in items
        else (base.vessel_window_days if base else 30.0)
    )
    if "indicators" not in items:
        raise ConfigurationError(f"{source} line 1: indicators: missing")
    listed = reader.sequence(items["indicators"][1], "indicators")
    indicators = {i.id: i for i in base.indicators} if base else {}
    seen: set[str] = set()
    for index, node in enumerate(listed):
        field = f"indicators[{index}]"
        entry = reader.mapping(node, field)
        reader.only(entry, _INDICATOR_FIELDS, field)
        if "id" not in entry:
            raise reader.fail(node, f"{field}.id", "missing")
        id_node = entry["id"][1]
        indicator_id = reader.text(id_node, f"{field}.id")
        if not ID_PATTERN.match(indicator_id):
            raise reader.fail(
                id_node, f"{field}.id", "must be lower-case letters, digits and _ (2-64)"
            )
        if indicator_id in seen:
            raise reader.fail(id_node, f"{field}.id", f"{indicator_id!r} is defined twice")
        seen.add(indicator_id)
        field = f"indicators[{indicator_id}]"
        line = node.start_mark.line + 1
        if "enabled" in entry:
            enabled = reader.scalar(entry["enabled"][1], f"{field}.enabled")
            if not isinstance(enabled, bool):
                raise reader.fail(entry["enabled"][1], f"{field}.enabled", "must be true or false")
            if not enabled:
                if indicator_id not in indicators:
                    raise reader.fail(id_node, f"{field}.id", "no such indicator to disable")
                del indicators[indicator_id]
                continue
        earlier = indicators.get(indicator_id) if base else None
        if earlier is None:
            for needed in ("description", "weight", "condition"):
                if needed not in entry:
                    raise reader.fail(node, f"{field}.{needed}", "missing")
        description = (
            reader.text(entry["description"][1], f"{field}.description")
            if "description" in entry
            else earlier.description  # type: ignore[union-attr]
        )
        weight = (
            reader.number(entry["weight"][1], f"{field}.weight", above=True, high=MAX_WEIGHT)
            if "weight" in entry
            else earlier.weight  # type: ignore[union-attr]
        )
        condition = (
            parse_condition(reader, entry["condition"][1], f"{field}.condition")
            if "condition" in entry
            else earlier.condition  # type: ignore[union-attr]
        )
        if earlier is not None:
            indicators[indicator_id] = replace(
                earlier, description=description, weight=weight, condition=condition, line=line
            )
        else:
            indicators[indicator_id] = Indicator(indicator_id, description, weight, condition, line)
    if not indicators:
        raise reader.fail(items["indicators"][1], "indicators", "the set has no indicator")
    return IndicatorSet(
        version=version,
        indicators=tuple(indicators.values()),
        vessel_window_days=window,
        source=source,
        based_on=base.version if base else based_on,
    )
