"""Training throughput of skmusic's network classifiers against a plain PyTorch loop.

For every estimator, the same work is done twice: once by ``estimator.fit``
(validation of the batch, the recipe's input normalization, skorch's training
loop, callbacks, history) and once by a bare PyTorch loop over batch-indexed
tensors (the same normalization by the library's functions, ``randperm``
shuffle, forward, loss, backward, gradient clipping, AdamW step, the same
per-batch learning-rate factor). Both train the same module (the estimator's
own ``make_module``) on every item at full length: the estimator runs with
``max_timesteps=None`` (no shortening), ``validation_fraction=None`` (no
held-out split) and ``patience=None`` (no early stopping), so the same number
of sequences of the same lengths goes through both. The normalization alone is
timed too and reported as its own row. Each is timed ``--repeats`` times,
alternating (after one untimed epoch that pays one-time costs such as the
choice of convolution kernels), and the fastest run kept (the machine may be
shared). Throughput is training sequences per second; the target is
estimator / plain >= 0.95.

Run::

    python benchmarks/bench_nn_throughput.py            # ~2-4 minutes on 2 cores
    python benchmarks/bench_nn_throughput.py --quick    # smaller, for a smoke test

Prints a table and writes benchmarks/results/nn_throughput.md.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from skmusic.nn import (
    CRNNClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from skmusic.nn.callbacks import WarmupCosine
from skmusic.nn.data import batch_to_tensors
from skmusic.nn.preprocessing import apply_normalization, fit_normalization


def workloads(quick):
    s = 2 if quick else 1
    rng = np.random.RandomState(0)

    def data(n, c, t):
        return rng.randn(n // s, c, t).astype(np.float32), np.arange(n // s) % 3

    ragged = [rng.randn(8, int(n)).astype(np.float32) for n in rng.randint(150, 250, 512 // s)]
    return [
        (
            "LSTMClassifier eeg-baseline, 8 x 240",
            LSTMClassifier.from_preset("eeg-baseline", batch_size=32),
            *data(512, 8, 240),
        ),
        (
            "LSTMClassifier eeg-baseline, ragged 8 x 150-250",
            LSTMClassifier.from_preset("eeg-baseline", batch_size=32),
            ragged,
            np.arange(len(ragged)) % 3,
        ),
        (
            "CRNNClassifier nn3, 1 x 800",
            CRNNClassifier.from_preset("nn3", batch_size=32),
            *data(256, 1, 800),
        ),
        ("ResNet1DClassifier, 8 x 960", ResNet1DClassifier(batch_size=16), *data(256, 8, 960)),
        (
            "SpectrogramCNNClassifier, 64 x 128",
            SpectrogramCNNClassifier(batch_size=32),
            *data(192, 64, 128),
        ),
        ("RCNNClassifier, 33 x 166", RCNNClassifier(batch_size=32), *data(128, 33, 166)),
    ]


def normalized(estimator, X):
    """The estimator's input normalization, by the library's functions."""
    mean, scale = fit_normalization(X, estimator.normalize)
    return apply_normalization(X, estimator.normalize, mean, scale)


def plain_loop(estimator, X, y, epochs, seed=0):
    """The bare PyTorch loop doing the estimator's work: same normalization, module,
    batch size, AdamW, learning-rate factors, gradient clipping and loss."""
    torch.manual_seed(seed)
    Xt, lengths = batch_to_tensors(normalized(estimator, X))
    yt = torch.as_tensor(y, dtype=torch.long)
    module = estimator.make_module(Xt.shape[1], len(np.unique(y)))
    optimizer = torch.optim.AdamW(
        module.parameters(), lr=estimator.lr, weight_decay=estimator.weight_decay
    )
    bs = estimator.batch_size
    factor = WarmupCosine(epochs * -(-len(Xt) // bs))
    criterion = nn.CrossEntropyLoss()
    module.train()
    step = 0
    for _ in range(epochs):
        order = torch.randperm(len(Xt))
        for start in range(0, len(Xt), bs):
            for group in optimizer.param_groups:
                group["lr"] = estimator.lr * factor(step)
            idx = order[start : start + bs]
            if lengths is None:
                out = module(Xt[idx])
            else:
                lb = lengths[idx]
                out = module(Xt[idx][..., : int(lb.max())], lb)
            loss = criterion(out, yt[idx])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(module.parameters(), estimator.grad_clip)
            optimizer.step()
            step += 1
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    # pay torch's one-time costs (torch._dynamo import on the first optimizer) up front
    warm = LSTMClassifier(4, dense=(), max_epochs=1, random_state=0)
    warm.fit(np.zeros((4, 1, 3)), [0, 1, 0, 1])

    rows = []
    for name, estimator, X, y in workloads(args.quick):
        n = len(X)
        # the same work as the plain loop: every item, at full length, every epoch
        estimator.set_params(
            max_epochs=args.epochs,
            max_timesteps=None,
            validation_fraction=None,
            patience=None,
            random_state=0,
            verbose=0,
        )
        plain_loop(estimator, X, y, 1)  # one-time costs (kernel choice) before timing
        est_times, loop_times, prep_times = [], [], []
        for _ in range(args.repeats):
            t = time.perf_counter()
            estimator.fit(X, y)
            est_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            plain_loop(estimator, X, y, args.epochs)
            loop_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            normalized(estimator, X)
            prep_times.append(time.perf_counter() - t)
        assert len(estimator.history_) == args.epochs  # no early stop: the same epochs
        est_rate = n * args.epochs / min(est_times)
        loop_rate = n * args.epochs / min(loop_times)
        prep = min(prep_times)
        rows.append(
            (name, n, estimator.batch_size, est_rate, loop_rate, est_rate / loop_rate, prep)
        )
        print(
            f"{name:52s} estimator {est_rate:8.1f} seq/s   plain loop {loop_rate:8.1f} "
            f"seq/s   ratio {est_rate / loop_rate:5.2f}   normalization {1000 * prep:6.1f} ms",
            flush=True,
        )

    lines = [
        "# Training throughput: skmusic network classifiers vs a plain PyTorch loop",
        "",
        f"`python benchmarks/bench_nn_throughput.py{' --quick' if args.quick else ''}` "
        f"({args.epochs} epochs, best of {args.repeats}, torch {torch.__version__}, "
        f"{args.threads} thread(s), {platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} torch threads).",
        "",
        "The same work on both sides: the same module (the estimator's `make_module`), "
        "items, full lengths (`max_timesteps=None`), no held-out split "
        "(`validation_fraction=None`), no early stopping (`patience=None`), the same "
        "input normalization (the plain loop calls `skmusic.nn.preprocessing`), batch "
        "size, AdamW, per-batch learning-rate factors, gradient clipping, loss and "
        "epochs. The estimator's time also includes batch validation and skorch's loop, "
        "callbacks and history. Target: ratio >= 0.95. 1-minute load average at the "
        f"end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; compare the ratios, "
        "measured side by side, rather than the absolute rates.",
        "",
        "| workload | sequences | batch | estimator (seq/s) | plain loop (seq/s) | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, bs, est, loop, ratio, _ in rows:
        lines.append(f"| {name} | {n} | {bs} | {est:.1f} | {loop:.1f} | {ratio:.2f} |")
    lines += [
        "",
        "The recipe's preprocessing, timed alone (input normalization fitted and applied "
        "to the whole training batch, once per fit; included in both columns above):",
        "",
        "| workload | normalize | preprocessing (ms) | share of one estimator fit |",
        "|---|---|---:|---:|",
    ]
    for (name, n, _, est, _, _, prep), (_, estimator, _, _) in zip(
        rows, workloads(args.quick), strict=True
    ):
        fit_seconds = n * args.epochs / est
        lines.append(
            f"| {name} | {estimator.normalize} | {1000 * prep:.1f} | "
            f"{100 * prep / fit_seconds:.1f} % |"
        )
    out = Path(__file__).parent / "results" / "nn_throughput.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
