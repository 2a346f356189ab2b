"""AIS ingest end to end: ``portintel ais ingest`` against pyais decoding the same file.

    python3 benchmarks/ais_ingest.py [--quick] [--lines N] [--rows N] [--no-listen]

Three measurements, each of a whole process from start to exit (wall time,
CPU time and peak resident memory of that process, from ``os.wait4``):

1. NMEA: a file of at least a million real lines, the samples in
   shared/data/ais/ repeated and re-timed: every repetition moves each
   sentence group's NMEA 4.0 tag block ``c:`` time on by the samples' span
   and recomputes the tag checksum (the MarineTraffic sample, which has no
   tag blocks, gets them), so no row repeats another; the lines are the real
   ones otherwise, every message type the samples hold, their refused lines
   included. ``portintel ais ingest`` stores it in a fresh data directory
   (fresh track store and registry); pyais decodes the same file in its own
   process, decode only, nothing stored: ``IterMessages`` assembles
   multi-sentence messages, each message's checksum is checked
   (``is_valid``), its tag block read (``tag_block.init()``, the receive
   time portintel reads too) and the valid ones decoded.
2. CSV: an archive in the NOAA MarineCadastre layout (a million rows by
   default) built from the samples' vessels, ingested the same way.
3. Live: ``portintel ais listen --udp 127.0.0.1:PORT``, one datagram per
   sentence sent at a fixed average rate by a sender process for a few seconds
   (in bursts of what is due when the sender had to wait for a core), rates
   rising until the listener stores fewer positions than a file ingest of the
   same lines does (the socket's kernel drop counter is recorded beside).

The land and shore cache is built once into benchmarks/data/land-cache
(git ignores benchmarks/data/) and hard-linked into every fresh data
directory, so its one-time build (about 10 s) is not counted. Results go to
benchmarks/results/ais_ingest.{md,json}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import reduce
from pathlib import Path
from typing import Any

import pyais
from pyais.stream import IterMessages

from portintel.ais import NATIVE_AVAILABLE

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results"
LAND_CACHE = DATA / "land-cache"
SAMPLES = Path(os.environ.get("PORTINTEL_AIS_SAMPLES", "/work/shared/data/ais"))
POSITION_TYPES = {1, 2, 3, 18, 19, 27}
CSV_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,"
    "VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"
)
NOTES = "<!-- notes: written by hand, kept when the benchmark rewrites this file -->"
PORTINTEL = [shutil.which("portintel") or str(Path(sys.executable).with_name("portintel"))]
PYAIS_DECODE = """
import sys
from pyais.stream import IterMessages
valid = invalid = 0
with open(sys.argv[1], "rb") as handle:
    for message in IterMessages(handle.read().splitlines()):
        if message.tag_block is not None:
            message.tag_block.init()
        if not message.is_valid:
            invalid += 1
            continue
        try:
            message.decode()
        except Exception:
            invalid += 1
            continue
        valid += 1
print(valid, invalid)
"""


# ---------------------------------------------------------------- input files


def _checksum(text: str) -> str:
    return f"{reduce(lambda a, b: a ^ b, text.encode(), 0):02X}"


def _tag(seconds: int) -> str:
    body = f"c:{seconds}"
    return f"\\{body}*{_checksum(body)}\\"


def _sample_groups() -> tuple[list[tuple[int, list[str]]], int]:
    """Every sample line as (receive time, sentences of its group), and the samples' span."""
    groups: list[tuple[int, list[str]]] = []
    for path in sorted(SAMPLES.glob("*.n*")):
        lines = path.read_text(errors="replace").splitlines()
        times = [int(m.group(1)) for m in map(re.compile(r"^\\c:(\d+)").match, lines) if m]
        first = min(times, default=1_565_218_798)
        span = max(times, default=first + 30) - first or 30
        pending: list[str] = []
        at = first
        for index, line in enumerate(lines):
            sentence = line.split("\\")[-1] if line.startswith("\\") else line
            match = re.match(r"^\\c:(\d+)", line)
            at = int(match.group(1)) if match else first + index * span // max(len(lines), 1)
            pending.append(sentence)
            fields = sentence.split(",")
            done = len(fields) < 3 or not fields[1].isdigit() or fields[1] == fields[2]
            if done or len(pending) >= 9:
                groups.append((at, pending))
                pending = []
        if pending:
            groups.append((at, pending))
    start = min(at for at, _ in groups)
    return [(at - start, sentences) for at, sentences in groups], 31


