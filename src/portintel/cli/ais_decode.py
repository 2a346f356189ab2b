"""CLI: ``portintel ais decode FILE``: one record per decoded AIS message, to compare with pyais."""

from __future__ import annotations

import gzip
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from portintel.cli.context import context_of, error_console
from portintel.errors import InvalidInput


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class DecodingEngine(StrEnum):
    auto = "auto"
    native = "native"
    numpy = "numpy"


def _read(file: Path) -> bytes:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"cannot read {file}: {exc.strerror}",
            field="file",
            hint="give the path of an NMEA file",
        ) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InvalidInput(
                f"{file} looks gzip-compressed but cannot be decompressed: {exc}",
                field="file",
                hint="check that the download or copy is complete",
            ) from exc
    return data


def decode_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="NMEA 0183 file (.gz accepted).")],
    format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format: jsonl or csv.")
    ] = OutputFormat.jsonl,
    ignore_tag_checksums: Annotated[
        bool,
        typer.Option(
            "--ignore-tag-checksums",
            help="Accept tag blocks with a wrong checksum (sentence checksums still count).",
        ),
    ] = False,
    engine: Annotated[
        DecodingEngine,
        typer.Option(
            "--engine",
            help="native: the compiled kernel; numpy: the pure NumPy reference; "
            "auto: native when built. Both give the same records.",
        ),
    ] = DecodingEngine.auto,
) -> None:
    """Print every decoded message (pyais field names plus its input line); rejects go to stderr."""
    import polars as pl

    from portintel.ais import decode_bytes

    context_of(ctx).settings  # noqa: B018 - applies the process settings (memory policy)
    try:
        batch = decode_bytes(
            _read(file), verify_tag_checksums=not ignore_tag_checksums, engine=engine.value
        )
    except RuntimeError as exc:  # the native engine asked for but not built
        raise InvalidInput(str(exc), field="engine", hint="use --engine numpy") from exc
    frames = [
        frame.drop("raw")
        .select("line", pl.exclude("line"))
        .with_columns(
            pl.col("received_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ"),
            pl.col(pl.Binary).bin.encode("hex"),  # binary data (types 6, 8, 17, 25, 26) as hex
        )
        for frame in batch.messages.values()
    ]
    if frames and format is OutputFormat.csv:
        sys.stdout.write(pl.concat(frames, how="diagonal_relaxed").sort("line").write_csv())
    elif frames:
        # Each record keeps only its own type's fields; records are merged by line.
        records = [
            (line, text)
            for frame in frames
            for line, text in zip(frame["line"], frame.write_ndjson().splitlines(), strict=True)
        ]
        records.sort(key=lambda record: record[0])
        sys.stdout.write("".join(text + "\n" for _, text in records))
    error_console.print(
        f"{batch.message_count} messages decoded, {batch.unsupported.height} of unsupported "
        f"types kept raw, {batch.rejects.height} lines rejected"
    )
    for line, reason in batch.rejects.select("line", "reason").head(20).iter_rows():
        error_console.print(f"  line {line}: {reason}")
