"""Generation figures: NoteLSTMGenerator() at its defaults against the best n-gram, and
what `skmusic generate` makes at its defaults.

Prints the figures and writes them to benchmarks/results/generation.md, with the
piece `skmusic generate` wrote (generation_sample.mid) and its piano roll
(generation_sample.png).

1. ``NoteLSTMGenerator(n_tokens=V, random_state=0)`` -- nothing else set --
   against the strongest variable-order model, on three tokenizations: Bach
   chorale soprano lines with durations and rests
   (``NoteTokenizer(durations=True, rests=True, part=0)``), the chorales' parts
   as chord tokens (``NoteTokenizer()``, 150 / 50 pieces), and the melodies of
   a folk collection (the Essen collection's Boehme songs,
   ``load_corpus("folk", classes=["german_boehme"])``, with durations and
   rests). Pieces are split by **tune family**
   (``skmusic.model_selection.tune_families``, ``GroupShuffleSplit``, a fifth of
   the families held out), so no held-out piece shares its tune with a
   training piece; the soprano task is also run on the old random split
   (``train_test_split``) to show how much that split flattered every model.
   The tokenizer is fitted on the training pieces (unseen held-out tokens map
   to ``<unk>``). The peer is ``NGramTokenGenerator`` with every smoothing --
   additive (orders 1-3, alpha from :data:`ALPHAS`), interpolated Kneser-Ney
   (orders 2-5), PPM with escape C and X and exclusion (orders 2-5 and
   unbounded, PPM*) -- the order and smoothing chosen on the *test* pieces
   themselves (the baseline's best case). Target (issue 27): perplexity at
   least 10 % below the best variable-order model's; fit under 5 minutes;
   samples not one repeated token.
2. ``skmusic generate`` at its defaults (the command's own code path): wall
   time, held-out log-likelihood beside the bigram's, and the symbolic
   statistics of 20 pieces sampled from its model beside those of the real
   held-out pieces and of 20 bigram samples. Target: every statistic's mean
   within the real pieces' spread (their 10th to 90th percentile).

The waveform generator's figures are in benchmarks/paper_003_gtzan_generation.py
(Doyle and Lopez's loop).

Run:  python benchmarks/bench_generation.py [--quick]
"""

import argparse
import math
import os
import sys
import time

import numpy as np
import torch
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from skmusic import cli
from skmusic.datasets import load_corpus
from skmusic.features import NoteTokenizer
from skmusic.generation import NGramTokenGenerator, NoteLSTMGenerator
from skmusic.metrics import pitch_class_histogram_distance, symbolic_statistics
from skmusic.model_selection import fit_generation, sample_generation
from skmusic.model_selection._generation import describe_token_model

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
ALPHAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
_SOPRANO = {"durations": True, "rests": True, "part": 0}
# (name, corpus, tokenizer parameters, at most n_train / n_test pieces, split by family)
TOKENIZATIONS = [
    (
        "Bach soprano lines, `NoteTokenizer(durations=True, rests=True, part=0)`",
        "bach",
        _SOPRANO,
        400,
        400,
        True,
    ),
    ("Bach soprano lines (as above)", "bach", _SOPRANO, 400, 400, False),
    ("Bach chorales, all parts as chord tokens, `NoteTokenizer()`", "bach", {}, 150, 50, True),
    (
        "Essen Boehme folk songs, `NoteTokenizer(durations=True, rests=True)`",
        "folk",
        {"durations": True, "rests": True},
        400,
        100,
        True,
    ),
]


def _longest_run(ids):
    ids = np.asarray(ids).ravel()
    change = np.flatnonzero(np.diff(ids)) + 1
    bounds = np.r_[0, change, len(ids)]
    return int(np.diff(bounds).max())


def variable_order_models(V):
    """Every smoothing and order of the peer, as (label, unfitted model)."""
    for order, name in ((1, "unigram"), (2, "bigram"), (3, "trigram")):
        for alpha in ALPHAS:
            yield (
                f"additive {name}, alpha={alpha}",
                NGramTokenGenerator(order, alpha=alpha, n_tokens=V),
            )
    for order in (2, 3, 4, 5):
        yield (
            f"Kneser-Ney, order {order}",
            NGramTokenGenerator(order, smoothing="kneser_ney", n_tokens=V),
        )
    for escape in ("C", "X"):
        for order in (2, 3, 4, 5, None):
            label = f"PPM-{escape}, order {order}" if order else f"PPM*-{escape}"
            yield label, NGramTokenGenerator(order, smoothing="ppm", escape=escape, n_tokens=V)


def _split(pieces, groups, n_train, n_test, by_family):
    """(train, test) pieces: a fifth of the tune families held out (or of the pieces)."""
    rng = np.random.RandomState(0)
    if by_family:
        train, test = next(
            GroupShuffleSplit(1, test_size=0.2, random_state=0).split(pieces, groups=groups)
        )
    else:
        train, test = train_test_split(np.arange(len(pieces)), test_size=0.2, random_state=0)
    train = rng.permutation(train)[:n_train]
    test = rng.permutation(test)[:n_test]
    return [pieces[i] for i in train], [pieces[i] for i in test]


