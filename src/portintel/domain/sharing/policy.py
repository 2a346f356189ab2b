"""The sharing policy: whether a report or statement may go to a partner, and why not.

A pure function of the item, the partner's agreement and the handling
vocabularies (:func:`decide_report`, :func:`decide_statement`), returning a
:class:`Decision` that names every reason an item is withheld, so the dry
run can show an analyst exactly why. :func:`partner_scope` compiles the same
rules into a :class:`PartnerScope`, plain data that the store renders as the
WHERE clause of the partner's view (``portintel.adapters.database.partner_scope``):
a partner is one more scoped reader, filtered in the database like a user.
A property test holds the SQL equal to these functions on both stores.

The rules, and why:

1. An **agreement in force** is needed: an expired one lets nothing go.
2. The item's **category** (reports; entities, i.e. statements; incidents)
   must be one the agreement names.
3. Only **evaluated** intelligence leaves (status evaluated or disseminated):
   a draft or a submitted report has not been graded by a supervisor, an
   archived one is no longer current.
4. The **handling code** must be one the agreement lists; an unknown code
   fails closed.
5. The **TLP** the item would be marked with (the report's TLP, else the
   default TLP of its handling code) must be one the agreement lists.
6. What this node **received** from another node under a restrictive code
   (3x5x2 C, Europol H2/H3, TLP AMBER+STRICT/RED) is not disseminated
   onwards without the provider's permission: a :class:`Permission`
   recorded for that report and that very partner (a supervisor records it,
   with the provider's reference and date). A permission for another
   partner releases nothing; the decision names the permission that released
   an item (:attr:`Decision.releases`), so the dry run shows why it goes.
7. A statement carrying its **own handling** must pass rules 4 and 5 for
   that code too, and its report's rules 3 to 6; a statement from no report
   must carry a handling code (nobody said what may be done with it).
8. **Personal data of victims or minors** (every statement about an entity
   marked as such, see :data:`PROTECTED_PERSON_TOPICS`) goes only where the
   agreement says so.
9. Some things **never leave** whatever the agreement: statements of
   :data:`NEVER_SHARED_PROPERTIES` (internal notes), and the report fields
   of :data:`SANITISED_FIELDS` (source identity, officers' names, internal
   notes, audit data, recipient lists), which are stripped from anything
   allowed. Handling conditions (3x5x2 C) and Europol codes always travel
   with the data.
10. An **incident** goes under its report's rules 3 to 6 (its grading and
    handling are its report's); an incident from no report carries no
    handling code and does not go.
11. **Non-nominal statistics** (counts by month and kind, no person, vessel
    or place) go where the agreement covers statistics; they count only the
    incidents whose report passes rules 3 to 6, and none counted, none go.

Reasons are :class:`Reason` values: a stable ``code``, an English message
template (the message id for translation) and its parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from portintel.domain.handling import HandlingVocabularies
from portintel.domain.report_fields import ReportStatus
from portintel.domain.sharing.partners import Agreement, Category
from portintel.errors import PortintelError

SHAREABLE_STATUSES = frozenset({ReportStatus.EVALUATED, ReportStatus.DISSEMINATED})
"""Rule 3: report statuses that may leave the node."""

NEVER_SHARED_PROPERTIES = frozenset({"notes"})
"""Rule 9: statement properties that never leave (internal notes on an entity)."""

PROTECTED_PERSON_TOPICS = frozenset({"role.victim", "role.minor"})
"""Rule 8: ``topics`` values that mark an entity as a victim or a minor."""

SANITISED_FIELDS: tuple[tuple[str, str], ...] = (
    ("source", "source identities (informants) never leave the node"),
    ("author", "officers' names never leave the node"),
    ("events", "internal notes and the report's history never leave the node"),
    ("audit", "audit data never leaves the node"),
    ("recipients", "a partner never learns who else received a package"),
)
"""Rule 9: report fields stripped from anything allowed, with why."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an item is withheld: a stable code, a message template and its values."""

    code: str
    template: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Decision:
    """Allow (no reason) or deny (every reason that applies)."""

    reasons: tuple[Reason, ...] = ()
    releases: tuple[Reason, ...] = ()
    """Why a restriction does not hold here (rule 6: the provider's permission)."""

    @property
    def allowed(self) -> bool:
        return not self.reasons


@dataclass(frozen=True, slots=True)
class Permission:
    """The provider's permission to pass one received report on to one partner (rule 6)."""

    partner_id: str
    """The partner it may go to: a permission releases nothing to anyone else."""
    provider: str
    reference: str
    granted_on: date


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """The facts about a report that the policy depends on, and nothing else."""

    id: str
    status: ReportStatus
    handling: str
    tlp: str | None = None
    received: bool = False
    """The report came from another node (``origin_node`` is set)."""
    provider: str | None = None
    """The node it came from (``origin_node``), named when its permission is needed."""
    permissions: tuple[Permission, ...] = ()
    """The provider's permissions recorded for this report, for any partner."""

    def permission_for(self, partner_id: str) -> Permission | None:
        return next((p for p in self.permissions if p.partner_id == partner_id), None)


