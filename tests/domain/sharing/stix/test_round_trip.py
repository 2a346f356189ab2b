"""Random reports, handling and grading: valid bundles, and nothing lost on the way back.

Hypothesis draws a report (any scheme, any codes, any handling code with the
conditions it needs, any TLP a person could choose), an entity with facts
from it (some overriding grading or handling) and an incident, builds the
bundle, checks it with stix2-validator in strict mode and reads it back as a
receiver whose scheme is also drawn.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.handling import ConditionsRule, HandlingVocabularies
from portintel.domain.sharing.stix.bundle import build_bundle
from portintel.domain.sharing.stix.ftm import ftm_document, read_ftm_document
from portintel.domain.sharing.stix.identifiers import truncate
from portintel.domain.sharing.stix.parse import BundleReader
from portintel.domain.sharing.stix.records import (
    EntityRecord,
    Handling,
    IncidentRecord,
    ReportRecord,
    Selection,
)
from portintel.domain.sharing.stix.vocabulary import StixVocabulary
from portintel.domain.statements import StatementRecord

from .conftest import validation_problems

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(str.strip)


@st.composite
def gradings(draw: st.DrawFn, schemes: GradingSchemes) -> Grading:
    scheme = schemes.get(draw(st.sampled_from(schemes.ids)))
    reliability = draw(st.sampled_from([grade.code for grade in scheme.reliability]))
    credibility = draw(st.sampled_from([grade.code for grade in scheme.credibility]))
    return Grading(scheme.id, reliability, credibility)


@st.composite
def handlings(draw: st.DrawFn, handling: HandlingVocabularies) -> Handling:
    vocabulary = draw(st.sampled_from(handling.ids))
    definition = draw(st.sampled_from(handling.codes(vocabulary)))
    conditions = None
    if definition.conditions is ConditionsRule.REQUIRED or (
        definition.conditions is ConditionsRule.OPTIONAL and draw(st.booleans())
    ):
        conditions = draw(words)
    code = handling.parse(str(definition), conditions)
    tlp = None
    if vocabulary != handling.tlp_vocabulary and draw(st.booleans()):
        tlp = draw(st.sampled_from([d.code for d in handling.codes(handling.tlp_vocabulary)]))
    return Handling(code, tlp)


def effective_tlp(handling: HandlingVocabularies, value: Handling) -> str:
    return value.tlp or handling.default_tlp(value.code)


@st.composite
def selections(
    draw: st.DrawFn, schemes: GradingSchemes, handling: HandlingVocabularies
) -> Selection:
    reported = draw(moments)
    report = ReportRecord(
        id=draw(st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True)),
        title=draw(words),
        text=draw(st.text(max_size=200)),
        grading=draw(gradings(schemes)),
        handling=draw(handlings(handling)),
        reported_at=reported,
        modified=draw(moments),
        occurred_at=draw(st.none() | moments),
        place=draw(st.none() | words),
        latitude=None,
        longitude=None,
        category=draw(st.none() | st.sampled_from(["boarding", "tip", "observation"])),
        revoked=draw(st.booleans()),
    )
    if draw(st.booleans()):
        report = replace(
            report, latitude=draw(st.floats(-90, 90)), longitude=draw(st.floats(-180, 180))
        )
    first = draw(moments)
    facts: list[StatementRecord] = []
    schema = draw(st.sampled_from(["Vessel", "Person", "Company", "Passport"]))
    for prop in ("name", "phone" if schema == "Person" else "name"):
        override = draw(st.none() | gradings(schemes))
        override_handling = draw(st.none() | handlings(handling))
        facts.append(
            StatementRecord(
                entity_id="e-1",
                schema=schema,
                prop=prop if schema != "Passport" else "number",
                prop_type="string",
                value=draw(words),
                dataset="X",
                origin=report.id,
                first_seen=first,
                last_seen=first,
                grading_scheme=override.scheme if override else None,
                reliability=override.reliability if override else None,
                credibility=override.credibility if override else None,
                handling=(
                    str(override_handling.code)
                    if override_handling and override_handling.code.conditions is None
                    else None
                ),
            )
        )
    entity = EntityRecord("e-1", schema, tuple(facts), modified=draw(moments))
    incident = IncidentRecord(
        id="i-1",
        kind=draw(st.sampled_from(["detected", "intercepted", "rescued", "capsized"])),
        occurred_at=draw(moments),
        migrants=draw(st.integers(0, 500)),
        minors=draw(st.integers(0, 50)),
        grading=draw(gradings(schemes)),
        handling=draw(handlings(handling)),
        modified=draw(moments),
        report_id=report.id,
        vessel_entity_id="e-1",
        nationalities=tuple(draw(st.lists(st.sampled_from(["mm", "bd", "af", "lk"]), max_size=3))),
    )
    return Selection(
        node=draw(st.sampled_from(["KH-PIU-SHV", "KH-CAU", "TH-PIU-RNG", "ID-PIU-BLW"])),
        reports=(report,),
        entities=(entity,),
        incidents=(incident,),
    )


def test_random_bundles_are_strictly_valid_and_round_trip(
    vocabulary: StixVocabulary, schemes: GradingSchemes, handling: HandlingVocabularies
) -> None:
    @settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
    @given(selection=selections(schemes, handling), local=st.sampled_from(schemes.ids))
    def check(selection: Selection, local: str) -> None:
        bundle = build_bundle(selection, vocabulary, schemes, handling)
        assert validation_problems(bundle) == []
        received = BundleReader(vocabulary, schemes, handling, local).read(bundle)

        assert received.sender == selection.node
        (sent,) = selection.reports
        (got,) = received.reports
        assert got.sender_id == sent.id
        assert (got.title, got.text) == (sent.title, sent.text)
        assert got.grading.original == sent.grading
        assert got.grading.mapped == schemes.map(sent.grading, local)
        assert got.handling.code == sent.handling.code
        assert got.handling.tlp == effective_tlp(handling, sent.handling)
        assert got.revoked == sent.revoked
        assert got.modified == truncate(max(sent.modified, sent.reported_at))
        assert (got.latitude, got.longitude) == (sent.latitude, sent.longitude)

        (entity,) = selection.entities
        assert len(received.statements) == len(entity.statements)
        for fact, statement in zip(entity.statements, received.statements, strict=True):
            assert (statement.prop, statement.value) == (fact.prop, fact.value)
            assert statement.dataset == selection.node
            assert statement.origin == got.stix_id
            assert statement.first_seen == truncate(fact.first_seen)
            assert statement.grading is not None and statement.handling is not None
            if fact.grading_scheme is None:
                assert statement.grading.original == sent.grading
            else:
                assert statement.grading.original == Grading(
                    fact.grading_scheme, fact.reliability or "", fact.credibility or ""
                )
            if fact.handling is None:
                assert statement.handling == got.handling
            else:
                assert str(statement.handling.code) == fact.handling

        (incident,) = selection.incidents
        (back,) = received.incidents
        assert back.grading.original == incident.grading
        assert back.handling.code == incident.handling.code
        assert back.handling.tlp == effective_tlp(handling, incident.handling)
        assert (back.kind, back.migrants, back.minors, back.nationalities) == (
            incident.kind,
            incident.migrants,
            incident.minors,
            incident.nationalities,
        )

    check()


def test_entity_marking_is_never_wider_than_any_of_its_statements(
    vocabulary: StixVocabulary, schemes: GradingSchemes, handling: HandlingVocabularies
) -> None:
    """An entity built from facts of several reports takes the strictest TLP of them all."""
    order = list(vocabulary.tlp)

    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    @given(
        base=selections(schemes, handling),
        others=st.lists(handlings(handling), min_size=1, max_size=3),
    )
    def check(base: Selection, others: list[Handling]) -> None:
        (report,) = base.reports
        (entity,) = base.entities
        extra = tuple(
            replace(report, id=f"{report.id}-{index}", handling=value)
            for index, value in enumerate(others)
        )
        facts = entity.statements + tuple(
            replace(entity.statements[0], origin=item.id, value=f"value {index}")
            for index, item in enumerate(extra)
        )
        selection = replace(
            base, reports=(report, *extra), entities=(replace(entity, statements=facts),)
        )
        bundle = build_bundle(selection, vocabulary, schemes, handling)
        assert validation_problems(bundle) == []
        objects = bundle["objects"]
        assert isinstance(objects, list)
        (marked,) = [
            obj
            for obj in objects
            if obj["id"].startswith(("identity--", "x-portintel-vessel--", "x-portintel-entity--"))
            and "object_marking_refs" in obj
        ]
        tlp_ids = {m.id: code for code, m in vocabulary.tlp.items()}
        (tlp,) = [tlp_ids[ref] for ref in marked["object_marking_refs"] if ref in tlp_ids]
        expected = [effective_tlp(handling, override_or(fact, selection)) for fact in facts]
        assert order.index(tlp) == max(order.index(code) for code in expected)
        received = BundleReader(vocabulary, schemes, handling, "admiralty").read(bundle)
        for fact, statement in zip(facts, received.statements, strict=True):
            assert statement.handling is not None
            if fact.handling is None:
                sent = override_or(fact, selection)
                assert statement.handling.code == sent.code
                assert statement.handling.tlp == effective_tlp(handling, sent)

    def override_or(fact: StatementRecord, selection: Selection) -> Handling:
        if fact.handling is not None:
            vocabulary_id, _, code = fact.handling.partition(":")
            return Handling(handling.parse(f"{vocabulary_id}:{code}"))
        return next(r.handling for r in selection.reports if r.id == fact.origin)

    check()


def test_ftm_documents_round_trip_grading_and_handling(
    schemes: GradingSchemes, handling: HandlingVocabularies
) -> None:
    @settings(max_examples=60)
    @given(selection=selections(schemes, handling), local=st.sampled_from(schemes.ids))
    def check(selection: Selection, local: str) -> None:
        received = read_ftm_document(ftm_document(selection, handling), schemes, handling, local)
        (sent,) = selection.reports
        (got,) = received.reports
        assert got.grading.original == sent.grading
        assert got.grading.mapped == schemes.map(sent.grading, local)
        assert got.handling.code == sent.handling.code
        assert got.handling.tlp == effective_tlp(handling, sent.handling)
        (entity,) = selection.entities
        for fact, statement in zip(entity.statements, received.statements, strict=True):
            assert (statement.prop, statement.value, statement.origin) == (
                fact.prop,
                fact.value,
                fact.origin,
            )
            assert statement.grading is not None
            if fact.grading_scheme is None:
                assert statement.grading.original == sent.grading

    check()
