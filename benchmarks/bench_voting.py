"""Slice votes versus slice accuracy, and the leak of splitting slices at random.

Figures (printed, and written to benchmarks/results/voting.md):

1. On the default music21 corpus dataset (``load_corpus("composers")``), each
   piece as a 2-channel series (pitch, duration) cut into slices of
   ``--width`` notes with 50% overlap, with song-level 5-fold CV
   (``StratifiedKFold`` over songs, which is what ``cross_val_score`` does
   with ``VotingSliceClassifier``): slice accuracy, hard-vote, soft-vote and
   thresholded (``min_votes=0.5``, Bai and Wang's rule) song accuracy, for
   ``SequenceStats`` + random forest and a small ``LSTMClassifier``.
2. The same models scored the leaky way (Chen and Wang): slice every song first,
   then 5-fold CV over the *slices* at random, so slices of a test song
   (overlapping ones even) are also in training.
3. Predicting 1,000 songs: peak memory traced by ``tracemalloc`` during
   ``predict_proba``, against the size of the input and against the size of
   all their slices.

The channels are fixed transforms of each note (``(pitch - 60) / 12`` and
``log2(duration)``), learned from nothing, so they leak nothing.

Usage::

    python benchmarks/bench_voting.py               # full run (a few minutes)
    python benchmarks/bench_voting.py --quick       # 100 songs
"""

import argparse
import os
import platform
import time
import tracemalloc

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import SequenceStats, slice_sequences

HERE = os.path.dirname(os.path.abspath(__file__))


def note_series(notes):
    """(2, n_notes) float32: centred pitch in octaves, log2 duration in quarters."""
    pitch = (notes["pitch"].astype(np.float32) - 60.0) / 12.0
    duration = np.log2(np.maximum(notes["duration"], 1 / 64)).astype(np.float32)
    return np.stack([pitch, duration])


def models(quick, epochs=5):
    from skmusic.nn import LSTMClassifier

    return {
        "SequenceStats + RandomForest": make_pipeline(
            SequenceStats(stats=("mean", "std", "min", "max", "median", "q25", "q75")),
            RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=2),
        ),
        f"LSTMClassifier (16 units, {epochs} epochs)": LSTMClassifier(
            16,
            dense=(),
            dropout=0.0,
            max_epochs=epochs,
            lr=0.02,
            batch_size=128,
            device="cpu",
            random_state=0,
        ),
    }


def song_level_cv(inner, songs, y, width, hop, cv):
    """Honest CV: whole songs per fold; returns mean slice/hard/soft/threshold accuracy."""
    rows = []
    for train, test in cv.split(np.zeros(len(y)), y):
        clf = VotingSliceClassifier(clone(inner), width=width, hop=hop, pad="edge")
        clf.fit([songs[i] for i in train], y[train])
        X_test, y_test = [songs[i] for i in test], y[test]
        row = [clf.score_slices(X_test, y_test), clf.score(X_test, y_test)]
        row.append(clf.set_params(voting="soft").score(X_test, y_test))
        row.append(clf.set_params(voting="hard", min_votes=0.5).score(X_test, y_test))
        rows.append(row)
    return np.mean(rows, axis=0), np.std(rows, axis=0)


def leaky_slice_cv(inner, songs, y, width, hop, cv):
    """Chen and Wang's way: slice first, then split the slices at random."""
    slices, index = slice_sequences(songs, width, hop, pad="edge")
    X, y_slices = np.stack(slices), y[index]
    scores = []
    for train, test in cv.split(np.zeros(len(y_slices)), y_slices):
        est = clone(inner).fit(X[train], y_slices[train])
        scores.append(float(np.mean(est.predict(X[test]) == y_slices[test])))
    return np.mean(scores), np.std(scores), len(index)


