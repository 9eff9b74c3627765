"""Speed of skmusic's audio features against librosa in a plain loop.

Figures (printed, and written to benchmarks/results/features.md):

1. ``MelSpectrogram`` over N rendered 30 s clips at 22,050 Hz (a list of
   ``(1, n_samples)`` float32 waveforms, as ``AudioLoader`` returns them)
   against ``librosa.feature.melspectrogram`` called in a loop over the same
   clips in the same run: throughput at ``n_jobs=1`` and ``n_jobs=2``, and the
   fraction reached of an FFT-only bound (``scipy.fft.rfft`` over the same
   frames, nothing else).
2. Paths -> ``AudioLoader`` -> ``MelSpectrogram`` over the same clips written as
   WAV files: seconds per hour of audio, cold, and again from the cache of
   ``Pipeline(memory=...)``.

Every timing is the best of ``--repeats`` runs, the runs of the compared
variants interleaved, so that a noisy machine hurts them alike.

Usage::

    python benchmarks/bench_features.py              # 200 clips
    python benchmarks/bench_features.py --n-clips 20 # quick run
"""

import argparse
import os
import platform
import shutil
import tempfile
import time

import joblib
import librosa
import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from skmusic.features import MelSpectrogram

SR = 22050
SECONDS = 30.0
N_FFT, HOP, N_MELS = 2048, 512, 128


def render_clips(n_clips, seconds=SECONDS, sr=SR):
    """``n_clips`` waveforms of exactly ``seconds``; how they were made."""
    n_samples = int(seconds * sr)
    try:
        from skmusic.datasets import render_audio
        from skmusic.io.notes import make_notes
    except ImportError:
        render_audio = None
    rng = np.random.default_rng(0)
    clips = []
    for i in range(n_clips):
        if render_audio is not None:
            n = 80
            onset = np.sort(rng.uniform(0, seconds * 100 / 60, n))  # quarters at 100 bpm
            notes = make_notes(rng.integers(48, 84, n), onset, rng.uniform(0.25, 2.0, n),
                               velocity=rng.integers(50, 110, n))
            wave = np.asarray(render_audio(notes, sr=sr, bpm=100.0, max_seconds=seconds,
                                           random_state=i), dtype=np.float32).reshape(-1)
        else:
            t = np.arange(n_samples) / sr
            f0 = 110 * 2 ** (rng.integers(0, 36) / 12)
            wave = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 8)).astype(np.float32)
        wave = np.pad(wave[:n_samples], (0, max(0, n_samples - wave.size)))
        clips.append(wave[np.newaxis, :].astype(np.float32))
    how = ("skmusic.datasets.render_audio (numpy additive synth) of random note events"
           if render_audio is not None else "harmonic tones synthesised with numpy")
    return clips, how


def librosa_loop(clips):
    return [librosa.feature.melspectrogram(y=c[0], sr=SR, n_fft=N_FFT, hop_length=HOP,
                                           n_mels=N_MELS) for c in clips]


def librosa_loop_db(clips):
    return [librosa.power_to_db(m) for m in librosa_loop(clips)]


