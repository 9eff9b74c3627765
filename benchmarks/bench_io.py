"""Foundation figures: the fast MIDI path against music21, and the corpus cache.

Run:  python benchmarks/bench_io.py [--n-files 40] [--n-jobs 2]
Writes benchmarks/results/io.md.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from skmusic.datasets import load_corpus
from skmusic.io import NOTE_DTYPE, read_score, write_midi

RESULTS = Path(__file__).parent / "results"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def midi_speed(n_files, tmp):
    songs = load_corpus("composers", max_per_class=max(n_files // 5, 1), verbose=False)
    paths = [write_midi(notes, os.path.join(tmp, f"{i}.mid")) for i, notes in enumerate(songs.data)]
    from music21 import converter

    t_fast, fast = timed(lambda: [read_score(p, reader="fast") for p in paths])
    t_parse, _ = timed(
        lambda: [converter.parse(p, quantizePost=False, forceSource=True) for p in paths]
    )
    t_m21, slow = timed(lambda: [read_score(p, reader="music21") for p in paths])
    same = all(
        a.shape == b.shape and all(np.allclose(a[f], b[f], atol=1e-6) for f in NOTE_DTYPE.names)
        for a, b in zip(fast, slow)
    )
    n_notes = sum(len(a) for a in fast)
    return {
        "files": len(paths),
        "notes": n_notes,
        "fast_s": t_fast,
        "m21_parse_s": t_parse,
        "m21_events_s": t_m21,
        "speedup_vs_parse": t_parse / t_fast,
        "speedup_vs_events": t_m21 / t_fast,
        "identical_events": same,
    }


def corpus_cache(n_jobs, tmp):
    t_cold, songs = timed(load_corpus, "composers", data_home=tmp, n_jobs=n_jobs, verbose=False)
    t_warm, again = timed(load_corpus, "composers", data_home=tmp, n_jobs=n_jobs, verbose=False)
    assert list(songs.filenames) == list(again.filenames)
    labels, counts = np.unique(songs.target, return_counts=True)
    return {
        "pieces": len(songs.data),
        "classes": dict(zip(labels.tolist(), counts.tolist())),
        "cold_s": t_cold,
        "warm_s": t_warm,
        "speedup": t_cold / t_warm,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-files", type=int, default=40)
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        midi = midi_speed(args.n_files, tmp)
    with tempfile.TemporaryDirectory() as tmp:
        cache = corpus_cache(args.n_jobs, tmp)
    lines = [
        "# skmusic.io and datasets: reading speed and the corpus cache",
        "",
        "Command: `python benchmarks/bench_io.py "
        f"--n-files {args.n_files} --n-jobs {args.n_jobs}` (2-core machine, one run).",
        "",
        f"## Reading {midi['files']} MIDI files written from corpus pieces ({midi['notes']} notes)",
        "",
        "| reader | seconds | fast path is |",
        "|---|---|---|",
        f"| fast path (symusic) to note events | {midi['fast_s']:.3f} | 1× |",
        f"| music21 `converter.parse` alone | {midi['m21_parse_s']:.2f} "
        f"| {midi['speedup_vs_parse']:.0f}× faster |",
        f"| music21 to note events | {midi['m21_events_s']:.2f} "
        f"| {midi['speedup_vs_events']:.0f}× faster |",
        "",
        f"Identical note events from both readers: {midi['identical_events']} "
        "(target: ≥ 10× faster).",
        "",
        f'## `load_corpus("composers")`: {cache["pieces"]} pieces, {cache["classes"]}',
        "",
        "| load | seconds |",
        "|---|---|",
        f"| first build (parse with music21, n_jobs={args.n_jobs}) | {cache['cold_s']:.1f} |",
        f"| cached reload | {cache['warm_s']:.2f} |",
        "",
        f"Cached reload is {cache['speedup']:.0f}× faster (target: ≥ 20×).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "io.md").write_text(text)


if __name__ == "__main__":
    main()
