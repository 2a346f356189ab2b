"""The ``reports`` table holds the fields a report declares, as declared.

The declaration (:data:`~portintel.domain.report_fields.REPORT_FIELDS`) says
each field's type, length and whether a stored report may lack it; the table
keeps them in columns. The migrations are held to the table by
``test_migrations.py`` (Alembic's comparison, on both backends), so together
the two tests hold the migrated schema to the declaration.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, String, Text

from portintel.adapters.database import tables
from portintel.adapters.database.types import UtcDateTime
from portintel.domain.report_fields import REPORT_FIELDS, FieldType

STORED = [field for field in REPORT_FIELDS if field.stored]

COLUMN_TYPES: dict[FieldType, type] = {
    FieldType.LINE: String,
    FieldType.CODE: String,
    FieldType.TEXT: Text,
    FieldType.NUMBER: Float,
    FieldType.MOMENT: UtcDateTime,
    FieldType.FLAG: Boolean,
}

NOT_FIELDS: set[str] = set()
"""Columns of ``reports`` that are not a report's field (bookkeeping of the store)."""


def test_every_stored_field_has_its_column_and_every_column_is_a_field() -> None:
    columns = {column.name for column in tables.reports.columns}
    assert {field.name for field in STORED} == columns - NOT_FIELDS


def test_columns_have_the_declared_type_length_and_nullability() -> None:
    for field in STORED:
        column = tables.reports.c[field.name]
        assert isinstance(column.type, COLUMN_TYPES[field.kind]), (field.name, column.type)
        # Text is a String too: a Text column holds free text, a String one a bounded line
        assert isinstance(column.type, Text) == (field.kind is FieldType.TEXT), field.name
        if field.kind in (FieldType.LINE, FieldType.CODE):
            assert isinstance(column.type, String)
            assert column.type.length == field.max_length, field.name
        assert bool(column.nullable) == field.optional, field.name


def test_a_set_of_ids_lives_in_a_table_of_its_own() -> None:
    for field in REPORT_FIELDS:
        if field.stored:
            assert field.kind is not FieldType.IDS, field.name
            continue
        assert field.kind is FieldType.IDS
        table = tables.metadata.tables[f"report_{field.name}"]
        assert {column.name for column in table.primary_key.columns} == {
            "report_id",
            "agency_id",
        }
