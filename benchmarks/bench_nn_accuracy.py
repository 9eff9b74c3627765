"""Accuracy of each network classifier after a fixed training-time budget.

Data: ``skmusic.datasets.load_corpus("composers")`` -- real music21-corpus
scores of five composers/collections -- split by song (stratified, 25 % of the
songs held out, so no slice of a test song is ever trained on). Each song
becomes a note series ``NoteSequence(features=("pitch", "interval",
"duration", "ioi"))`` (melody line on top), scaled per channel, and every
network is trained on 64-note slices (hop 32) inside a
``VotingSliceClassifier`` that votes (soft) per song. Every network gets the
same wall-clock training budget (``--budget`` seconds; a skorch callback stops
training when it is spent), then slice and whole-song accuracy on the held-out
songs are reported.

The 2D networks (SpectrogramCNNClassifier, RCNNClassifier) read the same
4 x 64 slices as images (pooling only along time).

Run::

    python benchmarks/bench_nn_accuracy.py              # 5 networks x 60 s + loading
    python benchmarks/bench_nn_accuracy.py --budget 20  # quicker

Prints a table and writes benchmarks/results/nn_accuracy.md.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import TimeCap
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import ChannelScaler, NoteSequence, slice_sequences
from skmusic.nn import (
    CRNNClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)

WIDTH, HOP = 64, 32


def networks(budget):
    common = dict(
        max_epochs=10_000, callbacks=[TimeCap(budget)], random_state=0, lr=0.001, batch_size=64
    )
    return [
        (
            "LSTMClassifier (2 x 64, dense 32)",
            LSTMClassifier(64, num_layers=2, dense=(32,), dropout=0.1, **common),
        ),
        (
            "CRNNClassifier (NN3 layout, Conv1D 32-32, BiLSTM 32)",
            CRNNClassifier(
                (32, 32), hidden_size=32, kernel_size=3, pool_size=2, dense=(16,), **common
            ),
        ),
        ("ResNet1DClassifier (32 filters, 3 blocks)", ResNet1DClassifier(32, **common)),
        (
            "SpectrogramCNNClassifier (16-32-32, pool time)",
            SpectrogramCNNClassifier(
                (16, 32, 32), pool_size=(1, 2), dropout=0.3, **{**common, "lr": 0.001}
            ),
        ),
        (
            "RCNNClassifier (conv 16-32, 3 RCL)",
            RCNNClassifier((16, 32), pool_size=(1, 2), **common),
        ),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per network")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    t = time.perf_counter()
    corpus = load_corpus("composers", verbose=False)
    series = NoteSequence(features=("pitch", "interval", "duration", "ioi")).fit_transform(
        corpus.data
    )
    y = np.asarray(corpus.target)
    idx_train, idx_test = train_test_split(
        np.arange(len(y)), test_size=0.25, stratify=y, random_state=0
    )
    X_train = [series[i] for i in idx_train]
    X_test = [series[i] for i in idx_test]
    n_slices = len(slice_sequences(X_train, WIDTH, HOP, pad="constant")[1])
    print(
        f"{len(y)} songs, {len(np.unique(y))} classes; {len(idx_train)} train songs "
        f"({n_slices} slices of {WIDTH} notes), {len(idx_test)} test songs; "
        f"loaded in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    majority = max(np.mean(y[idx_test] == c) for c in np.unique(y))

    rows = []
    for name, net in networks(args.budget):
        model = make_pipeline(
            ChannelScaler(),
            VotingSliceClassifier(net, width=WIDTH, hop=HOP, voting="soft", pad="constant"),
        )
        t = time.perf_counter()
        model.fit(X_train, y[idx_train])
        fit_s = time.perf_counter() - t
        voter = model[-1]
        inner = voter.estimator_
        epochs = len(inner.net_.history)
        song_acc = model.score(X_test, y[idx_test])
        slices, index = slice_sequences(model[0].transform(X_test), WIDTH, HOP, pad="constant")
        pred = inner.predict(slices)
        if pred.dtype.kind in "iu":  # the voter fits its estimator on encoded labels
            pred = voter.classes_[pred]
        slice_acc = float(np.mean(pred == y[idx_test][index]))
        rows.append((name, epochs, fit_s, slice_acc, song_acc))
        print(
            f"{name:55s} {epochs:4d} epochs {fit_s:6.1f} s   slice acc {slice_acc:.3f}   "
            f"song acc {song_acc:.3f}",
            flush=True,
        )

    lines = [
        "# Network classifiers on the music21 'composers' corpus, fixed training budget",
        "",
        f"`python benchmarks/bench_nn_accuracy.py --budget {args.budget:g}` "
        f"(torch {torch.__version__}, {torch.get_num_threads()} threads, CPU).",
        "",
        f"{len(y)} songs, 5 classes, song-level split ({len(idx_train)} train / "
        f"{len(idx_test)} test songs, stratified, random_state=0). Inputs: note series "
        "(pitch, interval, duration, inter-onset interval; melody line on top), "
        f"per-channel scaled, {WIDTH}-note slices with hop {HOP}; soft vote per song "
        "(VotingSliceClassifier). Each network trains until its wall-clock budget is "
        f"spent (checked after every epoch). Majority-class song accuracy: {majority:.3f}. "
        "Slice accuracy weights every slice, so long songs (many slices) count more "
        "than short ones (e.g. chorales); song accuracy weights every song once.",
        "",
        "| network | epochs | fit time (s) | slice accuracy | song accuracy |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, epochs, fit_s, slice_acc, song_acc in rows:
        lines.append(f"| {name} | {epochs} | {fit_s:.1f} | {slice_acc:.3f} | {song_acc:.3f} |")
    out = Path(__file__).parent / "results" / "nn_accuracy.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
