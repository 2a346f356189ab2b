"""Reading the report form: the fields of a page form to a ReportDraft, errors kept on the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import InvalidInput

VESSEL_FIELDS = (("vessel_name", "name"), ("vessel_imo", "imoNumber"), ("vessel_mmsi", "mmsi"))


def parse_local_time(value: str, field_name: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` from a datetime-local input, read as UTC; empty means none."""
    text = value.strip()
    if not text:
        return None
    for layout in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise InvalidInput(
        f"{field_name} {value!r} is not a date and time",
        field=field_name,
        hint="use YYYY-MM-DD HH:MM (UTC)",
    )


def parse_coordinate(value: str, field_name: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise InvalidInput(
            f"{field_name} {value!r} is not a number", field=field_name, hint="e.g. 10.6093"
        ) from exc


@dataclass
class ReportForm:
    """The report form as typed, so a refused form comes back filled in."""

    title: str = ""
    text: str = ""
    occurred_at: str = ""
    place: str = ""
    latitude: str = ""
    longitude: str = ""
    reliability: str = ""
    credibility: str = ""
    handling: str = ""
    handling_conditions: str = ""
    releasable_to: list[str] = field(default_factory=list)
    source_id: str = ""
    vessel_name: str = ""
    vessel_imo: str = ""
    vessel_mmsi: str = ""

    def facts(self) -> tuple[FactDraft, ...]:
        """The vessel named in the form, as facts of one entity."""
        return tuple(
            FactDraft(entity_key="vessel", schema="Vessel", prop=prop, value=value.strip())
            for name, prop in VESSEL_FIELDS
            if (value := getattr(self, name)).strip()
        )

    def draft(self, *, scheme_id: str) -> ReportDraft:
        return ReportDraft(
            title=self.title.strip(),
            text=self.text,
            credibility=self.credibility,
            handling=self.handling,
            reliability=self.reliability or None,
            grading_scheme=scheme_id,
            handling_conditions=self.handling_conditions.strip() or None,
            releasable_to=tuple(self.releasable_to),
            occurred_at=parse_local_time(self.occurred_at, "occurred_at"),
            place=self.place.strip() or None,
            latitude=parse_coordinate(self.latitude, "latitude"),
            longitude=parse_coordinate(self.longitude, "longitude"),
            source_id=self.source_id or None,
            facts=self.facts(),
        )
