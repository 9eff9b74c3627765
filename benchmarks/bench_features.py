"""Speed of skmusic's audio features against librosa in a plain loop.

Figures (printed, and written to benchmarks/results/features.md):

1. ``MelSpectrogram`` and ``MFCC`` over N rendered 30 s clips at 22,050 Hz (a
   list of ``(1, n_samples)`` float32 waveforms, as ``AudioLoader`` returns
   them) against ``librosa.feature.melspectrogram`` / ``librosa.feature.mfcc``
   called in a loop over the same clips in the same run, at ``n_jobs=1`` and
   ``n_jobs=2``. The librosa loop runs with one BLAS thread (a single process on
   one core, as a user's loop would run on a busy machine); skmusic's steps run
   torch on one thread per worker.
2. Paths -> ``AudioLoader`` -> ``MelSpectrogram`` over the same clips written as
   WAV files: seconds per hour of audio, cold, and again from the cache of
   ``Pipeline(memory=...)``.

Every timing is the best of ``--repeats`` runs, the runs of the compared
variants interleaved, so that a noisy machine hurts them alike. The load
average (``os.getloadavg``) before and after is written next to the figures.

Usage::

    python benchmarks/bench_features.py              # 200 clips
    python benchmarks/bench_features.py --n-clips 20 # quick run
"""

import argparse
import os
import platform
import resource
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager

import joblib
import librosa
import numpy as np
import torch
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from skmusic.features import MFCC, MelSpectrogram, _spectral

SR = 22050
OLD_CHUNK_BYTES = 32 * 2**20
SECONDS = 30.0
N_FFT, HOP, N_MELS, N_MFCC = 2048, 512, 128, 20


def render_clips(n_clips, seconds=SECONDS, sr=SR):
    """``n_clips`` waveforms of exactly ``seconds``; how they were made."""
    from skmusic.datasets import render_audio
    from skmusic.io.notes import make_notes

    n_samples = int(seconds * sr)
    rng = np.random.default_rng(0)
    clips = []
    for i in range(n_clips):
        n = 80
        onset = np.sort(rng.uniform(0, seconds * 100 / 60, n))  # quarters at 100 bpm
        notes = make_notes(
            rng.integers(48, 84, n),
            onset,
            rng.uniform(0.25, 2.0, n),
            velocity=rng.integers(50, 110, n),
        )
        wave = np.asarray(
            render_audio(notes, sr=sr, bpm=100.0, max_seconds=seconds, random_state=i),
            dtype=np.float32,
        ).reshape(-1)
        wave = np.pad(wave[:n_samples], (0, max(0, n_samples - wave.size)))
        clips.append(wave[np.newaxis, :].astype(np.float32))
    return clips, "skmusic.datasets.render_audio (numpy additive synth) of random note events"


def librosa_mel(clips):
    with threadpool_limits(limits=1):
        return [
            librosa.feature.melspectrogram(
                y=c[0], sr=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS
            )
            for c in clips
        ]


def librosa_mel_db(clips):
    with threadpool_limits(limits=1):
        return [librosa.power_to_db(m) for m in librosa_mel(clips)]


def librosa_mfcc(clips):
    with threadpool_limits(limits=1):
        return [
            librosa.feature.mfcc(
                y=c[0], sr=SR, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS
            )
            for c in clips
        ]


def best_of(funcs, repeats):
    """Best wall time, CPU time (this process, all threads), its kernel part and the
    minor page faults (fresh memory pages touched) of each function.

    The runs of the functions are interleaved, so that a noisy machine hurts them alike.
    Page faults are counts, not timings: a busy machine does not change them.
    """
    best = {name: np.inf for name in funcs}
    cpu = {name: np.inf for name in funcs}
    kernel = {name: np.inf for name in funcs}
    faults = {name: np.inf for name in funcs}
    for _ in range(repeats):
        for name, f in funcs.items():
            r, t, c = (
                resource.getrusage(resource.RUSAGE_SELF),
                time.perf_counter(),
                time.process_time(),
            )
            f()
            best[name] = min(best[name], time.perf_counter() - t)
            cpu[name] = min(cpu[name], time.process_time() - c)
            after = resource.getrusage(resource.RUSAGE_SELF)
            kernel[name] = min(kernel[name], after.ru_stime - r.ru_stime)
            faults[name] = min(faults[name], after.ru_minflt - r.ru_minflt)
    return best, cpu, kernel, faults


