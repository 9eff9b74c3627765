"""Wall time and table of ``skmusic compare --quick`` on the default data.

Runs the command as a user would (a fresh process, ``python -m skmusic``) on
the embedded music21 corpus (five composers/collections, 20 songs each in
quick mode), times it end to end -- loading, every model's song-level CV,
the plots -- and writes the printed table and the time to
``benchmarks/results/compare_quick.md``.

Run::

    python benchmarks/bench_compare.py            # compare --quick
    python benchmarks/bench_compare.py -- --cv 5  # extra arguments for compare
"""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main(extra):
    out = RESULTS / "compare_quick"
    cmd = [sys.executable, "-m", "skmusic", "compare", "--quick", "--out", str(out), *extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"compare failed with status {proc.returncode}")
    table = proc.stdout.split("\nwrote ")[0].strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report = "\n".join(
        [
            "# `skmusic compare --quick` on the default data",
            "",
            f"Command: `{' '.join(['skmusic', *cmd[3:]])}`  ",
            f"Wall time (end to end, fresh process): **{wall:.0f} s** (target: under 300 s)  ",
            f"Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
            f"1-minute load average at the end {load:.1f}",
            "",
            "```",
            table,
            "```",
            "",
            f"Figures: `{out.relative_to(HERE.parent)}/` (confusion_matrix.png, "
            "training_curves_<model>.png, results.csv).",
            "",
        ]
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "compare_quick.md").write_text(report)
    print(report)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    main(args)
