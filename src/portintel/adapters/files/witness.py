"""The witness file: signed audit checkpoints as JSON lines, kept away from the node.

One line per checkpoint, appended, never rewritten: the file can live on
another machine, on write-once media or behind ``chattr +a``. A line holds no
secret (hashes, counts, a time and an HMAC), so the file may be copied freely.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from portintel.domain.audit_checkpoints import Checkpoint, WitnessedCheckpoint, parse_checkpoint
from portintel.errors import InvalidInput, NotFound, UpstreamFailure


def append_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Append ``checkpoint`` as one line and flush it to disk."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(checkpoint.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise UpstreamFailure(
            f"cannot append to the witness file {path}: {exc.strerror or exc}",
            hint="check that the directory exists and is writable",
        ) from exc


def read_checkpoints(path: Path) -> list[WitnessedCheckpoint]:
    """Every checkpoint in the file, with its line number; a bad line is named."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound(
            f"no witness file {path}", hint="give the file written by portintel audit checkpoint"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UpstreamFailure(f"cannot read the witness file {path}: {exc}") from exc
    found: list[WitnessedCheckpoint] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            if not isinstance(document, dict):
                raise ValueError("a line must be a JSON object")
            checkpoint = parse_checkpoint(document)
        except ValueError as exc:
            raise InvalidInput(
                f"line {number} of the witness file {path} is not a checkpoint: {exc}",
                field="witness",
                hint="the file was damaged or edited; compare it with your other copies",
            ) from exc
        found.append(WitnessedCheckpoint(checkpoint, f"{path.name} line {number}"))
    return found
