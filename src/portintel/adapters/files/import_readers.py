"""Read import files into numbered rows of text cells: CSV, Excel .xlsx, FtM JSON lines.

The readers do no validation beyond the file's own syntax: every row keeps
the line number a person sees in a text editor or spreadsheet, so a rejection
can say exactly where. A row the reader cannot even parse (broken JSON) is
returned as a :class:`RowProblem` rather than stopping the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portintel.errors import InvalidInput, UpstreamFailure

CSV_SUFFIXES = (".csv", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
FTM_SUFFIXES = (".jsonl", ".ndjson", ".ftm", ".json")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row of a CSV or Excel sheet: header -> cell text (empty cells left out)."""

    line: int
    cells: dict[str, str]
    raw: str


@dataclass(frozen=True, slots=True)
class FtmEntity:
    """One followthemoney entity of a JSON lines file."""

    line: int
    entity_id: str
    schema: str
    properties: dict[str, list[str]]
    raw: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class ImportFile:
    path: Path
    kind: str  # "csv", "xlsx" or "ftm"
    sha256: str
    content: bytes


def open_import_file(path: Path) -> ImportFile:
    """The file's bytes and kind (from its suffix); InvalidInput for an unknown kind."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        kind = "csv"
    elif suffix in EXCEL_SUFFIXES:
        kind = "xlsx"
    elif suffix in FTM_SUFFIXES:
        kind = "ftm"
    else:
        raise InvalidInput(
            f"{path.name}: cannot import {suffix or 'a file without suffix'}",
            field="file",
            hint="use .csv, .xlsx or FtM JSON lines (.jsonl, .ftm)",
        )
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput(f"{path} does not exist", field="file") from exc
    except OSError as exc:
        raise UpstreamFailure(f"cannot read {path}: {exc}") from exc
    return ImportFile(path, kind, hashlib.sha256(content).hexdigest(), content)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an MMSI typed into Excel is a float
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_csv_rows(file: ImportFile) -> Iterator[TableRow | RowProblem]:
    try:
        text = file.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{file.path.name} is not UTF-8 (byte {exc.start})",
            field="file",
            hint="save the file as CSV UTF-8",
        ) from exc
    delimiter = "\t" if file.path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    previous_end = 0
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if header is None:
            header = [name.strip() for name in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        raw = delimiter.join(record)
        if len(record) > len(header):
            yield RowProblem(start, f"{len(record)} cells but {len(header)} columns", raw)
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=False)}
        yield TableRow(start, {k: v for k, v in cells.items() if k and v}, raw)
    if header is None:
        raise InvalidInput(f"{file.path.name} is empty", field="file", hint="add a header row")


def read_xlsx_rows(file: ImportFile) -> Iterator[TableRow | RowProblem]:
    import openpyxl  # imported here: only Excel imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(file.content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{file.path.name} is not a readable .xlsx workbook: {exc}", field="file"
        ) from exc
    sheet = workbook.worksheets[0]
    header: list[str] | None = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells_text = [_cell_text(value) for value in values]
        if header is None:
            header = [name.strip() for name in cells_text]
            continue
        if not any(cells_text):
            continue
        cells = {
            name: cell for name, cell in zip(header, cells_text, strict=False) if name and cell
        }
        yield TableRow(number, cells, json.dumps(cells, ensure_ascii=False))
    workbook.close()
    if header is None:
        raise InvalidInput(f"{file.path.name} has no rows", field="file", hint="add a header row")


def read_ftm_entities(file: ImportFile) -> Iterator[FtmEntity | RowProblem]:
    try:
        text = file.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{file.path.name} is not UTF-8", field="file") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RowProblem(number, f"not valid JSON: {exc.msg} at column {exc.colno}", line)
            continue
        if not isinstance(data, dict):
            yield RowProblem(number, "expected a JSON object (an FtM entity)", line)
            continue
        entity_id, schema, properties = data.get("id"), data.get("schema"), data.get("properties")
        if not isinstance(entity_id, str) or not entity_id.strip():
            yield RowProblem(number, "the entity has no id", line)
            continue
        if not isinstance(schema, str):
            yield RowProblem(number, "the entity has no schema", line)
            continue
        if not isinstance(properties, dict) or not all(
            isinstance(values, list) for values in properties.values()
        ):
            yield RowProblem(number, "properties must map each name to a list of values", line)
            continue
        yield FtmEntity(
            number,
            entity_id.strip(),
            schema,
            {prop: [_cell_text(v) for v in values] for prop, values in properties.items()},
            line,
        )