@dataclass(frozen=True, slots=True)
class StatementFacts:
    """The facts about a statement that the policy depends on."""

    report: ReportFacts | None
    prop: str
    handling: str | None = None
    received: bool = False
    """For a statement from no report: its dataset is another node's."""
    protected_person: bool = False
    """Its entity is marked as a victim or a minor (rule 8)."""


def _reason(kind: str, template: str, /, **params: str) -> Reason:
    return Reason(kind, template, params)


def _restrictive(vocabularies: HandlingVocabularies, code: str) -> bool:
    try:
        return vocabularies.is_restrictive(code)
    except PortintelError:
        return True


def _default_tlp(vocabularies: HandlingVocabularies, code: str) -> str | None:
    try:
        return vocabularies.default_tlp(code)
    except PortintelError:
        return None


def _agreement_reasons(agreement: Agreement, category: Category, at: datetime) -> list[Reason]:
    reasons = []
    if not agreement.in_force(at):
        reasons.append(_reason("expired", "the agreement with this partner has expired"))
    if category not in agreement.categories:
        reasons.append(
            _reason(
                "category",
                "the agreement does not cover {category}",
                category=category.value,
            )
        )
    return reasons


def _handling_reasons(
    code: str, tlp: str | None, agreement: Agreement, vocabularies: HandlingVocabularies
) -> list[Reason]:
    """Rules 4 and 5 for one handling code (and an explicit TLP, if any)."""
    reasons = []
    if code not in agreement.handling_codes:
        reasons.append(
            _reason("handling", "handling code {code} is not in the agreement", code=code)
        )
    default = _default_tlp(vocabularies, code)
    if default is None:
        reasons.append(_reason("unknown-handling", "handling code {code} is unknown", code=code))
    marking = tlp if tlp is not None else default
    if marking is not None and marking not in agreement.tlp_levels:
        reasons.append(_reason("tlp", "TLP:{tlp} is not in the agreement", tlp=marking))
    return reasons


def _report_content_reasons(
    report: ReportFacts, agreement: Agreement, vocabularies: HandlingVocabularies
) -> list[Reason]:
    """Rules 3 to 6 for a report (its category left to the caller)."""
    reasons = []
    if report.status not in SHAREABLE_STATUSES:
        reasons.append(
            _reason(
                "status",
                "report {report} is {status}: only evaluated intelligence leaves the node",
                report=report.id,
                status=report.status.value,
            )
        )
    reasons.extend(_handling_reasons(report.handling, report.tlp, agreement, vocabularies))
    if (
        report.received
        and _restrictive(vocabularies, report.handling)
        and report.permission_for(agreement.partner_id) is None
    ):
        reasons.append(_received(report.handling, report.provider))
    return reasons


def _received(code: str, provider: str | None) -> Reason:
    return _reason(
        "received",
        "needs the permission of {provider}, the provider: received under {code}, it is "
        "not disseminated onwards without it",
        code=code,
        provider=provider or "the node it came from",
    )


def _releases(report: ReportFacts | None, agreement: Agreement) -> tuple[Reason, ...]:
    """Rule 6 lifted: the permission that lets a received report go to this partner."""
    permission = None if report is None else report.permission_for(agreement.partner_id)
    if report is None or not report.received or permission is None:
        return ()
    return (
        _reason(
            "permitted",
            "released with the permission of {provider}, the provider ({reference}, {date})",
            provider=permission.provider,
            reference=permission.reference,
            date=permission.granted_on.isoformat(),
        ),
    )


def decide_report(
    report: ReportFacts,
    agreement: Agreement,
    vocabularies: HandlingVocabularies,
    at: datetime,
) -> Decision:
    """Rules 1 to 6: whether ``report`` may go to the agreement's partner."""
    reasons = _agreement_reasons(agreement, Category.REPORTS, at)
    reasons.extend(_report_content_reasons(report, agreement, vocabularies))
    return Decision(tuple(reasons), _releases(report, agreement))


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """The facts about an incident the policy depends on: its report's."""

    id: str
    report: ReportFacts | None


def decide_incident(
    incident: IncidentFacts,
    agreement: Agreement,
    vocabularies: HandlingVocabularies,
    at: datetime,
) -> Decision:
    """Rules 1 to 6 and 10: whether ``incident`` may go to the agreement's partner."""
    reasons = _agreement_reasons(agreement, Category.INCIDENTS, at)
    if incident.report is None:
        reasons.append(_reason("no-report", "an incident from no report carries no handling code"))
    else:
        reasons.extend(_report_content_reasons(incident.report, agreement, vocabularies))
    return Decision(tuple(reasons), _releases(incident.report, agreement))


