"""Intake: reports, their filing, attachments, sources, imports, extraction and statements.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).

Its modules are imported on first use of a name (PEP 562), so a caller that
writes statements (the AIS vessel registry) does not import report imports,
extraction and the followthemoney model behind them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portintel.services.intake.attachments import add_attachment, read_attachment
    from portintel.services.intake.entity_scope import readable_references
    from portintel.services.intake.fact_statements import new_entity_id, resolve_entity_ids
    from portintel.services.intake.imports import ImportSummary, Rejection, import_reports
    from portintel.services.intake.reports import (
        ReportFilters,
        apply_transition,
        archive_report,
        count_reports,
        create_report,
        evaluate_report,
        get_report,
        list_reports,
        mark_disseminated,
        report_exists,
        return_report,
        submit_report,
    )
    from portintel.services.intake.sources import (
        SourceKind,
        SourceView,
        create_source,
        get_source,
        list_sources,
    )
    from portintel.services.intake.statements import (
        widen_spans_by_id,
        widen_statement_spans,
        write_statements,
    )
    from portintel.services.intake.suggestions import (
        Decision,
        SuggestionList,
        SuggestionStatus,
        SuggestionView,
        decide_suggestion,
        list_suggestions,
    )
    from portintel.services.intake.views import (
        AttachmentView,
        ReportEntity,
        ReportEventView,
        ReportSummary,
        ReportView,
        is_restrictive,
    )

_MODULE_OF = {
    **dict.fromkeys(("add_attachment", "read_attachment"), "attachments"),
    **dict.fromkeys(("readable_references",), "entity_scope"),
    **dict.fromkeys(("new_entity_id", "resolve_entity_ids"), "fact_statements"),
    **dict.fromkeys(("ImportSummary", "Rejection", "import_reports"), "imports"),
    **dict.fromkeys(
        (
            "ReportFilters",
            "apply_transition",
            "archive_report",
            "count_reports",
            "create_report",
            "evaluate_report",
            "get_report",
            "list_reports",
            "mark_disseminated",
            "return_report",
            "report_exists",
            "submit_report",
        ),
        "reports",
    ),
    **dict.fromkeys(
        ("SourceKind", "SourceView", "create_source", "get_source", "list_sources"), "sources"
    ),
    **dict.fromkeys(
        ("widen_spans_by_id", "widen_statement_spans", "write_statements"), "statements"
    ),
    **dict.fromkeys(
        (
            "Decision",
            "SuggestionList",
            "SuggestionStatus",
            "SuggestionView",
            "decide_suggestion",
            "list_suggestions",
        ),
        "suggestions",
    ),
    **dict.fromkeys(
        (
            "AttachmentView",
            "ReportEntity",
            "ReportEventView",
            "ReportSummary",
            "ReportView",
            "is_restrictive",
        ),
        "views",
    ),
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AttachmentView",
    "Decision",
    "ImportSummary",
    "Rejection",
    "ReportEntity",
    "ReportEventView",
    "ReportFilters",
    "ReportSummary",
    "ReportView",
    "SourceKind",
    "SourceView",
    "SuggestionList",
    "SuggestionStatus",
    "SuggestionView",
    "add_attachment",
    "apply_transition",
    "archive_report",
    "count_reports",
    "create_report",
    "create_source",
    "decide_suggestion",
    "evaluate_report",
    "get_report",
    "get_source",
    "import_reports",
    "is_restrictive",
    "list_reports",
    "list_sources",
    "list_suggestions",
    "mark_disseminated",
    "new_entity_id",
    "read_attachment",
    "readable_references",
    "report_exists",
    "resolve_entity_ids",
    "return_report",
    "submit_report",
    "widen_spans_by_id",
    "widen_statement_spans",
    "write_statements",
]
