"""The note network across seeds on ``skmusic compare``'s songs and folds.

``compare --quick`` trains the note network once (one seed) on 67 songs a fold;
one fit moves by a few songs with the seed. This benchmark fixes the data (the
corpus' five classes, 20 songs each) and the 3 song-level folds of
``compare --quick --seed 0`` (with ``--full``: 40 songs each and the 5 folds of
``compare --seed 0``), and trains the note network candidate of
``make_candidates("symbolic", quick=True)`` (``quick=False`` with ``--full``) at
several network seeds
(``clf__random_state``), optionally with changed parameters, next to the
classical candidates named (their own seed fixed at 0), all through
:func:`skmusic.model_selection.compare_models`. It prints every seed's
accuracy and their mean and range, and writes them to
``benchmarks/results/note_seeds.md``.

Run::

    python benchmarks/bench_note_seeds.py                       # seeds 0-4, svm beside
    python benchmarks/bench_note_seeds.py --params '{"clf__summaries": false}'
    python benchmarks/bench_note_seeds.py --full --seeds 0,1,2 \\
        --classical logistic_regression,svm --output note_seeds_full
"""

import argparse
import json
import shlex
import time
from pathlib import Path

import numpy as np
import torch

from skmusic.datasets import load_corpus
from skmusic.model_selection import compare_models, make_candidates

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4", help="network seeds (comma-separated)")
    parser.add_argument("--params", default="{}", help="JSON of pipeline parameters to set")
    parser.add_argument("--classical", default="svm", help="classical candidates beside it")
    parser.add_argument("--output", default="note_seeds", help="name of the results file")
    parser.add_argument(
        "--full", action="store_true", help="compare's default songs, folds and candidates"
    )
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    params = json.loads(args.params)
    torch.set_num_threads(1)  # as `skmusic compare` runs its networks (the figures' setting)

    quick = not args.full
    cv = 3 if quick else 5
    bunch = load_corpus("composers", max_per_class=20 if quick else 40, verbose=False, n_jobs=2)
    X, y = bunch.data, np.asarray(bunch.target)
    start = time.perf_counter()
    rows = []
    classical = [m for m in args.classical.split(",") if m]
    if classical:
        cands = make_candidates("symbolic", models=classical, quick=quick, random_state=0)
        table = compare_models(X, y, candidates=cands, cv=cv, random_state=0).table
        rows += [(r.model, "", r.mean_score) for r in table.itertuples()]
    (cand,) = make_candidates("symbolic", models=["note_network"], quick=quick, random_state=0)
    cand.estimator.set_params(**params)
    net = cand.estimator[-1]
    size = f"{net.n_estimators} network(s) of {net.max_epochs} epochs"
    scores = []
    for seed in seeds:
        cand.estimator.set_params(clf__random_state=seed)
        table = compare_models(X, y, candidates=[cand], cv=cv, random_state=0).table
        scores.append(float(table.loc[0, "mean_score"]))
        rows.append(("note_network", seed, scores[-1]))
        print(f"note_network seed {seed}: {scores[-1]:.3f}", flush=True)
    wall = time.perf_counter() - start
    command = "compare --quick" if quick else "compare"
    lines = [
        f"# The note network across seeds on `{command}`'s songs and folds",
        "",
        f"Command: `python benchmarks/bench_note_seeds.py {'--full ' * args.full}"
        f"--seeds {args.seeds} --params '{args.params}' --classical {shlex.quote(args.classical)}"
        f"{' --output ' + args.output if args.output != 'note_seeds' else ''}`  ",
        f"{len(y)} songs, {cv} song-level folds of `{command} --seed 0`; "
        f"the note network of `make_candidates(quick={quick})` ({size}) "
        f"{'with ' + str(params) if params else f'as `{command}` builds it'}; "
        f"{wall:.0f} s in all.",
        "",
        "| model | network seed | song accuracy |",
        "| --- | ---: | ---: |",
        *[f"| {m} | {s} | {a:.3f} |" for m, s, a in rows],
        "",
        f"Note network over {len(scores)} seed{'s' * (len(scores) > 1)}: "
        f"mean **{np.mean(scores):.3f}**, "
        f"range {min(scores):.3f}-{max(scores):.3f}.",
        "",
    ]
    report = "\n".join(lines)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.output}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