def countable(
    incident: IncidentFacts, agreement: Agreement, vocabularies: HandlingVocabularies
) -> bool:
    """Rule 11: whether the incident may be counted in statistics for this partner."""
    return incident.report is not None and not _report_content_reasons(
        incident.report, agreement, vocabularies
    )


def decide_statistics(
    incidents: tuple[IncidentFacts, ...],
    agreement: Agreement,
    vocabularies: HandlingVocabularies,
    at: datetime,
) -> Decision:
    """Rules 1, 2 and 11: whether statistics over ``incidents`` may go to the partner."""
    reasons = _agreement_reasons(agreement, Category.STATISTICS, at)
    if not any(countable(incident, agreement, vocabularies) for incident in incidents):
        reasons.append(
            _reason(
                "nothing-counted",
                "no incident of these reports may be counted for this partner",
            )
        )
    return Decision(tuple(reasons))


def decide_statement(
    statement: StatementFacts,
    agreement: Agreement,
    vocabularies: HandlingVocabularies,
    at: datetime,
) -> Decision:
    """Rules 1 to 9: whether ``statement`` may go to the agreement's partner."""
    reasons = _agreement_reasons(agreement, Category.ENTITIES, at)
    if statement.prop in NEVER_SHARED_PROPERTIES:
        reasons.append(
            _reason("never", "{prop}: internal notes never leave the node", prop=statement.prop)
        )
    if statement.protected_person and not agreement.personal_data:
        reasons.append(
            _reason(
                "personal-data",
                "personal data of a victim or minor: the agreement does not allow it",
            )
        )
    own = statement.handling
    report = statement.report
    if report is not None:
        reasons.extend(_report_content_reasons(report, agreement, vocabularies))
        received = report.received
        # the permission to pass the report on covers the facts it brought
        permitted = report.permission_for(agreement.partner_id) is not None
    elif own is None:
        reasons.append(
            _reason("no-handling", "a fact from no report without a handling code of its own")
        )
        received, permitted = statement.received, False
    else:
        received, permitted = statement.received, False
    if own is not None:
        reasons.extend(_handling_reasons(own, None, agreement, vocabularies))
        if received and _restrictive(vocabularies, own) and not permitted:
            reasons.append(_received(own, report.provider if report else None))
    return Decision(tuple(reasons), _releases(report, agreement))


# -- the rules compiled for one partner: data the store renders as SQL --------------


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """What one agreement lets go, as conditions the store renders (see module docstring).

    A report is in the view iff ``reports`` and its status is in
    ``statuses`` and its handling in ``handling`` and its TLP is in
    ``tlp_levels`` (a report without TLP: its handling in
    ``handling_default_tlp``) and it is not received under a restrictive code
    unless a permission for ``partner_id`` is recorded for it.
    A statement is in the view iff ``entities``, its property is not in
    ``never_properties``, its entity carries none of ``protected_topics``,
    and: with a report, the report passes the report conditions (without the
    category) and its own handling, if any, is in ``handling_default_tlp``
    and, when received, not restrictive; without a report, its own handling
    is in ``handling_default_tlp`` and, when its dataset is not ``dataset``,
    not restrictive.
    """

    reports: bool
    entities: bool
    statuses: frozenset[ReportStatus]
    handling: frozenset[str]
    handling_default_tlp: frozenset[str]
    """Codes in the agreement whose default TLP is in the agreement too."""
    tlp_levels: frozenset[str]
    never_properties: frozenset[str]
    protected_topics: frozenset[str]
    dataset: str
    partner_id: str = ""
    """Rule 6: a received restrictive report goes iff a permission for this partner is
    recorded for it (``provider_permissions``)."""
    incidents: bool = False
    """An incident is in the view iff ``incidents`` and it has a report that passes the
    report conditions (without the category)."""
    statistics: bool = False
    """Statistics count the incidents whose report passes the report conditions."""


def partner_scope(
    agreement: Agreement, vocabularies: HandlingVocabularies, at: datetime, *, dataset: str
) -> PartnerScope:
    """Compile rules 1 to 9 for ``agreement`` at ``at`` (``dataset``: this node's)."""
    in_force = agreement.in_force(at)
    known = {
        code for code in agreement.handling_codes if _default_tlp(vocabularies, code) is not None
    }
    return PartnerScope(
        reports=in_force and Category.REPORTS in agreement.categories,
        entities=in_force and Category.ENTITIES in agreement.categories,
        statuses=SHAREABLE_STATUSES,
        handling=frozenset(known),
        handling_default_tlp=frozenset(
            code for code in known if _default_tlp(vocabularies, code) in agreement.tlp_levels
        ),
        tlp_levels=agreement.tlp_levels,
        never_properties=NEVER_SHARED_PROPERTIES,
        protected_topics=frozenset() if agreement.personal_data else PROTECTED_PERSON_TOPICS,
        dataset=dataset,
        partner_id=agreement.partner_id,
        incidents=in_force and Category.INCIDENTS in agreement.categories,
        statistics=in_force and Category.STATISTICS in agreement.categories,
    )