def fft_only(clips):
    """rfft of the same frames librosa analyses (centred, zero-padded), nothing else."""
    out = []
    for c in clips:
        y = np.pad(c[0], N_FFT // 2)
        frames = sliding_window_view(y, N_FFT)[::HOP]
        out.append(scipy.fft.rfft(frames, axis=-1))
    return out


def best_of(funcs, repeats):
    """Best wall time of each function, runs interleaved."""
    best = {name: np.inf for name in funcs}
    for _ in range(repeats):
        for name, f in funcs.items():
            t = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-clips", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__),
                                                      "results", "features.md"))
    args = parser.parse_args()

    t = time.perf_counter()
    clips, how = render_clips(args.n_clips)
    render_s = time.perf_counter() - t
    n = len(clips)
    hours = n * SECONDS / 3600
    print(f"{n} clips of {SECONDS:.0f} s at {SR} Hz: {how} (rendered in {render_s:.1f} s)")

    # same output as the loop: check before timing
    ours = MelSpectrogram(to_db=False).fit_transform(clips[:2])
    ref = librosa_loop(clips[:2])
    assert all(np.allclose(a, b, rtol=1e-5, atol=1e-6) for a, b in zip(ours, ref))

    mel1 = MelSpectrogram(to_db=False).fit(clips[:1])
    mel2 = MelSpectrogram(to_db=False, n_jobs=2).fit(clips[:1])
    mel1db = MelSpectrogram().fit(clips[:1])
    mel2db = MelSpectrogram(n_jobs=2).fit(clips[:1])

    def mel2_loky():
        with joblib.parallel_config(backend="loky"):
            return mel2.transform(clips)

    funcs = {
        "librosa.feature.melspectrogram loop": lambda: librosa_loop(clips),
        "MelSpectrogram(to_db=False), n_jobs=1": lambda: mel1.transform(clips),
        "MelSpectrogram(to_db=False), n_jobs=2 (threads)": lambda: mel2.transform(clips),
        "MelSpectrogram(to_db=False), n_jobs=2 (loky processes)": mel2_loky,
        "librosa loop + power_to_db": lambda: librosa_loop_db(clips),
        "MelSpectrogram() (dB), n_jobs=1": lambda: mel1db.transform(clips),
        "MelSpectrogram() (dB), n_jobs=2 (threads)": lambda: mel2db.transform(clips),
        "FFT-only bound (scipy.fft.rfft of the frames)": lambda: fft_only(clips),
    }
    funcs["librosa.feature.melspectrogram loop"]()  # warm up (caches, numba, threads)
    times = best_of(funcs, args.repeats)
    base = times["librosa.feature.melspectrogram loop"]
    base_db = times["librosa loop + power_to_db"]
    bound = times["FFT-only bound (scipy.fft.rfft of the frames)"]

    rows = []
    for name, sec in times.items():
        ref_t = base_db if "dB" in name or "power_to_db" in name else base
        rows.append((name, sec, n / sec, ref_t / sec, bound / sec))
    lines = [
        "# Feature extraction speed",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores visible "
        f"(affinity: {len(os.sched_getaffinity(0))}), Python {platform.python_version()}, "
        f"librosa {librosa.__version__}, numpy {np.__version__}, joblib {joblib.__version__}.",
        f"Clips: {n} x {SECONDS:.0f} s at {SR} Hz, {how}; list of (1, n_samples) float32.",
        f"Mel settings: n_fft={N_FFT}, hop_length={HOP}, n_mels={N_MELS}. "
        f"Best of {args.repeats} interleaved runs.",
        "",
        "## MelSpectrogram vs librosa in a loop",
        "",
        "| variant | seconds | clips/s | x librosa loop | fraction of FFT-only bound |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, sec, cps, ratio, frac in rows:
        lines.append(f"| {name} | {sec:.2f} | {cps:.1f} | {ratio:.2f} | {frac:.2f} |")
    lines += ["", "(dB rows are compared with the librosa loop + power_to_db.)", ""]

    # --- paths -> AudioLoader -> MelSpectrogram, cold and cached ---
    from skmusic.io import AudioLoader, write_wav

    folder = tempfile.mkdtemp(prefix="skmusic_bench_")
    try:
        paths = [write_wav(c, os.path.join(folder, f"clip{i:04d}.wav"), sr=SR)
                 for i, c in enumerate(clips)]
        cache = os.path.join(folder, "cache")
        pipe = Pipeline([("load", AudioLoader(sr=SR)), ("mel", MelSpectrogram()),
                         ("out", "passthrough")], memory=cache)
        nocache = Pipeline([("load", AudioLoader(sr=SR)), ("mel", MelSpectrogram())])
        t = time.perf_counter()
        nocache.fit_transform(paths)
        plain_s = time.perf_counter() - t
        t = time.perf_counter()
        cold_out = pipe.fit_transform(paths)
        cold_s = time.perf_counter() - t
        t = time.perf_counter()
        warm_out = clone(pipe).fit_transform(paths)
        warm_s = time.perf_counter() - t
        t = time.perf_counter()
        clone(pipe).fit_transform(paths)
        third_s = time.perf_counter() - t
        assert all(np.array_equal(a, b) for a, b in zip(cold_out, warm_out))
        t = time.perf_counter()
        AudioLoader(sr=SR).fit_transform(paths)
        load_s = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines += [
        "## Paths -> AudioLoader -> MelSpectrogram (dB), n_jobs=1",
        "",
        "| run | seconds | seconds per hour of audio |",
        "|---|---:|---:|",
        f"| AudioLoader alone (read {n} WAV files) | {load_s:.2f} | {load_s / hours:.1f} |",
        f"| no memory | {plain_s:.2f} | {plain_s / hours:.1f} |",
        f"| Pipeline(memory=...), cold (computes and writes the cache) | {cold_s:.2f} | "
        f"{cold_s / hours:.1f} |",
        f"| Pipeline(memory=...), second run (from the cache) | {warm_s:.2f} | "
        f"{warm_s / hours:.1f} |",
        f"| Pipeline(memory=...), third run | {third_s:.2f} | {third_s / hours:.1f} |",
        "",
        "The second and third runs are served from the cache. (Before AudioLoader "
        "returned waveforms without a stride-0 axis, the second run missed the mel "
        "step's cache: the loader's fresh output hashed differently from its cached "
        "copy.) The FFT-only 'bound' is scipy.fft.rfft of the same frames in one "
        "thread; librosa's own path is faster than it here, so the fractions can "
        "exceed 1.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