def likelihood(bach, folk, quick, lines):
    lines += [
        "## 1. `NoteLSTMGenerator()` at its defaults against the best variable-order model",
        "",
        (
            "Pieces split by tune family (`tune_families`, `GroupShuffleSplit(test_size=0.2, "
            "random_state=0)`: no held-out piece shares its tune with a training piece) unless "
            "the row says *random split*; the tokenizer is fitted on the training pieces. The "
            "peer is the best of every `NGramTokenGenerator` smoothing and order -- additive "
            f"(orders 1-3, alpha in {ALPHAS}), Kneser-Ney (orders 2-5), PPM with escape C or X "
            "and exclusion (orders 2-5 and unbounded, PPM*) -- chosen **on the test pieces** "
            "(the baseline's best case). The LSTM is `NoteLSTMGenerator(n_tokens=V, "
            "random_state=0)`: early stopping on held-out whole training pieces, nothing tuned; "
            "its default `ngram_mix='auto'` mixes in the Kneser-Ney model and weight that the "
            "early-stopping pieces prefer (the column before it: the same fitted network "
            "alone). Mean log-likelihood per predicted token (nats)."
        ),
        "",
        (
            "| tokens | split | vocabulary | train / test pieces (train tokens) | best additive "
            "n-gram | best variable-order model | the LSTM network alone | NoteLSTMGenerator() "
            "(n-gram mixed in, weight) | perplexity ratio to the "
            "best (target <= 0.90) | LSTM fit (s), epochs, width | distinct tokens / longest "
            "run in 20 samples of 50 |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines[-8:]), flush=True)
    met = []
    for name, songs, params, n_train, n_test, by_family in TOKENIZATIONS:
        songs = bach if songs == "bach" else folk
        if quick:
            n_train, n_test = n_train // 5, n_test // 4
        train, test = _split(songs.data, songs.groups, n_train, n_test, by_family)
        tok = NoteTokenizer(**params).fit(train)
        X_train = [x for x in tok.transform(train) if x.shape[1] >= 2]
        X_test = [x for x in tok.transform(test) if x.shape[1] >= 2]
        V = tok.n_tokens_
        best = best_additive = None
        for label, model in variable_order_models(V):
            s = model.fit(X_train).score(X_test)
            if best is None or s > best[0]:
                best = (s, label)
            if label.startswith("additive") and (best_additive is None or s > best_additive[0]):
                best_additive = (s, label.removeprefix("additive "))
        t = time.perf_counter()
        lstm = NoteLSTMGenerator(
            n_tokens=V, random_state=0, **({"max_epochs": 5} if quick else {})
        ).fit(X_train)
        fit_s = time.perf_counter() - t
        score = lstm.score(X_test)
        # the network alone: the same fitted LSTM without its n-gram mixture
        alone = float(
            np.concatenate(lstm._lstm_log_probs([x[0].astype(np.int64) for x in X_test])).mean()
        )
        mix = (
            f"{describe_token_model(lstm.ngram_)}, w={lstm.ngram_weight_:.2f}"
            if lstm.ngram_ is not None
            else "none"
        )
        ratio = math.exp(best[0] - score)
        samples = lstm.sample(50, n_samples=20, random_state=0)
        distinct = len(np.unique(samples))
        run = max(_longest_run(s) for s in samples)
        ok = ratio <= 0.90 and fit_s < 300 and distinct > 1
        if by_family:
            met.append(ok)
        n_tok = sum(x.shape[1] for x in X_train)
        verdict = ("(met)" if ratio <= 0.90 else "(missed)") if by_family else "(not a target)"
        lines.append(
            f"| {name} | {'tune families' if by_family else '*random split*'} | {V} | "
            f"{len(X_train)} / {len(X_test)} ({n_tok}) | {best_additive[0]:.3f} "
            f"({best_additive[1]}) | {best[0]:.3f} ({best[1]}) | {alone:.3f} | {score:.3f} "
            f"({mix}) | {ratio:.3f} "
            f"{verdict} | {fit_s:.0f}, {len(lstm.history_)}, {lstm.hidden_size_} | "
            f"{distinct} / {run} |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        f"Targets met on the three tune-family tasks: **{all(met)}**.",
        "",
    ]


def _stat_cells(stats, real_stats=None):
    cells = []
    for key, values in stats.items():
        cell = f"{np.mean(values):.2f} ± {np.std(values):.2f}"
        if real_stats is not None:
            lo, hi = np.percentile(real_stats[key], [10, 90])
            cell += "" if lo <= np.mean(values) <= hi else " (out)"
        cells.append(cell)
    return cells


def command(quick, lines):
    sample = "generation_sample_quick.mid" if quick else "generation_sample.mid"
    argv = ["generate", "--silent", "--out", os.path.join(RESULTS, sample)]
    if quick:
        argv += ["--max-pieces", "60", "--max-time", "20"]
    args = cli.build_parser().parse_args(argv)
    t = time.perf_counter()
    assert cli.main(argv) == 0  # the command itself: MIDI, piano roll, printed scores
    wall = time.perf_counter() - t
    # the same fit again through the function the command calls, to read its parts
    pieces, what, _ = cli._generation_pieces(args)
    fitted = fit_generation(
        pieces, tokens=args.tokens, max_time=args.max_time, random_state=args.seed, what=what
    )
    out = cli.Path(args.out)
    steps = len(sample_generation(fitted, args.steps, random_state=args.seed))
    lstm_ll, ngram_ll = fitted.score, fitted.baseline_score
    gen, tok = fitted.generator, fitted.tokenizer
    real = [n[n["part"] == 0] for n in fitted.test]
    real = [n for n in real if n.shape[0] > 1]
    lstm_pieces = [
        n
        for n in tok.inverse_transform(gen.sample(steps, n_samples=20, random_state=1))
        if n.shape[0] > 1
    ]
    bigram_pieces = [
        n
        for n in tok.inverse_transform(fitted.baseline.sample(steps, n_samples=20, random_state=1))
        if n.shape[0] > 1
    ]
    real_stats = symbolic_statistics(real)
    keys = list(real_stats)
    half = len(real) // 2
    lines += [
        "## 2. `skmusic generate` at its defaults",
        "",
        (
            f"`skmusic generate` (the command, then its function "
            "`skmusic.model_selection.fit_generation` again to read the parts): melody tokens "
            f"of {len(fitted.X_train)} Bach chorales "
            f"(vocabulary {tok.n_tokens_}), {len(fitted.X_test)} held out; "
            f"{len(gen.history_)} epochs; **{wall:.0f} s** from loading the (cached) corpus to "
            f"writing `{os.path.relpath(out, HERE)}` and its piano roll "
            f"`{os.path.relpath(out.with_suffix('.png'), HERE)}` ({steps} tokens, T=1)."
        ),
        "",
        (
            f"Held-out log-likelihood per token (held-out pieces: whole tune families): note "
            f"LSTM **{lstm_ll:.3f}** (perplexity {np.exp(-lstm_ll):.1f}), "
            f"{describe_token_model(fitted.baseline)} (the variable-order model chosen by "
            f"3-fold CV on the training pieces) {ngram_ll:.3f} (perplexity "
            f"{np.exp(-ngram_ll):.1f})."
        ),
        "",
        (
            f"Symbolic statistics, mean ± std over pieces ({steps} tokens per generated piece); "
            "`(out)` marks a mean outside the real pieces' 10th-90th percentile; `pc-dist` is "
            "the total-variation distance of the pooled pitch-class histogram to the real "
            "held-out pieces' (for the real row: one half of them against the other)."
        ),
        "",
        "| pieces | " + " | ".join(keys) + " | pc-dist |",
        "|---|" + "---|" * (len(keys) + 1),
        f"| real held-out soprano lines ({len(real)}) | "
        + " | ".join(_stat_cells(real_stats))
        + f" | {pitch_class_histogram_distance(real[:half], real[half:]):.3f} |",
    ]
    inside = []
    for name, pieces in (
        (f"`skmusic generate` model, T=1 ({len(lstm_pieces)})", lstm_pieces),
        (f"baseline samples ({len(bigram_pieces)})", bigram_pieces),
    ):
        stats = symbolic_statistics(pieces)
        cells = _stat_cells(stats, real_stats)
        if "baseline" not in name:
            inside = [not c.endswith("(out)") for c in cells]
        lines.append(
            f"| {name} | "
            + " | ".join(cells)
            + f" | {pitch_class_histogram_distance(pieces, real):.3f} |"
        )
    lines += [
        "",
        (
            f"Every statistic of the generated pieces within the real spread: "
            f"**{all(inside)}**; under 5 minutes: **{wall < 300}**."
        ),
        "",
    ]
    print(
        "\n".join(lines[-(len(lines) - lines.index("## 2. `skmusic generate` at its defaults")) :]),
        flush=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, few epochs")
    parser.add_argument("--part", choices=["all", "likelihood", "command"], default="all")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # faster for these small networks on a shared machine
    lines = [
        "# Generation benchmark",
        "",
        (
            f"`python benchmarks/bench_generation.py{' --quick' if args.quick else ''}` "
            f"({time.strftime('%Y-%m-%d')}, CPU, 1 torch thread, torch {torch.__version__}; "
            "the 2-core machine was shared with other jobs, so times are pessimistic)."
        ),
        "",
    ]
    start = time.perf_counter()
    os.makedirs(RESULTS, exist_ok=True)
    name = "generation_quick.md" if args.quick else "generation.md"
    songs = load_corpus("bach", verbose=False)
    folk = load_corpus("folk", classes=["german_boehme"], max_per_class=None, verbose=False)

    def save():
        with open(os.path.join(RESULTS, name), "w") as fh:
            fh.write("\n".join(lines) + "\n")

    if args.part in ("all", "likelihood"):
        likelihood(songs, folk, args.quick, lines)
        save()  # keep the first part should the second fail
    if args.part in ("all", "command"):
        command(args.quick, lines)
    lines.append(f"Total time: {time.perf_counter() - start:.0f} s.")
    save()
    print(lines[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