def memory_figure(inner, songs, y, width, hop, n_songs=1000, length=None):
    """Peak traced memory of predict_proba over n_songs songs vs their size."""
    clf = VotingSliceClassifier(clone(inner), width=width, hop=hop, pad="edge").fit(songs, y)
    rng = np.random.default_rng(0)
    if length is None:  # real songs, repeated to n_songs
        picks = rng.integers(0, len(songs), n_songs)
        X = [songs[i].copy() for i in picks]
    else:  # long synthetic songs of the same kind
        X = [
            songs[i % len(songs)][:, np.arange(length) % songs[i % len(songs)].shape[1]].copy()
            for i in range(n_songs)
        ]
    input_bytes = sum(s.nbytes for s in X)
    slices, _ = slice_sequences(X, width, hop, pad="edge")
    all_slices_bytes = len(slices) * slices[0].nbytes
    del slices
    tracemalloc.start()
    t0 = time.perf_counter()
    clf.predict_proba(X)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return input_bytes, all_slices_bytes, peak, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=32, help="notes per slice")
    parser.add_argument("--quick", action="store_true", help="100 songs")
    parser.add_argument("--epochs", type=int, default=5, help="LSTM training epochs")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "voting.md"))
    args = parser.parse_args()

    t_start = time.perf_counter()
    bunch = load_corpus("composers", verbose=False)
    songs = [note_series(notes) for notes in bunch.data]
    y = np.asarray(bunch.target)
    if args.quick:
        keep = np.concatenate([np.flatnonzero(y == c)[:20] for c in np.unique(y)])
        songs, y = [songs[i] for i in keep], y[keep]
    width, hop = args.width, args.width // 2
    lengths = np.array([s.shape[1] for s in songs])
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    classes, counts = np.unique(y, return_counts=True)

    lines = [
        "# VotingSliceClassifier: slice votes, and the leak of random slice splits",
        "",
        f"Command: `python benchmarks/bench_voting.py{' --quick' if args.quick else ''}"
        f"{'' if args.width == 32 else f' --width {args.width}'}"
        f"{'' if args.epochs == 5 else f' --epochs {args.epochs}'}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python "
        f"{platform.python_version()}  ",
        f'Data: `load_corpus("composers")`: {len(songs)} pieces, '
        + ", ".join(f"{c} {n}" for c, n in zip(classes, counts))
        + f"; notes per piece median {int(np.median(lengths))} (min {lengths.min()}, max "
        f"{lengths.max()}); series (pitch, duration), slices of {width} notes, hop {hop} "
        '(50% overlap), `pad="edge"` for pieces shorter than a slice.',
        "",
        "## Song-level 5-fold CV (whole songs per fold) vs slices split at random",
        "",
        "Mean (sd) over 5 folds. *Honest* columns: `StratifiedKFold(5)` over songs, "
        "`VotingSliceClassifier(model, width, hop)` fitted on the training songs; "
        "min_votes=0.5: hard vote, songs whose winner has under half the votes take the "
        "soft vote. *Leaky*: every song sliced first, `StratifiedKFold(5, shuffle=True)` "
        "over the slices, slice accuracy (what Chen and Wang reported).",
        "",
        "| model | slice acc. (honest) | song acc. hard vote | song acc. soft vote "
        "| song acc. min_votes=0.5 | slice acc. (leaky, random slice split) | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, inner in models(args.quick, args.epochs).items():
        t0 = time.perf_counter()
        mean, sd = song_level_cv(inner, songs, y, width, hop, cv)
        leak_mean, leak_sd, n_slices = leaky_slice_cv(inner, songs, y, width, hop, cv)
        seconds = time.perf_counter() - t0
        cells = [f"{m:.3f} ({s:.3f})" for m, s in zip(mean, sd)]
        row = (
            f"| {name} | "
            + " | ".join(cells)
            + f" | {leak_mean:.3f} ({leak_sd:.3f}) | {seconds:.0f} |"
        )
        print(row, flush=True)
        lines.append(row)
    lines += [
        "",
        f"{n_slices} slices in all; chance is {counts.max() / counts.sum():.3f} (largest class).",
        "",
        "## Memory: predicting 1,000 songs",
        "",
        "`tracemalloc` peak during `predict_proba` (songs already in memory; the model "
        "is the random-forest pipeline fitted on the corpus). Songs are predicted in "
        "chunks, so the slices of all songs never exist at once.",
        "",
        "| songs | input | all their slices (if materialized) | peak traced in predict_proba "
        "| peak / input | seconds |",
        "|---|---|---|---|---|---|",
    ]
    rf = models(True)["SequenceStats + RandomForest"]
    for label, length in [
        ("1,000 corpus pieces (resampled)", None),
        ("1,000 pieces of 5,000 notes", 5000),
    ]:
        inp, all_sl, peak, seconds = memory_figure(rf, songs, y, width, hop, length=length)
        row = (
            f"| {label} | {inp / 2**20:.1f} MiB | {all_sl / 2**20:.1f} MiB | "
            f"{peak / 2**20:.1f} MiB | {peak / inp:.2f} | {seconds:.1f} |"
        )
        print(row, flush=True)
        lines.append(row)
    lines += ["", f"Total run time: {time.perf_counter() - t_start:.0f} s.", ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