def nmea_file(lines: int) -> Path:
    """At least ``lines`` real sentences, re-timed by repetition (cached)."""
    path = DATA / f"ais_ingest_{lines}.nmea"
    if path.exists():
        return path
    print(f"generating {path} ...", flush=True)
    groups, span = _sample_groups()
    base = 1_700_000_000
    out: list[str] = []
    repetition = 0
    while len(out) < lines:
        offset = base + repetition * span
        for at, sentences in groups:
            tag = _tag(offset + at)
            out.extend(tag + sentence for sentence in sentences)
        repetition += 1
    DATA.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(out) + "\n")
    temporary.replace(path)
    return path


def _sample_vessels() -> list[dict[str, Any]]:
    """One row of MarineCadastre fields per vessel the samples place somewhere."""
    positions: dict[int, dict[str, Any]] = {}
    statics: dict[int, dict[str, Any]] = {}
    for path in sorted(SAMPLES.glob("*.n*")):
        for message in IterMessages(path.read_bytes().splitlines()):
            try:
                fields = message.decode().asdict()
            except Exception:  # pyais refuses some real lines
                continue
            mmsi = int(fields.get("mmsi") or 0)
            if not 200_000_000 <= mmsi < 800_000_000:
                continue
            if fields["msg_type"] in POSITION_TYPES:
                lat, lon = fields.get("lat"), fields.get("lon")
                if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
                    continue
                positions[mmsi] = fields
            elif fields["msg_type"] in (5, 24):
                statics.setdefault(mmsi, {}).update(
                    {k: v for k, v in fields.items() if v not in (None, "")}
                )
    vessels = []
    for mmsi, fields in sorted(positions.items()):
        static = statics.get(mmsi, {})
        bow, stern = static.get("to_bow") or 0, static.get("to_stern") or 0
        port, starboard = static.get("to_port") or 0, static.get("to_starboard") or 0
        vessels.append(
            {
                "mmsi": mmsi,
                "lat": float(fields["lat"]),
                "lon": float(fields["lon"]),
                "sog": min(float(fields.get("speed") or 0.0), 102.2),
                "cog": min(float(fields.get("course") or 0.0), 359.9),
                "heading": int(fields.get("heading") or 511),
                "name": str(static.get("shipname") or "").replace(",", " "),
                "imo": f"IMO{static['imo']}" if static.get("imo") else "",
                "callsign": str(static.get("callsign") or "").replace(",", " "),
                "type": int(static.get("ship_type") or 0) or "",
                "status": int(fields.get("status") or 15),
                "length": (bow + stern) or "",
                "width": (port + starboard) or "",
                "draft": static.get("draught") or "",
                "class": "B" if fields["msg_type"] in (18, 19) else "A",
            }
        )
    return vessels


def csv_file(rows: int) -> Path:
    """``rows`` MarineCadastre rows: the samples' vessels every 10 s, drifting along (cached)."""
    path = DATA / f"ais_ingest_{rows}.csv"
    if path.exists():
        return path
    print(f"generating {path} ...", flush=True)
    vessels = _sample_vessels()
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    lines = [CSV_HEADER]
    for index in range(rows):
        step, v = divmod(index, len(vessels))
        vessel = vessels[v]
        at = (start + dt.timedelta(seconds=10 * step + v % 10)).strftime("%Y-%m-%dT%H:%M:%S")
        drift = step * 1e-5 * (1 if vessel["sog"] else 0)
        lines.append(
            f"{vessel['mmsi']},{at},{vessel['lat'] + drift:.5f},{vessel['lon'] + drift:.5f},"
            f"{vessel['sog']:.1f},{vessel['cog']:.1f},{vessel['heading']},{vessel['name']},"
            f"{vessel['imo']},{vessel['callsign']},{vessel['type']},{vessel['status']},"
            f"{vessel['length']},{vessel['width']},{vessel['draft']},,{vessel['class']}"
        )
    DATA.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines) + "\n")
    temporary.replace(path)
    return path


