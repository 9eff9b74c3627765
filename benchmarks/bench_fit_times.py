"""Default fit times of the audio networks on the music task suite's largest audio folder.

Issue 29 bounds every default fit at 2 minutes on two cores. The suite
(``bench_music_tasks.py``) times the spectrogram CNN and the CRNN inside its
learning curves but leaves the RCNN out (too slow for its two hours). Here each
network is built as ``skmusic compare`` builds it (``make_candidates("audio")``:
mel spectrogram, 2-s slices with 50 % overlap, ``VotingSliceClassifier``, the
network at its defaults) and fitted once on the audio_composers task's songs at
40 a class -- 200 corpus pieces, the first 10 s of each at 22,050 Hz with a
timbre and a tempo drawn per piece (``load_corpus(..., as_audio=True,
instrumentation="random")``) -- the suite's largest audio training set.

Run: ``python benchmarks/bench_fit_times.py [--models spectrogram_cnn,rcnn,crnn]``;
one process, one torch thread, the fits one after another. Each run appends its
rows to ``results/fit_times.jsonl`` and rewrites ``results/fit_times.md`` from
every row there (fit times depend on the machine and its load: compare the rows
of one run).
"""

import argparse
import time
from datetime import UTC, datetime

import numpy as np
from _common import RESULTS, append_row, command_line, epochs_run, log, md_table, read_rows, setup

from skmusic.datasets import load_corpus
from skmusic.model_selection import make_candidates

MODELS = ("spectrogram_cnn", "rcnn", "crnn")
PER_CLASS = 40
SECONDS = 10.0
BOUND = 120.0
ROWS = RESULTS / "fit_times.jsonl"


def run(models):
    start = time.perf_counter()
    songs = load_corpus(
        "composers",
        max_per_class=PER_CLASS,
        as_audio=True,
        instrumentation="random",
        max_seconds=SECONDS,
        n_jobs=1,
        verbose=False,
    )
    y = np.asarray(songs.target)
    log(f"{len(y)} songs of {SECONDS:g} s rendered in {time.perf_counter() - start:.0f} s")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in models:
        (cand,) = make_candidates("audio", models=[name], random_state=0)
        est = cand.estimator
        t = time.perf_counter()
        est.fit(songs.data, y)
        fit = time.perf_counter() - t
        row = {
            "run": stamp,
            "model": name,
            "songs": len(y),
            "slices": int(est[-1].n_slices_fit_),
            "epochs": epochs_run(est),
            "fit_s": round(fit, 1),
            "command": command_line(),
        }
        log(f"  {name:16s} {fit:6.1f} s, {row['epochs']} epochs, {row['slices']} slices")
        append_row(ROWS, row)


def report():
    rows = read_rows(ROWS)
    table = md_table(
        ["run (UTC)", "model", "songs", "slices", "epochs", "fit (s)", "within 2 min"],
        [
            [
                r["run"],
                r["model"],
                r["songs"],
                r["slices"],
                r["epochs"],
                f"{r['fit_s']:.1f}",
                "yes" if r["fit_s"] <= BOUND else f"no (+{r['fit_s'] - BOUND:.0f} s)",
            ]
            for r in rows
        ],
        align=["---", "---", "---:", "---:", "---:", "---:", "---"],
    )
    text = "\n".join(
        [
            "# Default fit times of the audio networks (issue 29's 2-minute bound)",
            "",
            f"Command: `{rows[-1]['command']}`",
            "",
            __doc__.split("\n\n")[1].replace("\n", " "),
            "",
            table,
            "",
        ]
    )
    out = RESULTS / "fit_times.md"
    out.write_text(text)
    print(text)
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated")
    parser.add_argument("--report", action="store_true", help="write the report, fit nothing")
    args = parser.parse_args()
    setup(1)
    if not args.report:
        run([m.strip() for m in args.models.split(",")])
    report()


if __name__ == "__main__":
    main()
