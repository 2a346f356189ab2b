"""Products: templates, their life (draft -> submitted -> approved), handling and readers.

A product is a threat assessment, an intelligence bulletin, a target profile
or a network profile: text sections from its template, plus items embedded
from the workspace (a link chart, a map of incidents, a statistics table, the
timeline of an entity or of a saved chart's entities, a saved chart as its
owner laid it out).

**Handling.** Every embedded item rests on reports (its sources) and carries
the strictest handling of them; the product's handling is at least the
strictest of its items' (:func:`strictest`), whatever the author chose, and
the product says when it was raised and why. Strictness is ranked by the
TLP marking a code is exchanged under (CLEAR < GREEN < AMBER < AMBER+STRICT
< RED), then by whether the code is restrictive.

**Readers.** A product is read like a report of the same author, agency,
handling and stage (:func:`access_of`): a draft by its author only, a
submitted one by the author's agency and supervisors, an approved one as an
evaluated report (restrictive handling: the author's agency and supervisors
only). So a reader sees a product only if they may read its handling.

**Scope of the embedded items.** They are computed within the author's
scope (what the author may read), never the reader's, and frozen when a
supervisor approves: what was approved is what prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from portintel.domain.access import ReportAccess
from portintel.domain.handling import HandlingVocabularies
from portintel.domain.reports import ReportStatus
from portintel.errors import InvalidInput


class ProductStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


STATUS_LABELS = {
    ProductStatus.DRAFT: "Draft",
    ProductStatus.SUBMITTED: "Submitted for approval",
    ProductStatus.APPROVED: "Approved",
}

AS_REPORT = {
    ProductStatus.DRAFT: ReportStatus.DRAFT,
    ProductStatus.SUBMITTED: ReportStatus.SUBMITTED,
    ProductStatus.APPROVED: ReportStatus.EVALUATED,
}
"""The report stage a product is read like (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class ProductTemplate:
    id: str
    label: str
    description: str
    sections: tuple[str, ...]


TEMPLATES: Mapping[str, ProductTemplate] = {
    template.id: template
    for template in (
        ProductTemplate(
            "threat_assessment",
            "Threat assessment",
            "Strategic: the threat of migrant smuggling by sea, its routes, methods and outlook.",
            ("Key judgements", "The threat", "Routes and methods", "Outlook", "Recommendations"),
        ),
        ProductTemplate(
            "intelligence_bulletin",
            "Intelligence bulletin",
            "Tactical: what happened in the period and what to look for next.",
            ("Summary", "Events", "Indicators to watch"),
        ),
        ProductTemplate(
            "target_profile",
            "Target profile",
            "One person, vessel or company: who they are, what they do, who they deal with.",
            ("Subject", "Activity", "Associates", "Assessment"),
        ),
        ProductTemplate(
            "network_profile",
            "Network profile",
            "A smuggling network: its members and roles, methods, and the gaps in what is known.",
            ("Network overview", "Members and roles", "Methods", "Assessment", "Gaps"),
        ),
    )
}


class ItemKind(StrEnum):
    CHART = "chart"
    MAP = "map"
    STATISTICS = "statistics"
    TIMELINE = "timeline"
    SAVED_CHART = "saved_chart"


ITEM_LABELS = {
    ItemKind.CHART: "Link chart",
    ItemKind.MAP: "Map of incidents",
    ItemKind.STATISTICS: "Statistics",
    ItemKind.TIMELINE: "Timeline",
    ItemKind.SAVED_CHART: "Saved chart",
}


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """What an embedded item shows; it is computed at rendering, in the author's scope."""

    kind: ItemKind
    caption: str
    entity_id: str | None = None
    hops: int = 2
    since: str | None = None
    """``YYYY-MM-DD``"""
    until: str | None = None
    period: str = "month"
    dimension: str = "route"
    chart_id: str | None = None
    """A saved chart: the chart embedded, or (a timeline) whose entities have lanes."""

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "caption": self.caption,
            "entity_id": self.entity_id,
            "hops": self.hops,
            "since": self.since,
            "until": self.until,
            "period": self.period,
            "dimension": self.dimension,
            "chart_id": self.chart_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ItemSpec:
        return cls(
            kind=ItemKind(data["kind"]),
            caption=str(data.get("caption") or ""),
            entity_id=data.get("entity_id"),
            hops=int(data.get("hops") or 2),
            since=data.get("since"),
            until=data.get("until"),
            period=str(data.get("period") or "month"),
            dimension=str(data.get("dimension") or "route"),
            chart_id=data.get("chart_id") or None,
        )

    def check(self) -> None:
        if self.kind is ItemKind.CHART and not (self.entity_id or "").strip():
            raise InvalidInput("a link chart starts from an entity: give its id", field="entity_id")
        if self.kind is ItemKind.SAVED_CHART and not (self.chart_id or "").strip():
            raise InvalidInput(
                "choose the saved chart to embed",
                field="chart_id",
                hint="save a chart from its page first, or ask its owner to share it with you",
            )
        if self.kind is ItemKind.TIMELINE:
            has_entity, has_chart = bool((self.entity_id or "").strip()), bool(self.chart_id)
            if has_entity == has_chart:
                raise InvalidInput(
                    "a timeline is of one entity or of a saved chart's entities: give one of them",
                    field="entity_id",
                    hint="give the entity's id, or choose a saved chart, not both",
                )
            if self.since and self.until and self.since > self.until:
                raise InvalidInput("the timeline's start is after its end", field="since")
        if not 1 <= self.hops <= 3:
            raise InvalidInput("a chart in a product reaches 1 to 3 steps", field="hops")
        if len(self.caption) > 300:
            raise InvalidInput("a caption has at most 300 characters", field="caption")


def template_of(template_id: str) -> ProductTemplate:
    try:
        return TEMPLATES[template_id]
    except KeyError as exc:
        raise InvalidInput(
            f"no product template {template_id!r}",
            field="template",
            hint="choose a threat assessment, bulletin, target profile or network profile",
        ) from exc


def rank(code: str, vocabularies: HandlingVocabularies) -> tuple[int, bool]:
    """How strict a handling code is: its TLP's place in the TLP order, then restrictive."""
    order = [d.code for d in vocabularies.codes(vocabularies.tlp_vocabulary)]
    tlp = vocabularies.default_tlp(code)
    return (order.index(tlp) if tlp in order else len(order), vocabularies.is_restrictive(code))


def strictest(codes: Iterable[str], vocabularies: HandlingVocabularies) -> str | None:
    """The strictest of ``codes`` (the first of equals), or None when there is none."""
    chosen: str | None = None
    for code in codes:
        if chosen is None or rank(code, vocabularies) > rank(chosen, vocabularies):
            chosen = code
    return chosen


def access_of(
    author_id: str, agency_id: str, status: ProductStatus, restrictive: bool
) -> ReportAccess:
    """The need-to-know facts of a product: those of a report at the same stage."""
    return ReportAccess(
        author_id=author_id, agency_id=agency_id, status=AS_REPORT[status], restrictive=restrictive
    )


__all__ = [
    "AS_REPORT",
    "ITEM_LABELS",
    "STATUS_LABELS",
    "TEMPLATES",
    "ItemKind",
    "ItemSpec",
    "ProductStatus",
    "ProductTemplate",
    "access_of",
    "rank",
    "strictest",
    "template_of",
]