# ---------------------------------------------------------------- processes


def ensure_land_cache() -> None:
    """Build the land and shore cache once, outside every timed run."""
    from portintel.adapters.ais.land import LandMask

    mask = LandMask(LAND_CACHE)
    if not mask.cached:
        print(f"building the land and shore cache in {LAND_CACHE} (once) ...", flush=True)
        LAND_CACHE.mkdir(parents=True, exist_ok=True)
        mask.load()


@contextmanager
def fresh_data_dir() -> Iterator[Path]:
    """An empty data directory but for the pre-built land and shore cache."""
    with tempfile.TemporaryDirectory(prefix="portintel-ingest-bench-") as name:
        data_dir = Path(name)
        cache = data_dir / "cache"
        cache.mkdir()
        for file in LAND_CACHE.iterdir():
            try:
                os.link(file, cache / file.name)
            except OSError:  # another file system: a copy, still outside the clock
                shutil.copy2(file, cache / file.name)
        yield data_dir


def _environment(data_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if data_dir is not None:
        env["PORTINTEL_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"
    return env


def timed(command: list[str], data_dir: Path | None) -> dict[str, Any]:
    """Run ``command`` to its exit: wall and CPU seconds, peak RSS (MB), output."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_environment(data_dir),
    )
    assert process.stdout is not None
    output = process.stdout.read().decode(errors="replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}:\n{output[-3000:]}")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "load_average_1m": round(load, 2),
        "output": output,
    }


def table_value(output: str, label: str) -> int:
    """A count from the ingest summary table (``│ label │ 1,234 │``)."""
    match = re.search(rf"[│|]\s*{re.escape(label)}\s*[│|]\s*([\d,]+)\s*[│|]", output)
    if match is None:
        raise SystemExit(f"no {label!r} in the ingest output:\n{output[-3000:]}")
    return int(match.group(1).replace(",", ""))


def stored_rows(data_dir: Path) -> dict[str, Any]:
    """Rows in the track store after a run: per dataset, and quarantined rows per reason."""
    import polars as pl

    counts: dict[str, Any] = {}
    for dataset in ("positions", "statics", "other", "quarantine"):
        files = sorted((data_dir / "tracks" / dataset).glob("day=*/*.parquet"))
        frame = pl.concat([pl.read_parquet(f) for f in files]) if files else pl.DataFrame()
        counts[dataset] = frame.height
        if dataset == "quarantine" and frame.height:
            reasons = frame.group_by("reason").len().sort("reason").rows()
            counts["reasons"] = {str(reason): int(n) for reason, n in reasons}
    return counts


def ingest(path: Path, *, rows: bool = False) -> dict[str, Any]:
    with fresh_data_dir() as data_dir:
        run = timed([*PORTINTEL, "ais", "ingest", str(path)], data_dir)
        if rows:
            run["rows"] = stored_rows(data_dir)
    output = run.pop("output")
    for key, label in (
        ("messages", "messages"),
        ("stored", "stored"),
        ("positions", "positions stored"),
        ("quarantined", "quarantined rows"),
    ):
        run[key] = table_value(output, label)
    return run


def pyais_decode(path: Path) -> dict[str, Any]:
    run = timed([sys.executable, "-c", PYAIS_DECODE, str(path)], None)
    valid, invalid = (int(x) for x in run.pop("output").split()[-2:])
    run["messages"], run["refused"] = valid, invalid
    return run


# ---------------------------------------------------------------- live listener


def _udp_socket(port: int) -> tuple[int, int] | None:
    """(bytes waiting, datagrams dropped by the kernel) of the socket bound to ``port``."""
    wanted = f":{port:04X}"
    try:
        rows = Path("/proc/net/udp").read_text().splitlines()[1:]
    except OSError:
        return None
    for row in rows:
        fields = row.split()
        if fields[1].endswith(wanted):
            return int(fields[4].split(":")[1], 16), int(fields[-1])
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SENDER = """
import socket, sys, time
port, rate = int(sys.argv[1]), float(sys.argv[2])
lines = [line + b"\\r\\n" for line in open(sys.argv[3], "rb").read().split(b"\\n") if line]
out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
out.connect(("127.0.0.1", port))  # send() on a connected socket: no address to parse each time
send, clock = out.send, time.perf_counter
started = clock()
sent = 0
while sent < len(lines):
    # every datagram due by now, in a burst: the rate holds even when this process waits
    due = min(len(lines), int((clock() - started) * rate) + 1)
    while sent < due:
        send(lines[sent])
        sent += 1
print(len(lines), clock() - started)
"""


def listen_at(lines_file: Path, rate: int) -> dict[str, Any]:
    """Start a listener, send every line at ``rate`` per second, stop it; what it stored."""
    with fresh_data_dir() as data_dir:
        port = _free_port()
        listener = subprocess.Popen(
            [*PORTINTEL, "ais", "listen", "--udp", f"127.0.0.1:{port}", "--flush-seconds", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=_environment(data_dir),
        )
        # ready once a probe datagram has been read (the socket is bound before the store
        # and the land cache are opened); the probe is not AIS and is quarantined
        deadline = time.monotonic() + 120
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            while (state := _udp_socket(port)) is None:
                _check_alive(listener, deadline)
                time.sleep(0.05)
            probe.sendto(b"benchmark probe\r\n", ("127.0.0.1", port))
            while (state := _udp_socket(port)) is None or state[0] > 0:
                _check_alive(listener, deadline)
                time.sleep(0.05)
        load = os.getloadavg()[0]
        sender = subprocess.run(
            [sys.executable, "-c", SENDER, str(port), str(rate), str(lines_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        sent, seconds = sender.stdout.split()
        while (state := _udp_socket(port)) is not None and state[0] > 0:
            _check_alive(listener, deadline + 600)
            time.sleep(0.1)
        dropped = state[1] if state else -1
        time.sleep(2.5)  # a flush after the last datagram
        listener.terminate()
        output, _ = listener.communicate(timeout=120)
        rows = stored_rows(data_dir)
    text = output.decode(errors="replace")
    match = re.search(r"stopped; ([\d,]+) positions stored", text)
    if match is None:
        raise SystemExit(f"the listener did not report:\n{text[-3000:]}")
    return {
        "rate_asked": rate,
        "sentences_sent": int(sent),
        "rate_sent": round(int(sent) / float(seconds)),
        "positions_stored": int(match.group(1).replace(",", "")),
        "kernel_drops": dropped,
        "rows": rows,
        "load_average_1m": round(load, 2),
    }


def _check_alive(listener: subprocess.Popen[bytes], deadline: float) -> None:
    if listener.poll() is not None or time.monotonic() > deadline:
        listener.kill()
        output = listener.communicate()[0].decode(errors="replace")
        raise SystemExit(f"the listener did not start or stalled:\n{output[-3000:]}")


def listen_file(sentences: int) -> Path:
    """Single-sentence lines of the NMEA mix (one datagram each), re-timed (cached)."""
    path = DATA / f"ais_listen_single_{sentences}.nmea"
    if path.exists():
        return path
    source = nmea_file(sentences)
    chosen: list[str] = []
    with source.open() as handle:
        for line in handle:
            fields = line.split("\\")[-1].split(",")
            if len(fields) > 2 and fields[1] == "1":  # one sentence: a whole message
                chosen.append(line.rstrip("\n"))
                if len(chosen) >= sentences:
                    break
    path.write_text("\n".join(chosen) + "\n")
    return path


def live(sentences: int, seconds: float, rates: list[int]) -> dict[str, Any]:
    """Rates rising, each for ``seconds`` (at most ``sentences`` datagrams), until one loses."""
    expected_by_size: dict[int, int] = {}
    runs = []
    for rate in rates:
        size = min(sentences, max(1_000, int(rate * seconds)))
        path = listen_file(size)
        if size not in expected_by_size:
            expected_by_size[size] = ingest(path, rows=True)["rows"]
        file_rows = expected_by_size[size]
        expected = file_rows["positions"]
        run = listen_at(path, rate)
        run["positions_expected"] = expected
        run["file_rows"] = file_rows
        # every row of the file ingest (stored or quarantined) must be somewhere in the
        # listener's store too; the quality checks may judge a row differently, the count
        # of rows may not differ (the probe datagram adds one quarantined row)
        total = sum(file_rows[k] for k in ("positions", "statics", "other", "quarantine"))
        heard = sum(run["rows"][k] for k in ("positions", "statics", "other", "quarantine"))
        run["rows_lost"] = total - (heard - 1)
        run["lost"] = max(run["rows_lost"], run["kernel_drops"])
        runs.append(run)
        print(
            f"listen   {rate:>7,} msg/s asked, {run['rate_sent']:>7,} sent:"
            f" {run['positions_stored']:,} of {expected:,} positions stored,"
            f" {run['kernel_drops']:,} datagrams dropped by the kernel,"
            f" {run['rows_lost']:,} rows missing"
            f" (load {run['load_average_1m']})",
            flush=True,
        )
        if run["lost"] > 0:
            break
    lossless = [r["rate_sent"] for r in runs if r["lost"] <= 0]
    return {
        "seconds_per_rate": seconds,
        "runs": runs,
        "highest_lossless_rate": max(lossless, default=0),
    }


# ---------------------------------------------------------------- report


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
        "native_kernel": NATIVE_AVAILABLE,
        "commit": commit,
    }


def render(result: dict[str, Any]) -> str:
    nmea, csv, machine = result["nmea"], result["csv"], result["machine"]
    lines = [
        "# AIS ingest end to end: portintel vs pyais",
        "",
        "Run: `python3 benchmarks/ais_ingest.py` (every figure is one process from start to"
        " exit: wall, CPU, peak RSS from `os.wait4`; load average = 1-minute load at its start,"
        " on 2 cores).",
        "",
        "| what | input | wall s | CPU s | peak RSS MB | load | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, run, size, what in (
        ("pyais decode (no storage)", nmea["pyais"], nmea["lines"], "lines"),
        ("portintel ais ingest, NMEA", nmea["portintel"], nmea["lines"], "lines"),
        ("portintel ais ingest, CSV", csv["portintel"], csv["rows"], "rows"),
    ):
        outcome = (
            f"{run['messages']:,} messages decoded, {run['refused']:,} refused"
            if "refused" in run
            else f"{run['messages']:,} messages, {run['stored']:,} stored"
            f" ({run['positions']:,} positions), {run['quarantined']:,} quarantined"
        )
        lines.append(
            f"| {label} | {size:,} {what} | {run['wall_s']:.2f} | {run['cpu_s']:.2f} "
            f"| {run['peak_rss_mb']:.0f} | {run['load_average_1m']} | {outcome} |"
        )
    lines += [
        "",
        f"NMEA end to end: portintel {nmea['ratio_wall']:.1f}x pyais by wall time,"
        f" {nmea['ratio_cpu']:.1f}x by CPU time (goal 10x, aim 25x); peak memory"
        f" {nmea['portintel']['peak_rss_mb']:.0f} MB (goal under 500 MB)."
        f" CSV: {csv['portintel']['wall_s']:.2f} s for {csv['rows']:,} rows (goal under 2 s).",
        "",
    ]
    listen = result.get("listen")
    if listen:
        lines += [
            "Live listener over UDP on 127.0.0.1 (`portintel ais listen --flush-seconds 1`):"
            " single-sentence lines of the same mix, one datagram each, sent at a fixed"
            " average rate (what is due sent in a burst when the sender waited for a core)"
            f" for {listen['seconds_per_rate']:g} s by a sender process; expected = the"
            " positions a file ingest of the same lines stores; rows missing = rows (stored or"
            " quarantined) of that file ingest minus the listener's; kernel drops = the"
            " socket's drop counter in /proc/net/udp:",
            "",
            "| asked msg/s | sent msg/s | datagrams | positions expected | positions stored"
            " | rows missing | kernel drops | load |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *(
                f"| {r['rate_asked']:,} | {r['rate_sent']:,} | {r['sentences_sent']:,}"
                f" | {r['positions_expected']:,} | {r['positions_stored']:,}"
                f" | {r['rows_lost']:,} | {r['kernel_drops']:,} | {r['load_average_1m']} |"
                for r in listen["runs"]
            ),
            "",
            f"Highest rate with no loss: {listen['highest_lossless_rate']:,} msg/s (goal 50,000).",
            "",
        ]
    lines += [
        "The land and shore cache was built beforehand into benchmarks/data/land-cache and"
        " hard-linked into each fresh data directory: its one-time build is not counted.",
        "pyais reads each message's tag block and checks its checksum before decoding, as"
        " portintel does; it stores nothing.",
        "",
        f"Machine: {machine['nproc']} cores, {machine['cpu']}; Python {machine['python']},"
        f" pyais {machine['pyais']}, compiled kernel {machine['native_kernel']}."
        f" Date {machine['date']}, commit {machine['commit']}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="NMEA lines")
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows")
    parser.add_argument("--quick", action="store_true", help="50,000 lines and rows")
    parser.add_argument("--no-listen", action="store_true", help="skip the live listener")
    parser.add_argument(
        "--listen-sentences", type=int, default=300_000, help="at most this many datagrams a rate"
    )
    parser.add_argument(
        "--listen-seconds", type=float, default=6.0, help="seconds of sending a rate"
    )
    parser.add_argument(
        "--rates",
        default="1000,2000,5000,10000,20000,30000,50000,75000,100000",
        help="listener rates to try, rising, until one loses messages",
    )
    parser.add_argument("--output", default="ais_ingest", help="results file stem")
    args = parser.parse_args()
    lines_wanted = 50_000 if args.quick else args.lines
    rows_wanted = 50_000 if args.quick else args.rows
    listen_sentences = 20_000 if args.quick else args.listen_sentences
    listen_seconds = 2.0 if args.quick else args.listen_seconds
    rates = [int(r) for r in args.rates.split(",")]
    if args.quick:
        rates = rates[:3]
    ensure_land_cache()
    nmea_path, csv_path = nmea_file(lines_wanted), csv_file(rows_wanted)
    lines = sum(1 for _ in nmea_path.open("rb"))

    theirs = pyais_decode(nmea_path)
    ours = ingest(nmea_path)
    nmea = {
        "lines": lines,
        "pyais": theirs,
        "portintel": ours,
        "ratio_wall": theirs["wall_s"] / ours["wall_s"],
        "ratio_cpu": theirs["cpu_s"] / ours["cpu_s"],
    }
    print(
        f"nmea     {lines:,} lines | pyais {theirs['wall_s']:.2f} s wall,"
        f" {theirs['cpu_s']:.2f} s CPU, {theirs['peak_rss_mb']:.0f} MB"
        f" | portintel ingest {ours['wall_s']:.2f} s wall, {ours['cpu_s']:.2f} s CPU,"
        f" {ours['peak_rss_mb']:.0f} MB | ratio {nmea['ratio_wall']:.1f}x wall,"
        f" {nmea['ratio_cpu']:.1f}x CPU (load {theirs['load_average_1m']},"
        f" {ours['load_average_1m']})",
        flush=True,
    )
    csv_run = ingest(csv_path)
    csv = {"rows": rows_wanted, "portintel": csv_run}
    print(
        f"csv      {rows_wanted:,} rows | portintel ingest {csv_run['wall_s']:.2f} s wall,"
        f" {csv_run['cpu_s']:.2f} s CPU, {csv_run['peak_rss_mb']:.0f} MB,"
        f" {csv_run['stored']:,} stored (load {csv_run['load_average_1m']})",
        flush=True,
    )
    result: dict[str, Any] = {"machine": _machine(), "nmea": nmea, "csv": csv}
    if not args.no_listen:
        result["listen"] = live(listen_sentences, listen_seconds, rates)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.output}.json").write_text(json.dumps(result, indent=2) + "\n")
    text = render(result)
    markdown = RESULTS / f"{args.output}.md"
    if markdown.exists() and NOTES in (previous := markdown.read_text()):
        text += "\n" + previous[previous.index(NOTES) :]  # the hand-written analysis stays
    markdown.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
