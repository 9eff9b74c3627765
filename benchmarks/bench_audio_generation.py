"""`skmusic generate` on audio folders at its defaults: the spectral generator against the
mean-spectrum baseline on held-out recordings, and the command's wall time.

Issue 28: on a folder of 24 rendered recordings (organ and guitar, 20 s each, 16 kHz),
``skmusic generate --data FOLDER --class organ`` scored -3.651 nats per mel band and frame
on held-out recordings against the trivial ``MeanSpectrumGenerator``'s -3.463. This runs
the command itself (``python -m skmusic generate --data FOLDER --class C --out ...``,
nothing else set, one process per run, one torch thread) on every class of several
folders written for the purpose with skmusic's own rendering and
:func:`skmusic.io.write_wav`, laid out ``root/<label>/*.wav``:

* ``corpus_by_class``: the composers corpus, 24 pieces a class, rendered with
  ``load_corpus(..., as_audio=True, instrumentation="by_class")`` (every class its own
  ensemble and tempo range; FluidSynth where installed, else the built-in synthesizer's
  timbres), first 20 s, 22.05 kHz;
* ``organ_guitar_16k`` and ``organ_guitar_22k``: the issue's case -- 24 corpus pieces a
  class (drawn at random from all five collections), the built-in synthesizer's organ and
  guitar, 80-120 bpm, 20 s, at 16 kHz and at 22.05 kHz;
* ``flute_clarinet_16k`` and ``piano_strings_22k``: folk melodies of the Essen collection
  (one voice, shorter pieces followed by silence), 24 a class, built-in synthesizer.

And the README's command on the corpus rendered on the fly:
``skmusic generate --data corpus --class bach --audio``.

For every run: the held-out log-likelihoods the command prints (nats per mel band and
frame, dB units; the same held-out recordings for both models: a quarter of the class's
recordings), the epochs, the command's wall time (its own "s in all" and the process's
wall and CPU time) and the machine's load average. Target: the spectral generator above
the baseline in every run, each run within 3 minutes.

Run:  python benchmarks/bench_audio_generation.py [--quick]

Writes benchmarks/results/audio_generation[_quick].md.
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from _common import RESULTS, md_table

from skmusic.datasets import load_corpus, render_audio
from skmusic.io import write_wav

PER_CLASS = 24
SECONDS = 20.0
LIMIT = 180.0  # seconds a run may take


def write_folder(root, waves, labels, sr):
    for i, (wave, label) in enumerate(zip(waves, labels)):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        write_wav(wave, os.path.join(root, label, f"{label}_{i:03d}.wav"), sr=sr)


def synth_folder(root, pool, timbres, sr, seed):
    """``PER_CLASS`` pieces a timbre from ``pool`` (note arrays), built-in synthesizer."""
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(pool))
    waves, labels = [], []
    for k, timbre in enumerate(timbres):
        for i in order[k * PER_CLASS : (k + 1) * PER_CLASS]:
            bpm = rng.uniform(80, 120)
            waves.append(render_audio(pool[i], sr=sr, bpm=bpm, timbre=timbre, max_seconds=SECONDS))
            labels.append(timbre)
    write_folder(root, waves, labels, sr)


def make_folders(base):
    """{name: (path, description)} of the folders this benchmark runs on."""
    folders = {}
    corpus = load_corpus(
        "composers",
        as_audio=True,
        instrumentation="by_class",
        sr=22050,
        max_seconds=SECONDS,
        max_per_class=PER_CLASS,
        verbose=False,
    )
    path = os.path.join(base, "corpus_by_class")
    write_folder(path, corpus.data, corpus.target, 22050)
    folders["corpus_by_class"] = (path, f"composers corpus by class ({corpus.backend}), 22.05 kHz")
    pieces = load_corpus("composers", max_per_class=20, verbose=False).data
    folk = load_corpus("folk", max_per_class=30, verbose=False).data
    for name, sr, timbres, pool, what in [
        ("organ_guitar_16k", 16000, ["organ", "guitar"], pieces, "corpus pieces"),
        ("organ_guitar_22k", 22050, ["organ", "guitar"], pieces, "corpus pieces"),
        ("flute_clarinet_16k", 16000, ["flute", "clarinet"], folk, "Essen folk melodies"),
        ("piano_strings_22k", 22050, ["piano", "strings"], folk, "Essen folk melodies"),
    ]:
        path = os.path.join(base, name)
        synth_folder(path, pool, timbres, sr, seed=len(folders))
        folders[name] = (path, f"{what}, built-in {' / '.join(timbres)}, {sr / 1000:g} kHz")
    return folders


PATTERN = re.compile(
    r"\((?P<seconds>[\d.]+) s at (?P<sr>\d+) Hz\).*?spectral generator (?P<gen>-?[\d.]+), "
    r"mean-spectrum baseline (?P<base>-?[\d.]+).*?(?P<epochs>\d+) epochs, (?P<total>\d+) s in all",
    re.S,
)


def run_command(argv, out):
    """One ``skmusic generate`` process: its figures, wall and CPU time, load averages."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    cmd = [sys.executable, "-m", "skmusic", "generate", *argv, "--out", out, "--silent"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    match = PATTERN.search(proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
    found = match.groupdict()
    return {
        "sr": int(found["sr"]),
        "gen": float(found["gen"]),
        "base": float(found["base"]),
        "epochs": int(found["epochs"]),
        "total": int(found["total"]),
        "wall": wall,
        "cpu": cpu,
        "load": (load, os.getloadavg()[0]),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the first class of every folder only")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows, runs = [], []
    with tempfile.TemporaryDirectory() as base:
        folders = make_folders(base)
        print(f"folders written in {time.perf_counter() - start:.0f} s", flush=True)
        jobs = []
        for name, (path, what) in folders.items():
            classes = sorted(os.listdir(path))
            for label in classes[:1] if args.quick else classes:
                jobs.append((name, what, label, ["--data", path, "--class", label]))
        jobs.append(
            (
                "corpus, --audio",
                "the README's command: 12 pieces rendered by class on the fly, 22.05 kHz",
                "bach",
                ["--data", "corpus", "--class", "bach", "--audio"],
            )
        )
        for name, what, label, cmd in jobs:
            out = os.path.join(base, f"{name}_{label}.wav".replace(" ", "_").replace(",", ""))
            r = run_command(cmd, out)
            runs.append(r)
            better = r["gen"] > r["base"]
            rows.append(
                [
                    name,
                    label,
                    r["sr"],
                    r["gen"],
                    r["base"],
                    f"{r['gen'] - r['base']:+.3f}",
                    "yes" if better else "**no**",
                    r["epochs"],
                    f"{r['wall']:.0f}",
                    f"{r['cpu']:.0f}",
                    f"{r['load'][0]:.1f} / {r['load'][1]:.1f}",
                ]
            )
            print(
                f"{name:20s} {label:14s} {r['sr']} Hz: spectral {r['gen']:.3f}, baseline "
                f"{r['base']:.3f} ({'better' if better else 'WORSE'}), {r['epochs']} epochs, "
                f"{r['wall']:.0f} s wall, {r['cpu']:.0f} s CPU, load {r['load'][0]:.1f}",
                flush=True,
            )
        descriptions = {name: what for name, (_, what) in folders.items()}
        descriptions["corpus, --audio"] = jobs[-1][1]
    elapsed = time.perf_counter() - start
    table = md_table(
        [
            "folder",
            "class",
            "rate (Hz)",
            "spectral generator",
            "mean-spectrum baseline",
            "difference",
            "spectral better",
            "epochs",
            "wall (s)",
            "CPU (s)",
            "load avg before / after",
        ],
        rows,
    )
    n_better = sum(r["gen"] > r["base"] for r in runs)
    slowest = max(r["wall"] for r in runs)
    verdict = (
        "Target: the spectral generator above the baseline in every run: "
        f"**{n_better == len(runs)}** "
        f"({n_better} of {len(runs)}; smallest margin "
        f"{min(r['gen'] - r['base'] for r in runs):+.3f} nats per band and frame); every run "
        f"within {LIMIT:.0f} s wall: **{slowest <= LIMIT}** (slowest {slowest:.0f} s, "
        f"{sum(r['wall'] <= LIMIT for r in runs)} of {len(runs)} within)."
    )
    folder_lines = "\n".join(f"- `{name}`: {what}" for name, what in descriptions.items())
    text = f"""# `skmusic generate` on audio folders at its defaults

Command: `python benchmarks/bench_audio_generation.py{" --quick" if args.quick else ""}`
({time.strftime("%Y-%m-%d")}; {os.cpu_count()} CPU cores shared with other jobs, no GPU;
torch {torch.__version__}, one torch thread; {elapsed / 60:.1f} min in all).

Every row is one `python -m skmusic generate --data FOLDER --class CLASS --out clip.wav
--silent` process with nothing else set (`OMP_NUM_THREADS=1`): the command picks the
rate (the folder's own, at most 22.05 kHz), splits the class's recordings into training
and held-out ones (a quarter held out), trains `SpectralGenerator` at its defaults
within its time budget (`--max-time`, 150 s) and fits `MeanSpectrumGenerator` on the
training recordings, scores both on the held-out recordings (mean log-likelihood per mel
band and frame, nats, dB units; higher is better), and writes a 5-s clip. Folders
({PER_CLASS} recordings a class, {SECONDS:g} s each, written with skmusic's rendering and
`write_wav` as `root/<label>/*.wav`):

{folder_lines}

Wall: the process's wall time (start-up, loading, training, scoring, sampling, the
figure); CPU: its user + system time -- on a shared machine the gap between them is time
spent waiting for a core (see the load average: 2 cores).

{table}

{verdict}
"""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("audio_generation_quick.md" if args.quick else "audio_generation.md")
    out.write_text(text)
    print(table, verdict, sep="\n\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
