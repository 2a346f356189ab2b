"""Entity import and cross-referencing through the reader's scope (issue #12, items 3 and 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.domain.xref import Decision
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services.collation import cross_reference_entities, import_entities
from portintel.services.intake.reports import create_report, get_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user


def write_entities(path: Path, *entities: dict[str, object], extra: str = "") -> Path:
    lines = [json.dumps(entity, ensure_ascii=False) for entity in entities]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def person(entity_id: str, **properties: str) -> dict[str, object]:
    return {
        "id": entity_id,
        "schema": "Person",
        "properties": {prop: [value] for prop, value in properties.items()},
    }


def test_import_keeps_ids_origin_dataset_and_raw_values(
    workspace: Workspace, tmp_path: Path
) -> None:
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = write_entities(
        tmp_path / "crew.jsonl",
        person("crew-1", name="SOKH CHANTHY", birthDate="1990-02-31", passportNumber="N1234567"),
        {"id": "crew-2", "schema": "Nobody", "properties": {}},
        extra="not json\n",
    )
    summary = import_entities(workspace, analyst, path, dataset="crew-lists")
    assert (summary.entities, summary.statements) == (1, 3)
    assert summary.origin == "import:crew.jsonl"
    assert summary.invalid_values == 1  # 31 February: kept as written, with the reason
    assert [r.line for r in summary.rejected] == [2, 3]
    with workspace.engine.connect() as connection:
        rows = connection.execute(
            select(tables.statements.c.prop, tables.statements.c.value,
                   tables.statements.c.dataset, tables.statements.c.origin,
                   tables.statements.c.invalid_reason, tables.statements.c.entity_id)
        ).all()  # fmt: skip
        quarantined = connection.execute(select(tables.quarantine.c.line)).scalars().all()
    assert {row.entity_id for row in rows} == {"crew-1"}
    assert {(row.dataset, row.origin) for row in rows} == {("crew-lists", "import:crew.jsonl")}
    birth = next(row for row in rows if row.prop == "birthDate")
    assert birth.value == "1990-02-31" and birth.invalid_reason
    assert sorted(quarantined) == [2, 3]
    again = import_entities(workspace, analyst, path, dataset="crew-lists")
    with workspace.engine.connect() as connection:
        count = len(connection.execute(select(tables.statements.c.id)).all())
    assert again.statements == 3 and count == 3  # idempotent: nothing added


def test_import_refuses_administrators_and_other_files(
    workspace: Workspace, tmp_path: Path
) -> None:
    admin = make_user(workspace, "admin", SECURITY, Role.ADMINISTRATOR)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = write_entities(tmp_path / "a.jsonl", person("x", name="A"))
    with pytest.raises(PermissionDenied):
        import_entities(workspace, admin, path)
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("name\nA\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="JSON lines"):
        import_entities(workspace, analyst, csv_file)


def test_xref_proposes_cross_script_pairs_and_merges_on_strong_identifiers(
    workspace: Workspace, tmp_path: Path
) -> None:
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = write_entities(
        tmp_path / "people.jsonl",
        person("kh-1", name="សុខ ចាន់ធី"),
        person("th-1", name="Sok Chanthy"),
        person("id-1", name="WAHYUDI SAPUTRA", passportNumber="B1234567", birthDate="1990-01-02"),
        person("id-2", name="Wahjudi Saputra", passportNumber="B1234567", birthDate="1990-01-02"),
        person("other", name="Nguyen Minh Phuc"),
    )
    import_entities(workspace, analyst, path)
    run = cross_reference_entities(workspace, analyst)
    decided = {(p.left, p.right): p for p in run.pairs}
    assert decided[("kh-1", "th-1")].decision is Decision.REVIEW
    merged = decided[("id-1", "id-2")]
    assert merged.decision is Decision.MERGE and merged.rule == "person-passport@1"
    assert not any("other" in (p.left, p.right) for p in run.pairs if p.decision != Decision.NONE)
    with workspace.engine.connect() as connection:
        actions = connection.execute(select(tables.audit_log.c.action)).scalars().all()
    assert "xref" in actions and "entity.import" in actions


def test_xref_sees_only_what_the_reader_may_read(workspace: Workspace) -> None:
    """A pair is proposed only between entities, and on values, the reader may read."""
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    other = make_user(workspace, "other", MARITIME, Role.OFFICER)
    supervisor = make_user(workspace, "boss", SECURITY, Role.SUPERVISOR)

    def file(author, name: str, passport: str) -> str:  # type: ignore[no-untyped-def]
        report_id = create_report(
            workspace,
            author,
            ReportDraft(
                title="Crew list",
                text="Crew list of the boat.",
                reliability="B",
                credibility="2",
                handling="tlp:GREEN",
                facts=(
                    FactDraft("p", "Person", "name", name),
                    FactDraft("p", "Person", "passportNumber", passport),
                ),
            ),
            submit=True,
        )
        (entity_id,) = get_report(workspace, author, report_id).entity_ids
        return entity_id

    mine = file(officer, "Chhim Vibol", "N7654321")
    theirs = file(other, "Chim Vibul", "N7654329")
    # each officer reads only their own agency's submitted report: no pair, not even a score
    for reader in (officer, other):
        run = cross_reference_entities(workspace, reader)
        assert run.entities == 1 and run.pairs == ()
    # a supervisor reads both
    run = cross_reference_entities(workspace, supervisor)
    (pair,) = [p for p in run.pairs if {p.left, p.right} == {mine, theirs}]
    assert pair.decision is Decision.REVIEW
    assert "passportNumber" in pair.explanation  # one character apart, both readable


def test_administrators_do_not_cross_reference(workspace: Workspace) -> None:
    admin = make_user(workspace, "admin", SECURITY, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        cross_reference_entities(workspace, admin)


def test_the_nodes_settings_choose_the_rules_and_the_threshold(
    workspace: Workspace, tmp_path: Path
) -> None:

    from portintel.errors import ConfigurationError

    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = write_entities(
        tmp_path / "p.jsonl",
        person("a", name="WAHYUDI SAPUTRA", passportNumber="B1234567", birthDate="1990-01-02"),
        person("b", name="Wahjudi Saputra", passportNumber="B1234567", birthDate="1990-01-02"),
    )
    import_entities(workspace, analyst, path)
    base = workspace.settings
    workspace.settings = base.model_copy(update={"xref_merge_rules": ()})
    (pair,) = cross_reference_entities(workspace, analyst).pairs
    assert pair.decision is Decision.REVIEW  # no rule in force: the score decides
    workspace.settings = base.model_copy(update={"xref_merge_rules": ("person-passport@9",)})
    with pytest.raises(ConfigurationError, match="person-passport@9"):
        cross_reference_entities(workspace, analyst)
    workspace.settings = base
