"""How many of the note network's seed networks pay at 80 and 160 songs a class.

``NoteNetworkClassifier`` averages ``n_estimators`` networks, each its own seed.
Five were chosen on folders of 10-40 songs a class; a fit on 640 songs then took
2.5 minutes. Here the default network is fitted once with five members (member k
is the same network whatever the number of members, ``EnsembleMixin``), on the
music task suite's tasks that reach 80 and 160 songs a class
(``bench_music_tasks.py``: same loaders, tune-family folds), and the held-out
fold is scored with the average of the first k members, k = 1..5: what an
ensemble of k networks would have scored, at k/5 of the fit time.

Draws: 80 a class on folds 0 and 1, 160 on fold 0 (songs drawn with a
RandomState of 100 + draw, the network seeded with the draw). The table says
what ``n_estimators="auto"`` trains there.

Run: ``python benchmarks/bench_note_members.py [--tasks voice,era,...]``; every
row is appended to ``results/note_members.jsonl`` and the report is rewritten
from all rows there (``--report`` writes it without fitting).
"""

import argparse
import time

import numpy as np
from _common import RESULTS, append_row, command_line, log, md_table, read_rows, setup
from bench_music_tasks import load_task
from sklearn.base import clone

from skmusic.model_selection import make_candidates, song_folds

TASKS = ("folk", "meter", "mode", "voice", "era", "dance")
HELD_OUT = ("era", "dance")
ROWS = RESULTS / "note_members.jsonl"


def draws(task):
    folds = song_folds(task.target, groups=task.groups, cv=3, random_state=0)
    for size in (s for s in (80, 160) if s in task.sizes):
        for draw in (0, 1) if size == 80 else (0,):
            train, test = folds[draw % 3]
            rng = np.random.RandomState(100 + draw)
            idx = np.concatenate(
                [
                    rng.choice(train[task.target[train] == c], size, replace=False)
                    for c in np.unique(task.target)
                ]
            )
            yield size, draw, idx, test


def run(name):
    task = load_task(name, quick=False)
    for size, draw, idx, test in draws(task):
        X, y = [task.data[i] for i in idx], task.target[idx]
        est = make_candidates("symbolic", models=["note_network"], random_state=draw)[0].estimator
        est.set_params(clf__n_estimators=5)
        start = time.perf_counter()
        est.fit(X, y)
        fit = time.perf_counter() - start
        clf, nets = est[-1], list(est[-1].nets_)
        Xt, yt = [task.data[i] for i in test], task.target[test]
        scores = []
        for k in range(1, 6):
            clf.nets_ = nets[:k]
            scores.append(round(float(est.score(Xt, yt)), 4))
        clf.nets_ = nets
        auto = auto_members(est, X)
        row = dict(task=name, size=size, draw=draw, n_train=len(y), auto=auto, fit=round(fit, 1))
        row["scores"] = scores
        append_row(ROWS, row)
        log(f"  {row}")


def auto_members(est, X):
    """Networks ``n_estimators="auto"`` trains on ``X`` with the fitted pipeline ``est``:
    its own rule on the training set the classifier builds from ``X``."""
    clf = est[-1]
    dataset = clf._make_dataset(clf._prepare(est[:-1].transform(X), fit=False))
    return clone(clf).set_params(n_estimators="auto")._n_members(dataset)


def report(elapsed):
    rows = read_rows(ROWS)
    table = []
    for r in rows:
        s = r["scores"]
        table.append(
            [
                r["task"] + (" (held out)" if r["task"] in HELD_OUT else ""),
                r["size"],
                r["draw"],
                r["n_train"],
                *s,
                r["auto"],
                s[r["auto"] - 1] - s[4],
                f"{r['fit']:.0f}",
            ]
        )
    deltas = [row[-2] for row in table]
    text = [
        "# The note network's seed networks at 80 and 160 songs a class",
        "",
        f"Command: `{command_line()}`",
        "",
        __doc__.split("\n\n", 1)[1].split("\n\nRun:")[0],
        "",
        md_table(
            [
                "task",
                "songs a class",
                "draw",
                "training songs",
                "k=1",
                "k=2",
                "k=3",
                "k=4",
                "k=5",
                '"auto" trains',
                '"auto" minus five',
                "fit of five (s)",
            ],
            table,
        ),
        "",
        f'Mean of "auto" minus five over the {len(table)} draws: {np.mean(deltas):+.4f} '
        f"(lowest {min(deltas):+.4f}). Fit times: five networks, one process beside another "
        "on two cores.",
        "",
    ]
    out = RESULTS / "note_members.md"
    out.write_text("\n".join(text))
    print("\n".join(text))
    print(f"wrote {out} ({elapsed:.0f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated")
    parser.add_argument("--report", action="store_true", help="write the report, fit nothing")
    args = parser.parse_args()
    start = setup(1)
    if not args.report:
        for name in args.tasks.split(","):
            run(name.strip())
    report(time.perf_counter() - start)


if __name__ == "__main__":
    main()
