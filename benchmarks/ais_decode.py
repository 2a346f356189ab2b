"""AIS decoding: portintel's vectorised decoder against pyais, side by side in one run.

    python3 benchmarks/ais_decode.py [--quick] [--sentences N] [--default-malloc]

Two generated files of at least a million sentences (cached under
benchmarks/data/, which git ignores) are built from the real samples in
shared/data/ais/: every message pyais decodes there is re-encoded with pyais's
own encoder under varied MMSIs, and written behind NMEA 4.0 tag blocks with
varied receive times. (a) holds position reports only (types 1, 2, 3, 18),
(b) the mix of the real samples (positions, base stations, static and voyage
data in two sentences, class B static data, ...).

Both decoders start from the same file content in memory. pyais decodes line
by line (``IterMessages`` assembles multi-sentence messages, then
``.decode()``); portintel decodes the whole content at once (``decode_bytes``)
and, as the ingest path does, from a list of lines (``decode_lines``), with
its default engine (the compiled kernel), and from bytes once more with its
pure NumPy engine (the reference the kernel is tested against).
Results go to benchmarks/results/ais_decode.{md,json}.

The process first applies the allocator policy portintel's CLI and server
apply at start (``memory_keep_mb``, see portintel.adapters.memory); with
``--default-malloc`` it keeps glibc's default policy instead, and the results
go to ais_decode_default_malloc.{md,json}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import time
from functools import reduce
from pathlib import Path
from typing import Any

import pyais
from pyais.encode import encode_dict
from pyais.stream import IterMessages

from portintel.adapters.memory import keep_freed_memory
from portintel.ais import NATIVE_AVAILABLE, decode_bytes, decode_lines
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
SAMPLES = Path(os.environ.get("PORTINTEL_AIS_SAMPLES", "/work/shared/data/ais"))
POSITION_TYPES = {1, 2, 3, 18}


def _sample_messages() -> list[dict[str, object]]:
    messages = []
    for path in sorted(SAMPLES.glob("*.n*")):
        for message in IterMessages(path.read_bytes().splitlines()):
            try:
                messages.append(message.decode().asdict())
            except Exception:  # pyais rejects some real lines: skip them
                continue
    return messages


def _tag(seconds: int) -> str:
    body = f"c:{seconds}"
    return f"\\{body}*{reduce(lambda a, b: a ^ b, body.encode(), 0):02X}\\"


def _generate(path: Path, sentences: int, positions_only: bool, seed: int) -> None:
    rng = random.Random(seed)
    pool = [m for m in _sample_messages() if not positions_only or m["msg_type"] in POSITION_TYPES]
    encoded: list[list[str]] = []
    for index in range(4000):
        message = dict(pool[index % len(pool)])
        message["mmsi"] = rng.randrange(200_000_000, 775_999_999)
        try:
            encoded.append(encode_dict(message, talker_id="AI", radio_channel="AB"[index % 2]))
        except Exception:  # a few sample values do not re-encode
            continue
    lines: list[str] = []
    clock = 1_700_000_000
    while len(lines) < sentences:
        group = encoded[rng.randrange(len(encoded))]
        clock += rng.random() < 0.01
        lines.extend(_tag(clock) + sentence for sentence in group)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def _dataset(name: str, sentences: int, positions_only: bool) -> bytes:
    path = DATA / f"ais_{name}_{sentences}.nmea"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        _generate(path, sentences, positions_only, seed=sentences + positions_only)
    return path.read_bytes()


def _time_pyais(data: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    count = 0
    for message in IterMessages(data.splitlines()):
        message.decode()
        count += 1
    return count, time.perf_counter() - started


def _time_portintel(data: bytes) -> tuple[int, float, int, float, int, float]:
    decode_bytes(data[:100_000])  # warm up imports and caches
    started = time.perf_counter()
    count = decode_bytes(data).message_count
    from_bytes = time.perf_counter() - started
    lines = data.decode().splitlines()
    started = time.perf_counter()
    count_lines = decode_lines(lines).message_count
    from_lines = time.perf_counter() - started
    decode_bytes(data[:100_000], engine="numpy")
    started = time.perf_counter()
    count_numpy = decode_bytes(data, engine="numpy").message_count
    return count, from_bytes, count_lines, from_lines, count_numpy, time.perf_counter() - started


def _machine() -> dict[str, object]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "pyais": pyais.__version__,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "native_kernel": NATIVE_AVAILABLE,
        "commit": commit,
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 sentences")
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds; each times both decoders back to back"
    )
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="keep glibc's default allocator policy (portintel's processes keep freed memory)",
    )
    args = parser.parse_args()
    keep_mb = 0 if args.default_malloc else Settings().memory_keep_mb
    policy = (
        f"freed memory kept for reuse (memory_keep_mb={keep_mb}, as portintel's CLI and server)"
        if keep_freed_memory(keep_mb)
        else "the C library's default"
    )
    stem = "ais_decode_default_malloc" if args.default_malloc else "ais_decode"
    sentences = 100_000 if args.quick else args.sentences
    load_before = round(os.getloadavg()[0], 2)
    rows = []
    for name, positions_only, goal in (("positions", True, 30), ("mixed", False, 10)):
        data = _dataset(name, sentences, positions_only)
        rounds = []
        for _ in range(args.repeat):
            # pyais and portintel back to back, so both meet the same machine load.
            theirs, seconds_pyais = _time_pyais(data)
            ours, seconds, ours_lines, seconds_lines, ours_numpy, seconds_numpy = _time_portintel(
                data
            )
            if not ours == ours_lines == ours_numpy:
                raise SystemExit(
                    f"{name}: message counts differ: {ours}, {ours_lines}, {ours_numpy}"
                )
            rounds.append(
                {
                    "pyais_msg_per_s": theirs / seconds_pyais,
                    "portintel_bytes_msg_per_s": ours / seconds,
                    "portintel_lines_msg_per_s": ours_lines / seconds_lines,
                    "portintel_numpy_msg_per_s": ours_numpy / seconds_numpy,
                    "ratio_bytes": (ours / seconds) / (theirs / seconds_pyais),
                    "ratio_lines": (ours_lines / seconds_lines) / (theirs / seconds_pyais),
                    "ratio_numpy": (ours_numpy / seconds_numpy) / (theirs / seconds_pyais),
                }
            )
        row: dict[str, Any] = {
            "dataset": name,
            "sentences": data.count(b"\n"),
            "messages_pyais": theirs,
            "messages_portintel": ours,
            **{key: _median([r[key] for r in rounds]) for key in rounds[0]},
            "rounds": rounds,
            "goal": goal,
        }
        rows.append(row)
        print(
            f"{name:9} {row['sentences']:>9} sentences (median of {args.repeat} rounds)"
            f" | pyais {row['pyais_msg_per_s']:>10,.0f} msg/s"
            f" | portintel {row['portintel_bytes_msg_per_s']:>11,.0f} msg/s (bytes),"
            f" {row['portintel_lines_msg_per_s']:>11,.0f} msg/s (lines),"
            f" {row['portintel_numpy_msg_per_s']:>11,.0f} msg/s (numpy engine)"
            f" | ratio {row['ratio_bytes']:.1f}x / {row['ratio_lines']:.1f}x"
            f" / {row['ratio_numpy']:.1f}x (goal {goal}x)",
            flush=True,
        )
    machine = _machine()
    machine["load_average_1m_before"] = load_before
    machine["rounds"] = args.repeat
    machine["allocator_policy"] = policy
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    table = [
        "| dataset | sentences | pyais msg/s | portintel msg/s (bytes) | portintel msg/s (lines) "
        "| ratio (bytes) | ratio (lines) | ratio per round (bytes) | goal "
        "| numpy engine msg/s (bytes) | numpy engine ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        per_round = ", ".join(f"{x['ratio_bytes']:.1f}x" for x in r["rounds"])
        table.append(
            f"| {r['dataset']} | {r['sentences']:,} | {r['pyais_msg_per_s']:,.0f} "
            f"| {r['portintel_bytes_msg_per_s']:,.0f} | {r['portintel_lines_msg_per_s']:,.0f} "
            f"| {r['ratio_bytes']:.1f}x | {r['ratio_lines']:.1f}x | {per_round} | {r['goal']}x "
            f"| {r['portintel_numpy_msg_per_s']:,.0f} | {r['ratio_numpy']:.1f}x |"
        )
    text = "\n".join(
        [
            "# AIS decoding: portintel vs pyais",
            "",
            "Run: `python3 benchmarks/ais_decode.py` (both decoders in one run, same data;"
            f" {args.repeat} rounds, each timing pyais then portintel back to back;"
            " medians shown).",
            "",
            *table,
            "",
            "The bytes and lines columns use portintel's default engine, the compiled kernel"
            f" (built: {machine['native_kernel']}); the last two columns decode the same bytes"
            " with the pure NumPy engine, the reference the kernel is tested against.",
            "",
            f"Allocator policy of the process (both decoders): {policy}.",
            "",
            f"Machine: {machine['nproc']} cores, {machine['cpu']}; Python {machine['python']}, "
            f"pyais {machine['pyais']}. Date {machine['date']}, commit {machine['commit']}.",
            f"Load average (1 min) before the run: {load_before}, after: "
            f"{machine['load_average_1m']} (other jobs may share the machine; both decoders ran"
            " in the same conditions, back to back in every round).",
            "",
        ]
    )
    (RESULTS / f"{stem}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
