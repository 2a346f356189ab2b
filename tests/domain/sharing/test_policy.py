"""The sharing policy: allow or deny with reasons, and never more than the agreement allows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.vocabularies import load_handling
from portintel.domain.report_fields import ReportStatus
from portintel.domain.sharing import (
    NEVER_SHARED_PROPERTIES,
    Agreement,
    Category,
    Delivery,
    Permission,
    ReportFacts,
    StatementFacts,
    decide_report,
    decide_statement,
    partner_scope,
)

VOCABULARIES = load_handling()
NOW = datetime(2026, 6, 1, tzinfo=UTC)
HANDLING = tuple(
    f"{vocabulary}:{definition.code}"
    for vocabulary in VOCABULARIES.ids
    for definition in VOCABULARIES.codes(vocabulary)
)
TLP = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
UNKNOWN = "partner:SECRET"


def agreement(**changes: object) -> Agreement:
    values: dict[str, object] = {
        "id": "agreement-1",
        "partner_id": "partner-1",
        "handling_codes": frozenset({"uk-3x5x2:P", "europol:H0", "europol:H1"}),
        "tlp_levels": frozenset({"GREEN", "AMBER"}),
        "categories": frozenset({Category.REPORTS, Category.ENTITIES}),
        "personal_data": False,
        "delivery": Delivery.PULL,
        "expires_at": None,
        "created_at": NOW - timedelta(days=30),
    }
    values.update(changes)
    return Agreement(**values)  # type: ignore[arg-type]


def report(**changes: object) -> ReportFacts:
    values: dict[str, object] = {
        "id": "R-1",
        "status": ReportStatus.EVALUATED,
        "handling": "uk-3x5x2:P",
        "tlp": None,
    }
    values.update(changes)
    return ReportFacts(**values)  # type: ignore[arg-type]


def codes(decision: object) -> set[str]:
    return {reason.code for reason in decision.reasons}  # type: ignore[attr-defined]


def test_an_evaluated_report_within_the_agreement_goes() -> None:
    assert decide_report(report(), agreement(), VOCABULARIES, NOW).allowed


def test_every_reason_is_named_with_a_readable_message() -> None:
    decision = decide_report(
        report(status=ReportStatus.DRAFT, handling="europol:H2", received=True),
        agreement(expires_at=NOW - timedelta(days=1), categories=frozenset({Category.ENTITIES})),
        VOCABULARIES,
        NOW,
    )
    assert not decision.allowed
    assert codes(decision) == {"expired", "category", "status", "handling", "tlp", "received"}
    messages = [reason.message for reason in decision.reasons]
    assert "handling code europol:H2 is not in the agreement" in messages
    assert "TLP:AMBER+STRICT is not in the agreement" in messages
    assert any("needs the permission of" in message for message in messages)


def test_an_explicit_tlp_wins_over_the_default_of_the_handling_code() -> None:
    assert not decide_report(report(tlp="RED"), agreement(), VOCABULARIES, NOW).allowed
    assert decide_report(
        report(handling="europol:H1", tlp="GREEN"), agreement(), VOCABULARIES, NOW
    ).allowed


def test_an_h2_report_received_from_another_node_does_not_go_onwards() -> None:
    allows_h2 = agreement(
        handling_codes=frozenset({"europol:H2"}), tlp_levels=frozenset({"AMBER+STRICT"})
    )
    own = report(handling="europol:H2")
    assert decide_report(own, allows_h2, VOCABULARIES, NOW).allowed
    received = decide_report(
        report(handling="europol:H2", received=True), allows_h2, VOCABULARIES, NOW
    )
    assert codes(received) == {"received"}


def test_the_providers_permission_releases_a_received_report_to_that_partner_only() -> None:
    allows = agreement(
        handling_codes=frozenset({"europol:H2", "uk-3x5x2:C"}),
        tlp_levels=frozenset({"AMBER", "AMBER+STRICT"}),
    )
    letter = Permission("partner-1", "KH-CAU", "KH-CAU letter 7", NOW.date())
    for code in ("europol:H2", "uk-3x5x2:C"):
        withheld = decide_report(
            report(handling=code, received=True, provider="KH-CAU"), allows, VOCABULARIES, NOW
        )
        (reason,) = withheld.reasons
        assert reason.message.startswith("needs the permission of KH-CAU, the provider")
        for_another = report(
            handling=code, received=True, provider="KH-CAU",
            permissions=(Permission("partner-2", "KH-CAU", "x", NOW.date()),),
        )  # fmt: skip
        assert codes(decide_report(for_another, allows, VOCABULARIES, NOW)) == {"received"}
        permitted = report(handling=code, received=True, provider="KH-CAU", permissions=(letter,))
        released = decide_report(permitted, allows, VOCABULARIES, NOW)
        assert released.allowed
        (why,) = released.releases
        assert why.code == "permitted" and "KH-CAU letter 7" in why.message
        # the facts the report brought go with it, their own restrictive code too
        fact = StatementFacts(report=permitted, prop="name", handling="uk-3x5x2:C")
        assert decide_statement(
            fact, replace(allows, categories=frozenset({Category.ENTITIES})), VOCABULARIES, NOW
        ).allowed


def test_an_unknown_code_fails_closed_even_when_the_agreement_names_it() -> None:
    naive = agreement(handling_codes=frozenset({UNKNOWN}), tlp_levels=frozenset(TLP))
    decision = decide_report(report(handling=UNKNOWN, tlp="GREEN"), naive, VOCABULARIES, NOW)
    assert codes(decision) == {"unknown-handling"}


def test_statements_of_victims_and_minors_need_the_agreement_to_say_so() -> None:
    fact = StatementFacts(report=report(), prop="name", protected_person=True)
    assert codes(decide_statement(fact, agreement(), VOCABULARIES, NOW)) == {"personal-data"}
    assert decide_statement(fact, agreement(personal_data=True), VOCABULARIES, NOW).allowed


def test_internal_notes_never_leave_whatever_the_agreement() -> None:
    everything = agreement(
        handling_codes=frozenset(HANDLING),
        tlp_levels=frozenset(TLP),
        categories=frozenset(Category),
        personal_data=True,
    )
    for prop in NEVER_SHARED_PROPERTIES:
        fact = StatementFacts(report=report(), prop=prop)
        assert codes(decide_statement(fact, everything, VOCABULARIES, NOW)) == {"never"}


def test_a_fact_from_no_report_needs_a_handling_code_of_its_own() -> None:
    bare = StatementFacts(report=None, prop="name")
    assert codes(decide_statement(bare, agreement(), VOCABULARIES, NOW)) == {"no-handling"}
    coded = StatementFacts(report=None, prop="name", handling="europol:H0")
    assert decide_statement(coded, agreement(), VOCABULARIES, NOW).allowed


# -- property: the policy never allows what the agreement forbids ---------------------


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    return agreement(
        handling_codes=draw(st.frozensets(st.sampled_from((*HANDLING, UNKNOWN)))),
        tlp_levels=draw(st.frozensets(st.sampled_from(TLP))),
        categories=draw(st.frozensets(st.sampled_from(list(Category)))),
        personal_data=draw(st.booleans()),
        expires_at=draw(
            st.none() | st.sampled_from((NOW - timedelta(days=1), NOW + timedelta(days=1)))
        ),
    )


reports = st.builds(
    ReportFacts,
    id=st.just("R-1"),
    status=st.sampled_from(list(ReportStatus)),
    handling=st.sampled_from((*HANDLING, UNKNOWN)),
    tlp=st.none() | st.sampled_from(TLP),
    received=st.booleans(),
    provider=st.none() | st.just("KH-CAU"),
    permissions=st.lists(
        st.builds(
            Permission,
            partner_id=st.sampled_from(("partner-1", "partner-2")),
            provider=st.just("KH-CAU"),
            reference=st.just("letter 12"),
            granted_on=st.just(NOW.date()),
        ),
        max_size=2,
    ).map(tuple),
)
statements = st.builds(
    StatementFacts,
    report=st.none() | reports,
    prop=st.sampled_from(("name", "imoNumber", "notes", "topics")),
    handling=st.none() | st.sampled_from((*HANDLING, UNKNOWN)),
    received=st.booleans(),
    protected_person=st.booleans(),
)


def _marking(facts: ReportFacts) -> str:
    return facts.tlp if facts.tlp is not None else VOCABULARIES.default_tlp(facts.handling)


def _report_within(facts: ReportFacts, terms: Agreement) -> None:
    assert facts.status in (ReportStatus.EVALUATED, ReportStatus.DISSEMINATED)
    assert facts.handling in terms.handling_codes
    assert _marking(facts) in terms.tlp_levels
    if facts.received and VOCABULARIES.is_restrictive(facts.handling):
        # rule 6: never onwards without the provider's permission for this very partner
        assert facts.permission_for(terms.partner_id) is not None


@given(facts=reports, terms=agreements())
def test_an_allowed_report_is_always_within_the_agreement(
    facts: ReportFacts, terms: Agreement
) -> None:
    decision = decide_report(facts, terms, VOCABULARIES, NOW)
    if decision.allowed:
        assert terms.in_force(NOW)
        assert Category.REPORTS in terms.categories
        _report_within(facts, terms)
    else:
        assert all(reason.message for reason in decision.reasons)


@given(facts=statements, terms=agreements())
def test_an_allowed_statement_is_always_within_the_agreement(
    facts: StatementFacts, terms: Agreement
) -> None:
    if not decide_statement(facts, terms, VOCABULARIES, NOW).allowed:
        return
    assert terms.in_force(NOW)
    assert Category.ENTITIES in terms.categories
    assert facts.prop not in NEVER_SHARED_PROPERTIES
    assert terms.personal_data or not facts.protected_person
    if facts.report is not None:
        _report_within(facts.report, terms)
    else:
        assert facts.handling is not None
    if facts.handling is not None:
        assert facts.handling in terms.handling_codes
        assert VOCABULARIES.default_tlp(facts.handling) in terms.tlp_levels
        received = facts.report.received if facts.report else facts.received
        if received and VOCABULARIES.is_restrictive(facts.handling):
            assert facts.report is not None
            assert facts.report.permission_for(terms.partner_id) is not None


@given(terms=agreements())
def test_the_compiled_scope_lists_only_codes_and_levels_of_the_agreement(terms: Agreement) -> None:
    scope = partner_scope(terms, VOCABULARIES, NOW, dataset="node")
    assert scope.handling <= terms.handling_codes
    assert UNKNOWN not in scope.handling
    assert scope.handling_default_tlp <= scope.handling
    assert scope.tlp_levels == terms.tlp_levels
    assert scope.reports == (terms.in_force(NOW) and Category.REPORTS in terms.categories)
    assert bool(scope.protected_topics) != terms.personal_data