@contextmanager
def chunk_bytes(n_bytes):
    """The torch core's chunk budget set to ``n_bytes`` (None: leave it)."""
    before = _spectral._CHUNK_BYTES
    _spectral._CHUNK_BYTES = n_bytes or before
    try:
        yield
    finally:
        _spectral._CHUNK_BYTES = before


def check_same(ours, ref, what):
    """Same output as librosa within float32 rounding of the FFT (relative to each peak)."""
    worst = max(
        float(np.abs(a - b).max() / np.abs(b).max()) for a, b in zip(ours, ref, strict=True)
    )
    assert worst < 1e-5, f"{what}: relative difference {worst:.2e}"
    return worst


def busy_threads(func):
    """Run ``func``; the OS threads of this process that used CPU meanwhile.

    Sampled every 20 ms from ``/proc/self/task``: a thread pool that starts and
    ends inside ``func`` is seen while it works. Returns (number of threads that
    used more than 10 ms, their CPU seconds).
    """
    tick = os.sysconf("SC_CLK_TCK")

    def cpu_by_thread():
        out = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[tid] = (int(fields[11]) + int(fields[12])) / tick
        return out

    before, seen, stop, ignored = cpu_by_thread(), {}, threading.Event(), set()

    def sample():
        ignored.add(str(threading.get_native_id()))  # the sampler itself
        while not stop.is_set():
            for tid, used in cpu_by_thread().items():
                seen[tid] = max(seen.get(tid, 0.0), used)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        func()
    finally:
        stop.set()
        sampler.join()
    used = [seen[t] - before.get(t, 0.0) for t in seen if t not in ignored]
    busy = sorted((u for u in used if u > 0.01), reverse=True)
    return len(busy), busy


