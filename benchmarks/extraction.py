"""How long extraction takes per report: the suggestion rules beside the filing extractor.

Run: ``python3 benchmarks/extraction.py`` (``--quick`` for fewer rounds).
portintel's figure is :func:`portintel.domain.extraction.extract` with the
shipped gazetteer (places and ports) and a dictionary of known person names
(``--names``, 20,000 by default, made up), over five short reports in
English, Khmer, Thai, Bahasa Indonesia and Burmese and one long English
report; the peer in the same run is the identifier-only extractor filing has
used so far (``services.intake.extraction.extract_facts``) on the same texts.
Figures are the median CPU time (``time.process_time``) and wall time per
report; the 1-minute load average before and after is printed beside them,
since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import string
import time
from datetime import UTC, datetime
from pathlib import Path

from portintel.adapters.places import load_places
from portintel.domain.extraction import ExtractionContext, extract, index_names, index_places
from portintel.services.intake.extraction import extract_facts

RESULTS = Path(__file__).resolve().parent / "results"

REPORTS = {
    "english": (
        "Boarding report, Sihanoukville, 29 Nov 2026. Boarded MV KOH RONG STAR (IMO 9074729, "
        "MMSI 514123456, call sign XUAB7) at 10°37.7'N 103°30.2'E. Master Mr Sok Chanthy, "
        "phone 012 345 678, passport N01234567. Crew said they would sail to Koh Kood."
    ),
    "khmer": (
        "របាយការណ៍ថ្ងៃទី២៩ វិច្ឆិកា ២០២៦៖ នាវា MV SEA DRAGON 7 (IMO ៩០៧៤៧២៩) ចតនៅកោះរ៉ុង។ "
        "លោក សុខ ចាន់ធី ជាមេការ ទូរស័ព្ទ ០១២ ៣៤៥ ៦៧៨ ។ ទីតាំង ១០.៦២៨N ១០៣.៥០៣E ។"
    ),
    "thai": (
        "วันที่ 29 พ.ย. 2569 เจ้าหน้าที่ตรวจเรือประมง FB LUCKY STAR 2 ที่ท่าเรือระนอง "
        "นายสมชาย ใจดี ไต๋เรือ โทร 081 234 5678 หนังสือเดินทาง AA1234567"
    ),
    "indonesian": (
        "Laporan 29 Nopember 2026: KM Sinar Jaya 88 berangkat dari Kupang menuju Pulau Pasir. "
        "Nakhoda Bapak Wahyudi Saputra, HP +62 812 3456 7890, paspor B 1234567."
    ),
    "burmese": (
        "၂၉ နိုဝင်ဘာ ၂၀၂၆ ရက်နေ့ ကော့သောင်း ဆိပ်ကမ်းတွင် MV GOLDEN MOON ကို စစ်ဆေးခဲ့သည်။ "
        "ဦးအောင်မင်း သည် လှေပိုင်ရှင် ဖြစ်သည်။ ဖုန်း ၀၉ ၄၂၁ ၂၃၄ ၅၆၇ ။"
    ),
}
REPORTS["long english (x20)"] = " ".join([REPORTS["english"]] * 20)


def _names(count: int) -> tuple[str, ...]:
    rng = random.Random(12)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 8))).title()

    return tuple(f"{word()} {word()}" for _ in range(count))


def _time(function, rounds: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    cpu, wall = [], []
    for _ in range(rounds):
        c, w = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--names", type=int, default=20_000)
    args = parser.parse_args()
    rounds = 5 if args.quick else 30
    load_before = os.getloadavg()[0]
    started = time.process_time()
    table = load_places(Path("/nonexistent-data-dir"))
    context = ExtractionContext(
        country="KH", places=index_places(table.places), known_names=index_names(_names(args.names))
    )
    setup_ms = (time.process_time() - started) * 1000
    rows = []
    for name, text in REPORTS.items():
        found = len(extract(text, context))
        ours = _time(lambda text=text: extract(text, context), rounds)
        peer = _time(lambda text=text: extract_facts(text, region="KH"), rounds)
        peer_found = len(extract_facts(text, region="KH"))
        rows.append(
            {
                "report": name,
                "chars": len(text),
                "suggestions": found,
                "cpu_ms": round(ours[0], 2),
                "wall_ms": round(ours[1], 2),
                "peer_facts": peer_found,
                "peer_cpu_ms": round(peer[0], 2),
                "peer_wall_ms": round(peer[1], 2),
            }
        )
    load_after = os.getloadavg()[0]
    header = (
        f"{'report':<20} {'chars':>6} {'found':>6} {'CPU ms':>8} {'wall ms':>8} | "
        f"{'filing facts':>12} {'CPU ms':>8} {'wall ms':>8}"
    )
    print(header)
    for row in rows:
        print(
            f"{row['report']:<20} {row['chars']:>6} {row['suggestions']:>6} {row['cpu_ms']:>8} "
            f"{row['wall_ms']:>8} | {row['peer_facts']:>12} {row['peer_cpu_ms']:>8} "
            f"{row['peer_wall_ms']:>8}"
        )
    print(
        f"gazetteer {len(table.places)} entries and {args.names} known names built in "
        f"{setup_ms:.0f} ms CPU; load average (1 min) before/after: "
        f"{load_before:.2f}/{load_after:.2f}"
    )
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": (
            f"{os.cpu_count()} cores, {platform.machine()}; Python {platform.python_version()}"
        ),
        "rounds": rounds,
        "known_names": args.names,
        "gazetteer_entries": len(table.places),
        "setup_cpu_ms": round(setup_ms, 1),
        "load_average_1min": [load_before, load_after],
        "rows": rows,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "extraction.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    )
    lines = [
        "# Extraction: suggestions per report beside the filing extractor",
        "",
        "Run: `python3 benchmarks/extraction.py`. portintel: every suggestion rule with the "
        f"shipped gazetteer ({len(table.places)} entries) and {args.names} known names; "
        "peer: the identifier-only extractor filing used (`extract_facts`), same texts, same run. "
        "Median of the rounds; CPU is the process's own time.",
        "",
        "| report | chars | suggestions | CPU ms | wall ms "
        "| filing facts | filing CPU ms | filing wall ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {r['report']} | {r['chars']} | {r['suggestions']} | {r['cpu_ms']} | {r['wall_ms']} "
            f"| {r['peer_facts']} | {r['peer_cpu_ms']} | {r['peer_wall_ms']} |"
            for r in rows
        ),
        "",
        f"Set-up (gazetteer and dictionary): {setup_ms:.0f} ms CPU. {result['machine']}. "
        f"Date {result['date']}. Load average (1 min) before and after: "
        f"{load_before:.2f}, {load_after:.2f} (other jobs share the machine).",
        "",
    ]
    (RESULTS / "extraction.md").write_text("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
