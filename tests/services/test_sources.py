"""Sources: informant identities only for source handlers, never in report views."""

from __future__ import annotations

import pytest

from portintel.domain.actors import Role
from portintel.domain.reports import ReportDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services.collation.entities import get_entity, list_entities
from portintel.services.intake.reports import create_report, get_report
from portintel.services.intake.sources import (
    create_source,
    get_source,
    list_sources,
    sources_to_cite,
)
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user


def test_identity_only_for_source_handlers(workspace: Workspace) -> None:
    handler = make_user(workspace, "handler", IMMIGRATION, Role.SOURCE_HANDLER)
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", IMMIGRATION, Role.SUPERVISOR)
    admin = make_user(workspace, "admin", IMMIGRATION, Role.ADMINISTRATOR)
    source_id = create_source(
        workspace,
        handler,
        kind="informant",
        reference="NIGHT-HERON",
        reliability="B",
        protected_identity="Chan Sopheak, net mender at Stung Hav",
    )
    assert get_source(workspace, handler, source_id).protected_identity.startswith("Chan")
    assert [s.reference for s in list_sources(workspace, handler)] == ["NIGHT-HERON"]
    for reader in (officer, supervisor, admin):
        with pytest.raises(NotFound):
            get_source(workspace, reader, source_id)
        with pytest.raises(PermissionDenied, match="source handlers only"):
            list_sources(workspace, reader)
    for author in (officer, supervisor, handler):
        (cited,) = sources_to_cite(workspace, author)
        assert (cited.id, cited.reference, cited.kind, cited.reliability) == (
            source_id,
            "NIGHT-HERON",
            "informant",
            "B",
        )
        assert "Chan" not in repr(cited)
    with pytest.raises(PermissionDenied):
        sources_to_cite(workspace, admin)
    report_id = create_report(
        workspace,
        officer,
        ReportDraft(
            title="Tip from the harbour",
            text="A boat will leave tonight; contact phone 012 345 678.",
            credibility="3",
            handling="uk-3x5x2:P",
            source_id=source_id,
        ),
    )
    view = get_report(workspace, officer, report_id)
    assert "Chan Sopheak" not in repr(view) and view.source_reference == "NIGHT-HERON"
    for summary in list_entities(workspace, officer):
        assert "Chan Sopheak" not in repr(get_entity(workspace, officer, summary.id))


def test_who_registers_what(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", IMMIGRATION, Role.SUPERVISOR)
    handler = make_user(workspace, "handler", IMMIGRATION, Role.SOURCE_HANDLER)
    for other in (officer, supervisor):
        with pytest.raises(PermissionDenied, match="only source handlers"):
            create_source(workspace, other, kind="open_source", reference="X", reliability="C")
    create_source(workspace, handler, kind="informant", reference="Y", reliability="C")
    create_source(workspace, handler, kind="open_source", reference="FB-GROUP", reliability="E")
    with pytest.raises(Conflict):
        create_source(workspace, handler, kind="public_tip", reference="FB-GROUP", reliability="E")
    with pytest.raises(InvalidInput) as caught:
        create_source(workspace, handler, kind="rumour", reference="Z", reliability="E")
    assert caught.value.field == "kind"
    with pytest.raises(InvalidInput) as caught:
        create_source(workspace, handler, kind="open_source", reference="W", reliability="Q")
    assert caught.value.field == "reliability"