def load():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def _autogroup():
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-clips", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--skip-pipeline",
        action="store_true",
        help="only the feature timings, not the paths -> features pipeline",
    )
    parser.add_argument(
        "--out", default=os.path.join(os.path.dirname(__file__), "results", "features.md")
    )
    args = parser.parse_args()

    t = time.perf_counter()
    clips, how = render_clips(args.n_clips)
    render_s = time.perf_counter() - t
    n = len(clips)
    hours = n * SECONDS / 3600
    print(f"{n} clips of {SECONDS:.0f} s at {SR} Hz: {how} (rendered in {render_s:.1f} s)")

    # same output as the loop: check before timing
    diff_mel = check_same(
        MelSpectrogram(to_db=False).fit_transform(clips[:3]),
        librosa_mel(clips[:3]),
        "MelSpectrogram",
    )
    diff_mfcc = check_same(MFCC().fit_transform(clips[:3]), librosa_mfcc(clips[:3]), "MFCC")

    steps = {
        "MelSpectrogram(to_db=False)": MelSpectrogram(to_db=False),
        "MelSpectrogram() (dB)": MelSpectrogram(),
        "MFCC()": MFCC(),
    }
    baselines = {
        "MelSpectrogram(to_db=False)": ("librosa.feature.melspectrogram loop", librosa_mel),
        "MelSpectrogram() (dB)": ("librosa melspectrogram + power_to_db loop", librosa_mel_db),
        "MFCC()": ("librosa.feature.mfcc loop", librosa_mfcc),
    }
    funcs = {}
    for name, step in steps.items():
        base_name, base = baselines[name]
        funcs[base_name] = lambda base=base: base(clips)
        for n_jobs in (1, 2):
            fitted = clone(step).set_params(n_jobs=n_jobs).fit(clips[:1])
            funcs[f"{name}, n_jobs={n_jobs}"] = lambda f=fitted: f.transform(clips)
    # the chunk budget before this benchmark found its cost: 32 MiB (3 clips) per chunk
    old_chunks = {}
    for n_jobs in (1, 2):
        fitted = MelSpectrogram(to_db=False, n_jobs=n_jobs).fit(clips[:1])

        def old(f=fitted):
            with chunk_bytes(OLD_CHUNK_BYTES):
                return f.transform(clips)

        old_chunks[n_jobs] = f"MelSpectrogram(to_db=False), n_jobs={n_jobs}, 32 MiB chunks (before)"
        funcs[old_chunks[n_jobs]] = old
    librosa_mel(clips[:5])  # warm up (caches, numba, threads)
    MFCC().fit_transform(clips[:5])
    load_before = load()
    t = time.perf_counter()
    times, cpu, kernel, faults = best_of(funcs, args.repeats)
    timing_s = time.perf_counter() - t
    load_after = load()
    # is the second core lost to threads fighting inside the workers?
    two = MelSpectrogram(to_db=False, n_jobs=2).fit(clips[:1])
    n_busy, busy_cpu = busy_threads(lambda: two.transform(clips))
    with _spectral.torch_threads(1):  # as the steps run their workers
        worker_torch = joblib.Parallel(n_jobs=2, prefer="threads")(
            joblib.delayed(torch.get_num_threads)() for _ in range(2)
        )

    lines = [
        "# Feature extraction speed",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU cores visible "
        f"(affinity: {len(os.sched_getaffinity(0))}), Python {platform.python_version()}, "
        f"librosa {librosa.__version__}, torch {torch.__version__}, numpy {np.__version__}, "
        f"joblib {joblib.__version__}.",
        f"Load average (1, 5, 15 min) before the timings: {load_before}; after: {load_after} "
        f"(the machine is shared; {timing_s:.0f} s of timings).",
        f"Clips: {n} x {SECONDS:.0f} s at {SR} Hz, {how}; list of (1, n_samples) float32.",
        f"Settings: n_fft={N_FFT}, hop_length={HOP}, n_mels={N_MELS}, n_mfcc={N_MFCC}. "
        f"Best of {args.repeats} interleaved runs. The librosa loops run with one BLAS thread.",
        f"Largest difference from librosa, relative to each spectrogram's peak: "
        f"mel {diff_mel:.1e}, MFCC {diff_mfcc:.1e} (float32 FFT; librosa's runs in float64).",
        "",
        "",
        "| step | wall s | clips/s | x librosa loop (wall) | CPU s | x librosa loop (CPU) "
        "| kernel CPU s | page faults per clip |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(label, key, base, base_cpu):
        sec, sec_cpu = times[key], cpu[key]
        return (
            f"| {label} | {sec:.2f} | {n / sec:.1f} | {base / sec:.2f} | {sec_cpu:.2f} | "
            f"{base_cpu / sec_cpu:.2f} | {kernel[key]:.2f} | {faults[key] / n:.0f} |"
        )

    for name in steps:
        base_name = baselines[name][0]
        base, base_cpu = times[base_name], cpu[base_name]
        lines.append(row(base_name, base_name, base, base_cpu))
        for n_jobs in (1, 2):
            lines.append(
                row(f"{name}, n_jobs={n_jobs}", f"{name}, n_jobs={n_jobs}", base, base_cpu)
            )
        if name == "MelSpectrogram(to_db=False)":
            for n_jobs in (1, 2):
                lines.append(row(old_chunks[n_jobs], old_chunks[n_jobs], base, base_cpu))
    lines += [
        "",
        f"Threads: during MelSpectrogram(n_jobs=2).transform, {n_busy} OS threads of this "
        f"process used CPU ({', '.join(f'{c:.2f}' for c in busy_cpu)} s); torch's intra-op "
        f"threads in joblib's worker threads: {worker_torch}. No oversubscription: each "
        "worker runs torch on one thread.",
        "",
        "Wall time is what a user waits; CPU time is this process's, all its threads. At "
        "n_jobs=1 the CPU ratio is the speed of the code itself, whatever else the machine "
        "runs. At n_jobs=2 only the wall ratio counts, and only on idle cores: Linux "
        "schedules each session as one group (sched_autogroup_enabled="
        f"{_autogroup()}), so while other sessions keep the cores busy a process gets its "
        "group's share of the CPU however many threads it runs.",
        "",
    ]

    if not args.skip_pipeline:
        lines += pipeline_section(clips, n, hours)
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(f"written to {args.out}")


def pipeline_section(clips, n, hours):
    """Paths -> AudioLoader -> MelSpectrogram, cold and from Pipeline(memory=...)."""
    from skmusic.io import AudioLoader, write_wav

    folder = tempfile.mkdtemp(prefix="skmusic_bench_")
    try:
        paths = [
            write_wav(c, os.path.join(folder, f"clip{i:04d}.wav"), sr=SR)
            for i, c in enumerate(clips)
        ]
        cache = os.path.join(folder, "cache")
        pipe = Pipeline(
            [("load", AudioLoader(sr=SR)), ("mel", MelSpectrogram()), ("out", "passthrough")],
            memory=cache,
        )
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
        assert all(np.array_equal(a, b) for a, b in zip(cold_out, warm_out, strict=True))
        t = time.perf_counter()
        AudioLoader(sr=SR).fit_transform(paths)
        load_s = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
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
        "",
    ]


if __name__ == "__main__":
    main()
