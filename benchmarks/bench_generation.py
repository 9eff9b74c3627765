"""Generation figures: NoteLSTMGenerator on Bach chorales, WaveformGenerator on rendered audio.

Prints the figures and writes them to benchmarks/results/generation.md (and one
sampled chorale melody to benchmarks/results/generation_sample.mid).

1. Bach chorales (music21 corpus, ``load_corpus("bach")``), split by piece
   (80% train / 20% held out). Tokens: the soprano part (part 0) with
   durations and rests, ``NoteTokenizer(durations=True, rests=True, part=0)``
   fitted on the training pieces (unseen held-out tokens map to ``<unk>``).
   Held-out negative log-likelihood per token (nats) of NoteLSTMGenerator
   against unigram and bigram models with add-one smoothing and with the
   smoothing tuned by 5-fold GridSearchCV (by held-out ``score``) on the
   training pieces; sampling speed; the symbolic statistics of 20 generated
   pieces beside the held-out real ones.
2. WaveformGenerator on chorales rendered to audio at 10 kHz
   (``load_corpus("bach", as_audio=True, sr=10000)``), split by piece: held-out
   MSE of the next 0.1 s from 0.9 s against repeating the last 0.1 s and
   against predicting silence.

Run:  python benchmarks/bench_generation.py [--quick]
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np
import torch
from sklearn.model_selection import GridSearchCV, train_test_split

from skmusic.datasets import load_corpus
from skmusic.features import NoteTokenizer
from skmusic.generation import (
    NGramTokenGenerator,
    NoteLSTMGenerator,
    WaveformGenerator,
    write_tokens_midi,
)
from skmusic.generation._base import regression_windows
from skmusic.io import write_wav
from skmusic.metrics import perplexity, pitch_class_histogram_distance, symbolic_statistics

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")


def _stats_rows(name, scores):
    stats = symbolic_statistics(scores)
    return name, {k: (float(np.mean(v)), float(np.std(v))) for k, v in stats.items()}


def symbolic(quick, lines):
    songs = load_corpus("bach", verbose=False)
    train, test = train_test_split(songs.data, test_size=0.2, random_state=0)
    tok = NoteTokenizer(durations=True, rests=True, part=0).fit(train)
    X_train, X_test = tok.transform(train), tok.transform(test)
    X_train = [x for x in X_train if x.shape[1] >= 2]
    X_test = [x for x in X_test if x.shape[1] >= 2]
    n_train_tok = sum(x.shape[1] for x in X_train)
    n_test_tok = sum(x.shape[1] - 1 for x in X_test)
    unk_share = float(np.mean(np.concatenate([x[0] for x in X_test]) == tok.unknown_id_))
    V = tok.n_tokens_
    lines += [
        "## 1. NoteLSTMGenerator on Bach chorales (soprano tokens)",
        "",
        f"{len(songs.data)} chorales split by piece: {len(X_train)} train "
        f"({n_train_tok} tokens), {len(X_test)} held out ({n_test_tok} predicted tokens; "
        f"{unk_share:.1%} of held-out tokens are `<unk>`). Vocabulary {V} tokens "
        "(`NoteTokenizer(durations=True, rests=True, part=0)` fitted on the training pieces).",
        "",
        "| model | held-out NLL (nats/token) | perplexity | fit time (s) |",
        "|---|---|---|---|",
    ]
    print("\n".join(lines[-8:]))
    results = {}

    def report(name, model, seconds):
        nll = -model.score(X_test)
        results[name] = nll
        row = f"| {name} | {nll:.3f} | {perplexity(-nll):.1f} | {seconds:.1f} |"
        lines.append(row)
        print(row, flush=True)

    uniform = np.log(V)
    lines.append(f"| uniform over the vocabulary | {uniform:.3f} | {V:.1f} | - |")
    print(lines[-1])
    for order, name in ((1, "unigram"), (2, "bigram")):
        t = time.perf_counter()
        model = NGramTokenGenerator(order, alpha=1.0, n_tokens=V).fit(X_train)
        report(f"{name}, add-one (alpha=1)", model, time.perf_counter() - t)
        t = time.perf_counter()
        search = GridSearchCV(
            NGramTokenGenerator(order, n_tokens=V),
            {"alpha": [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]},
            cv=5,
        ).fit(X_train)
        alpha = search.best_params_["alpha"]
        report(f"{name}, alpha={alpha} (5-fold CV)", search.best_estimator_,
               time.perf_counter() - t)
    baseline_bigram = search.best_estimator_

    lstm = NoteLSTMGenerator(
        seq_len=100,
        stride=25,
        n_tokens=V,
        embedding_dim=64,
        hidden_size=128,
        num_layers=3,
        dropout=0.2,
        dense=(128,),
        max_epochs=3 if quick else 30,
        batch_size=16,
        lr=0.005,
        validation_fraction=0.1,
        patience=5,
        random_state=0,
    )
    t = time.perf_counter()
    lstm.fit(X_train)
    fit_s = time.perf_counter() - t
    epochs = len(lstm.history_)
    best = int(np.argmin(lstm.history_[:, "valid_loss"])) + 1
    report(f"NoteLSTMGenerator (3x128 LSTM, {epochs} epochs, best {best})", lstm, fit_s)
    beats = results[max((k for k in results if "NoteLSTM" in k))] < min(
        v for k, v in results.items() if "NoteLSTM" not in k
    )
    lines += ["", f"NoteLSTMGenerator beats every n-gram baseline: **{beats}**.", ""]
    print(lines[-2])

    # sampling speed
    lstm.sample(10, random_state=0)  # warm up
    t = time.perf_counter()
    lstm.sample(500, n_samples=1, random_state=0)
    one = 500 / (time.perf_counter() - t)
    t = time.perf_counter()
    lstm.sample(200, n_samples=20, random_state=0)
    batch = 20 * 200 / (time.perf_counter() - t)
    lines += [
        "Sampling speed (CPU, 1 thread): "
        f"{one:,.0f} tokens/s for one sequence; {batch:,.0f} tokens/s drawing 20 sequences at once.",
        "",
    ]
    print(lines[-2])

    # 20 generated pieces beside the real held-out ones
    length = int(np.median([x.shape[1] for x in X_test]))
    real = [s[s["part"] == 0] for s in test]
    real = [s for s in real if s.shape[0] > 1]
    generated, bigram_gen = [], []
    for temperature in (1.0, 0.7):
        ids = lstm.sample(length, n_samples=20, temperature=temperature, random_state=1)
        generated.append((temperature, [n for n in tok.inverse_transform(ids) if n.shape[0] > 1]))
    ids = baseline_bigram.sample(length, n_samples=20, random_state=1)
    bigram_gen = [n for n in tok.inverse_transform(ids) if n.shape[0] > 1]
    rows = [_stats_rows(f"held-out real soprano parts ({len(real)})", real)]
    for temperature, pieces in generated:
        rows.append(_stats_rows(f"NoteLSTM samples, T={temperature} ({len(pieces)})", pieces))
    rows.append(_stats_rows(f"bigram samples ({len(bigram_gen)})", bigram_gen))
    keys = list(rows[0][1])
    lines += [
        f"Symbolic statistics, mean ± std over pieces ({length} tokens per generated "
        "piece = the held-out median); `pc-dist` is the total-variation distance of the "
        "pooled pitch-class histogram to the real held-out pieces' one.",
        "",
        "| pieces | " + " | ".join(keys) + " | pc-dist |",
        "|---|" + "---|" * (len(keys) + 1),
    ]
    samples = [real] + [p for _, p in generated] + [bigram_gen]
    for (name, stats), pieces in zip(rows, samples):
        dist = pitch_class_histogram_distance(pieces, real)
        cells = " | ".join(f"{m:.2f} ± {s:.2f}" for m, s in stats.values())
        lines.append(f"| {name} | {cells} | {dist:.3f} |")
    print("\n".join(lines[-(len(rows) + 4):]))
    os.makedirs(RESULTS, exist_ok=True)
    midi = write_tokens_midi(
        lstm.sample(length * 2, temperature=1.0, random_state=2)[0], tok,
        os.path.join(RESULTS, "generation_sample.mid"), bpm=90,
    )
    lines += ["", f"A sampled melody (T=1.0): `{os.path.relpath(midi, HERE)}`.", ""]


def waveform(quick, lines):
    n_pieces = 12 if quick else 30
    seconds = 8.0 if quick else 12.0
    songs = load_corpus("bach", max_per_class=n_pieces, as_audio=True, sr=10000,
                        max_seconds=seconds, verbose=False, n_jobs=2)
    waves = [w for w in songs.data if w.shape[1] >= 20000]
    train, test = train_test_split(waves, test_size=0.25, random_state=0)
    gen = WaveformGenerator(
        context=9000, horizon=1000, sr=10000, hop=2000, conv_channels=32,
        kernel_size=64, conv_stride=32, hidden_size=64, max_epochs=3 if quick else 12,
        batch_size=32, lr=0.002, validation_fraction=0.1, patience=4, random_state=0,
    )
    t = time.perf_counter()
    gen.fit(train)
    fit_s = time.perf_counter() - t
    model_mse = -gen.score(test)
    inputs, targets = regression_windows([w.astype(np.float64) for w in test], 9000, 1000, 1000)
    repeat_mse = float(((inputs[..., -1000:] - targets) ** 2).mean())
    silence_mse = float((targets**2).mean())
    t = time.perf_counter()
    clip = gen.sample(test[0][:, :9000], seconds=5.0)
    sample_s = time.perf_counter() - t
    out = os.path.join(tempfile.gettempdir(), "skmusic_generated_waveform.wav")
    write_wav(clip, out, sr=10000)
    rms_real = float(np.sqrt((np.concatenate([w.ravel() for w in test]) ** 2).mean()))
    rms_gen = float(np.sqrt((clip**2).mean()))
    lines += [
        "## 2. WaveformGenerator on rendered chorales (10 kHz)",
        "",
        f"{len(waves)} chorales rendered to {seconds:.0f} s at 10 kHz (`load_corpus('bach', "
        f"as_audio=True, sr=10000)`), split by piece: {len(train)} train, {len(test)} held "
        f"out ({len(targets)} held-out windows of 0.9 s -> 0.1 s). Conv1D(32, kernel 64, "
        f"stride 32) + BiGRU(64); {len(gen.history_)} epochs in {fit_s:.0f} s.",
        "",
        "| predictor of the next 0.1 s | held-out MSE |",
        "|---|---|",
        f"| WaveformGenerator | {model_mse:.5f} |",
        f"| repeat the last 0.1 s | {repeat_mse:.5f} |",
        f"| silence (predict 0) | {silence_mse:.5f} |",
        "",
        f"Rolling forward 5 s from a 0.9 s held-out prompt took {sample_s:.1f} s; RMS of "
        f"the generated audio {rms_gen:.4f} against {rms_real:.4f} for the real held-out "
        f"audio (written to {out}, not kept in the repository).",
        "",
    ]
    print("\n".join(lines[-13:]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few epochs, for a smoke run")
    parser.add_argument("--part", choices=["all", "symbolic", "waveform"], default="all")
    args = parser.parse_args(argv)
    # one thread: faster for these small networks, and steadier on a shared machine
    torch.set_num_threads(1)
    lines = [
        "# Generation benchmark",
        "",
        f"`python benchmarks/bench_generation.py{' --quick' if args.quick else ''}` "
        f"({time.strftime('%Y-%m-%d')}, CPU, 1 torch thread, torch {torch.__version__}; "
        "the 2-core machine was shared with other jobs, so times are pessimistic).",
        "",
    ]
    start = time.perf_counter()
    os.makedirs(RESULTS, exist_ok=True)
    name = "generation.md" if args.part == "all" else f"generation_{args.part}.md"

    def save():
        with open(os.path.join(RESULTS, name), "w") as fh:
            fh.write("\n".join(lines) + "\n")

    if args.part in ("all", "symbolic"):
        symbolic(args.quick, lines)
        save()  # keep the first part should the second fail
    if args.part in ("all", "waveform"):
        waveform(args.quick, lines)
    lines.append(f"Total time: {time.perf_counter() - start:.0f} s.")
    save()
    print(lines[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
