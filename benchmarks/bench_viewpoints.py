"""Variable-order token models and the multiple-viewpoint model (issue 27).

Prints the figures and writes benchmarks/results/viewpoints.md.

(a) ``NGramTokenGenerator`` per smoothing and order -- additive (the default),
    interpolated Kneser-Ney, PPM with escape C and X (with exclusion; update
    exclusion where named), PPM* (``order=None``) -- on the Bach chorales'
    soprano lines (``load_corpus("bach")``, all 408 chorales,
    ``NoteTokenizer(durations=True, rests=True, part=0)`` fitted on each
    fold's training pieces): held-out log-likelihood in nats and bits per
    token over 10 tune-family folds (``GroupKFold`` over
    ``load_corpus("bach").groups``: no held-out chorale shares its tune with
    a training one), a few rows again on random folds (``KFold``) to show
    what sharing tunes is worth; and the time to fit and score a 5-class
    folder of 200 songs (``load_corpus("composers")``, 40 a class, through
    ``ClassConditionalGenerator`` on ``MelodicViewpoints`` tokens).
(b) ``ViewpointGenerator`` predicting chorale pitch beside IDyOM's published
    figures (Pearce 2005, PhD thesis, tables 6.6, 7.2 and 7.3): his Dataset 2
    is the 185 chorale melodies BWV 253-438; music21's corpus holds 186 files
    of those numbers, whose soprano lines (part 0, 9339 notes; Pearce: 9227)
    are predicted here with his protocol (10-fold cross-validation, random
    folds, cross-entropy in bits per note over all notes), then on tune-family
    folds and on all 408 chorales.
(c) The event classifier of ``compare`` (``"ngram_events"``, one generator
    per class, the class that gives a song the highest likelihood): the old
    additive bigram on ``MelodicViewpoints`` tokens, PPM* and Kneser-Ney
    tokens, and ``ViewpointGenerator`` variants, on the folk and composers
    corpora with 5 stratified tune-family folds (``song_folds``), and the
    time of the chosen one in ``compare --quick``'s setting (100 composers
    songs, 3 folds).

Run:  python benchmarks/bench_viewpoints.py [--quick]   (--quick: fewer rows, folk only in (c))
"""

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold, KFold, cross_val_score
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).parent))
from _common import log, md_table, setup, write_result  # noqa: E402

from skmusic.datasets import load_corpus  # noqa: E402
from skmusic.features import MelodicViewpoints, NoteTokenizer  # noqa: E402
from skmusic.generation import (  # noqa: E402
    ClassConditionalGenerator,
    NGramTokenGenerator,
    ViewpointGenerator,
)
from skmusic.model_selection import make_candidates, song_folds  # noqa: E402

LN2 = np.log(2)

# (label, NGramTokenGenerator parameters)
TOKEN_MODELS = [
    ("additive, order 2 (the default)", dict(order=2)),
    ("additive, order 2, alpha 0.01", dict(order=2, alpha=0.01)),
    ("additive, order 3, alpha 0.01", dict(order=3, alpha=0.01)),
    ("Kneser-Ney, order 2", dict(order=2, smoothing="kneser_ney")),
    ("Kneser-Ney, order 3", dict(order=3, smoothing="kneser_ney")),
    ("Kneser-Ney, order 4", dict(order=4, smoothing="kneser_ney")),
    ("Kneser-Ney, order 5", dict(order=5, smoothing="kneser_ney")),
    ("PPM C, order 2", dict(order=2, smoothing="ppm")),
    ("PPM C, order 3", dict(order=3, smoothing="ppm")),
    ("PPM C, order 4", dict(order=4, smoothing="ppm")),
    ("PPM C, order 5", dict(order=5, smoothing="ppm")),
    ("PPM* C (order=None)", dict(order=None, smoothing="ppm")),
    ("PPM* C, no exclusion", dict(order=None, smoothing="ppm", exclusion=False)),
    ("PPM* C, update exclusion", dict(order=None, smoothing="ppm", update_exclusion=True)),
    ("PPM X, order 3", dict(order=3, smoothing="ppm", escape="X")),
    ("PPM* X", dict(order=None, smoothing="ppm", escape="X")),
    (
        "PPM* X, update exclusion",
        dict(order=None, smoothing="ppm", escape="X", update_exclusion=True),
    ),
]
QUICK_TOKEN_MODELS = [0, 4, 8, 11, 15]
RANDOM_SPLIT_ROWS = [0, 4, 11]

P = (
    "pitch",
    "interval",
    "degree",
    ("degree", "interval"),
    ("interval", "duration"),
    ("pitch", "duration"),
    ("degree", "interval_from_first"),
)
RATIOS = (("interval", "duration_ratio"), ("contour", "duration_ratio"))
R = ("duration", "duration_ratio", ("duration", "beat"))


def token_models(quick):
    """(a): held-out nats/bits per token on soprano lines, tune-family and random folds."""
    bach = load_corpus("bach", verbose=False)
    pieces, groups = list(bach.data), np.asarray(bach.groups)
    rows_idx = QUICK_TOKEN_MODELS if quick else range(len(TOKEN_MODELS))
    splits = {
        "tune families": list(GroupKFold(10).split(pieces, groups=groups)),
        "random": list(KFold(10, shuffle=True, random_state=0).split(pieces)),
    }
    n_families = len(np.unique(groups))
    results = {}
    for split_name, folds in splits.items():
        which = rows_idx if split_name == "tune families" else RANDOM_SPLIT_ROWS
        encoded = []
        for train, test in folds:
            tok = NoteTokenizer(durations=True, rests=True, part=0).fit([pieces[i] for i in train])
            encoded.append(
                (
                    tok.transform([pieces[i] for i in train]),
                    tok.transform([pieces[i] for i in test]),
                    tok.n_tokens_,
                )
            )
        for r in which:
            label, params = TOKEN_MODELS[r]
            total, count, t0 = 0.0, 0, time.perf_counter()
            for Xtr, Xte, V in encoded:
                model = NGramTokenGenerator(n_tokens=V, **params).fit(Xtr)
                n = sum(x.shape[1] - 1 for x in Xte)
                total += model.score(Xte) * n
                count += n
            results[(split_name, label)] = (total / count, time.perf_counter() - t0)
            log(f"  {split_name:13s} {label:40s} {total / count:.4f} nats/token")
    rows = []
    for r in rows_idx:
        label = TOKEN_MODELS[r][0]
        nats, sec = results[("tune families", label)]
        rnd = results.get(("random", label), (np.nan, 0))[0]
        rows.append([label, nats, -nats / LN2, np.exp(-nats), rnd, sec])
    table = md_table(
        [
            "model",
            "log-likelihood (nats/token)",
            "cross-entropy (bits/token)",
            "perplexity",
            "log-likelihood, random folds",
            "10 folds (s)",
        ],
        rows,
    )
    note = (
        f"{len(pieces)} chorales, {n_families} tune families; 10-fold `GroupKFold` over the "
        "families (every chorale held out once); `KFold(10, shuffle=True)` for the random "
        "column. The first token of each line is not predicted."
    )
    return table, note, results


def token_timing(quick):
    """(a): fit + score of a 5-class folder of 200 songs, per smoothing."""
    songs = load_corpus("composers", max_per_class=40, verbose=False)
    steps = MelodicViewpoints()
    X = steps.fit_transform(songs.data)
    V = steps.n_tokens()
    n_tokens = sum(x.shape[1] for x in X)
    rows = []
    for label, params in TOKEN_MODELS if not quick else [TOKEN_MODELS[i] for i in (0, 4, 11)]:
        model = ClassConditionalGenerator(NGramTokenGenerator(n_tokens=V, **params))
        t0 = time.perf_counter()
        model.fit(X, songs.target)
        t1 = time.perf_counter()
        model.score_samples(X)
        t2 = time.perf_counter()
        rows.append([label, t1 - t0, t2 - t1])
        log(f"  timing {label:40s} fit {t1 - t0:.2f}s score {t2 - t1:.2f}s")
    table = md_table(["model", "fit (s)", "score all 200 songs x 5 classes (s)"], rows)
    note = (
        f"{len(X)} songs of `load_corpus('composers', max_per_class=40)`, {n_tokens} "
        f"`MelodicViewpoints` tokens (vocabulary {V}); one model per class "
        "(`ClassConditionalGenerator`), every song scored by every class model; one thread."
    )
    return table, note


def _chorale_cv(pieces, folds, **params):
    """Bits per note (pitch, and the whole note) over held-out pieces; seconds."""
    t0 = time.perf_counter()
    pitch_ll, dur_ll = [], []
    targets = params.pop("targets", ("pitch",))
    for train, test in folds:
        model = ViewpointGenerator(targets=targets, **params).fit([pieces[i] for i in train])
        test_pieces = [pieces[i] for i in test]
        melodies = model._melodies(test_pieces)
        for mel, dist in zip(melodies, model.predict_proba_notes(test_pieces), strict=True):
            pitch_ll.append(np.log(dist[np.arange(len(mel)), mel.pitch]))
        if "duration" in targets:
            dists = model.predict_proba_notes(test_pieces, target="duration")
            for mel, dist in zip(melodies, dists, strict=True):
                dur_ll.append(np.log(dist[np.arange(len(mel)), mel.dclass]))
    pitch = -np.concatenate(pitch_ll).mean() / LN2
    dur = -np.concatenate(dur_ll).mean() / LN2 if dur_ll else np.nan
    return pitch, dur, time.perf_counter() - t0


def chorale_pitch(quick):
    """(b): IDyOM's chorale setting."""
    bach = load_corpus("bach", verbose=False)
    numbers = [int(re.findall(r"bwv(\d+)", str(f))[0]) for f in bach.filenames]
    keep = [i for i, n in enumerate(numbers) if 253 <= n <= 438]
    soprano = [d[d["part"] == 0] for d in bach.data]
    d2 = [soprano[i] for i in keep]
    d2_groups = np.asarray(bach.groups)[keep]
    random10 = list(KFold(10, shuffle=True, random_state=0).split(d2))
    family10 = list(GroupKFold(10).split(d2, groups=d2_groups))
    all_family10 = list(GroupKFold(10).split(soprano, groups=bach.groups))
    cw = (("degree", "interval"), ("interval", "ioi"), "pitch")
    arith = dict(combination="arithmetic", short_term_bias=2.0)
    stm_c = dict(short_term_escape="C", short_term_update_exclusion=False)
    rows_spec = [
        (
            "cpitch, long-term model alone (LTM C*I)",
            "LTMC*I: 2.444",
            d2,
            random10,
            dict(viewpoints=("pitch",), short_term=False),
        ),
        (
            "cpitch, long- + short-term (LTM C*I, STM C*I), arithmetic, b=2",
            "LTM+C*I-STMC*I, b=2: 2.347 (best b=3-4: 2.342)",
            d2,
            random10,
            dict(viewpoints=("pitch",), **arith, **stm_c),
        ),
        (
            "Conklin & Witten's system without fib: degree x interval, interval x ioi, pitch; "
            "LTM C*I, STM X*UI, geometric, b=2 / 7",
            "with cpintfref x fib, LTM+: 2.045",
            d2,
            random10,
            dict(viewpoints=cw),
        ),
        (
            "`ViewpointGenerator(targets=('pitch',))` (defaults: 7 pitch viewpoints, LTM C*, "
            "STM X*UI, geometric, b=2 / 7)",
            "Pearce's selected system (9 viewpoints): 1.953",
            d2,
            random10,
            dict(),
        ),
        (
            "the same, `targets=('pitch', 'duration')` (pitch column: pitch given the "
            "note's duration)",
            "-",
            d2,
            random10,
            dict(targets=("pitch", "duration")),
        ),
        (
            "defaults (pitch), tune-family folds (`GroupKFold(10)`) over the same 186",
            "-",
            d2,
            family10,
            dict(),
        ),
        (
            "defaults (pitch), all 408 chorales, tune-family folds",
            "-",
            soprano,
            all_family10,
            dict(),
        ),
        (
            "cpitch LTM C*I alone, all 408 chorales, tune-family folds",
            "-",
            soprano,
            all_family10,
            dict(viewpoints=("pitch",), short_term=False),
        ),
    ]
    if quick:
        rows_spec = [rows_spec[i] for i in (0, 3, 5)]
    rows, figures = [], []
    for label, theirs, pieces, folds, params in rows_spec:
        pitch, dur, sec = _chorale_cv(pieces, folds, **dict(params))
        rows.append([label, pitch, dur, theirs, sec])
        figures.append((label, pitch, theirs))
        log(f"  {label[:70]:70s} {pitch:.3f} bits/pitch  ({sec:.1f}s)")
    table = md_table(
        [
            "model (ViewpointGenerator)",
            "bits / pitch",
            "bits / duration",
            "IDyOM (Pearce 2005), Dataset 2",
            "10 folds (s)",
        ],
        rows,
    )
    n_notes = sum(len(d) for d in d2)
    note = (
        f"{len(d2)} chorales BWV 253-438, soprano (part 0), {n_notes} notes, 22 distinct "
        "pitches; `KFold(10, shuffle=True, random_state=0)` as Pearce's random 10-fold "
        "partition unless named; every note predicted (the first from no context); bits = "
        "-mean log2 p. IDyOM's figures: LTM and LTM+STM from Pearce (2005) table 6.6, "
        "Conklin & Witten's system from table 7.2 (geometric, LTM+C*I-STMX*UI), the "
        "selected system from table 7.3."
    )
    return table, note, figures


def _classifiers():
    V = MelodicViewpoints().n_tokens()

    def tokens(**params):
        model = ClassConditionalGenerator(NGramTokenGenerator(n_tokens=V, **params))
        return Pipeline([("tokens", MelodicViewpoints()), ("clf", model)])

    def vp(**params):
        return ClassConditionalGenerator(ViewpointGenerator(**params))

    no = dict(short_term=False)
    return [
        ("additive bigram on MelodicViewpoints tokens (the old candidate)", tokens(order=2)),
        ("PPM* on MelodicViewpoints tokens", tokens(order=None, smoothing="ppm")),
        ("Kneser-Ney order 3 on MelodicViewpoints tokens", tokens(order=3, smoothing="kneser_ney")),
        ("ViewpointGenerator() (with the short-term model)", vp()),
        ("ViewpointGenerator(short_term=False)", vp(**no)),
        ("... short_term=False, targets=('pitch',)", vp(targets=("pitch",), **no)),
        ("... short_term=False, bias=0 (the new candidate)", vp(bias=0.0, **no)),
        ("... short_term=False, combination='arithmetic'", vp(combination="arithmetic", **no)),
        (
            "... short_term=False, + interval/contour x duration_ratio",
            vp(viewpoints=P + R + RATIOS, **no),
        ),
        ("... short_term=False, tonic='final'", vp(tonic="final", **no)),
    ]


def classifiers(quick):
    """(c): the event classifier on folk and composers, stratified tune-family folds."""
    corpora = ["folk"] if quick else ["folk", "composers"]
    data = {}
    for name in corpora:
        songs = load_corpus(name, verbose=False)
        data[name] = (
            list(songs.data),
            songs.target,
            song_folds(songs.target, groups=songs.groups, cv=5),
        )
    rows = []
    for label, model in _classifiers():
        row = [label]
        for name in corpora:
            X, y, folds = data[name]
            t0 = time.perf_counter()
            s = cross_val_score(model, X, y, cv=folds, scoring="accuracy")
            row += [f"{s.mean():.3f} ± {s.std():.3f}", time.perf_counter() - t0]
            log(f"  {name:10s} {label[:60]:60s} {s.mean():.3f} ({row[-1]:.0f}s)")
        rows.append(row)
    headers = ["event classifier"]
    for name in corpora:
        headers += [f"{name} accuracy", f"{name} 5 folds (s)"]
    table = md_table(headers, rows)
    # compare --quick's setting: 20 songs a class of the composers, 3 folds
    songs = load_corpus("composers", max_per_class=20, verbose=False)
    (cand,) = make_candidates(models=["ngram_events"], quick=True)
    folds = song_folds(songs.target, groups=songs.groups, cv=3)
    t0 = time.perf_counter()
    s = cross_val_score(
        cand.estimator, list(songs.data), songs.target, cv=folds, scoring="accuracy"
    )
    quick_note = (
        f"`compare --quick`'s setting ({len(songs.data)} composers songs, 3 stratified "
        f"tune-family folds): the `ngram_events` candidate scores {s.mean():.3f} in "
        f"{time.perf_counter() - t0:.1f} s."
    )
    log("  " + quick_note)
    sizes = ", ".join(f"{name}: {len(data[name][0])} songs" for name in corpora)
    note = (
        f"5 stratified tune-family folds (`song_folds(y, groups=..., cv=5)`); {sizes}; mean ± "
        "std of the fold accuracies. " + quick_note
    )
    return table, note


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    start = setup()
    tables = []
    log("(a) token models on soprano lines")
    table, note, _ = token_models(args.quick)
    tables.append(
        ("(a) Token models on Bach soprano lines, held-out likelihood", note + "\n\n" + table)
    )
    table, note = token_timing(args.quick)
    tables.append(("(a) Speed: a 5-class folder of 200 songs", note + "\n\n" + table))
    log("(b) the viewpoint model on chorale pitch")
    table, note, figures = chorale_pitch(args.quick)
    tables.append(("(b) ViewpointGenerator on chorale pitch, beside IDyOM", note + "\n\n" + table))
    log("(c) event classifiers")
    table, note = classifiers(args.quick)
    tables.append(("(c) The event classifier of compare", note + "\n\n" + table))
    for heading, text in tables:
        print(f"\n## {heading}\n\n{text}")
    lines = []
    for label, ours, theirs in figures:
        if theirs != "-":
            lines.append(f"- {label}: **{ours:.3f}** bits per pitch; IDyOM {theirs}.")
    comparison = COMPARISON + "\n".join(lines)
    write_result(
        "viewpoints",
        "Variable-order token models and the multiple-viewpoint model",
        SETUP,
        [(h, t) for h, t in tables],
        comparison,
        time.perf_counter() - start,
        extra=NOTES,
    )


SETUP = (
    "Defaults first. `NGramTokenGenerator`'s default stays `smoothing='additive'` (every "
    "earlier figure measured with it is unchanged); the rows below say how far the "
    "variable-order smoothings move the same task. `ViewpointGenerator` runs at its "
    "defaults unless a row names a parameter."
)

NOTES = """\
## Notes

- (a) Log-likelihoods are per predicted token (higher is better), cross-entropies the same
  in bits (lower is better). Only the variable-order models gain from the random folds:
  there a held-out chorale may share its tune with a training one.
- (b) Where our setting differs from Pearce's: his long-term model is updated online with
  each test melody as it is predicted (LTM+: in his table 6.6 it takes the LTM alone from
  2.444 to 2.375 bits); ours is not, its short-term model alone learns the piece. His
  data were the **kern encodings, ours music21's MusicXML of the same chorales (186 files,
  113 notes more). Conklin & Witten's fourth viewpoint links the scale degree with "first
  in bar", which needs bar lines that note-event arrays do not keep, so it is left out.
  Our default viewpoints were picked by hand from Pearce's selected system (table 7.3:
  interval x duration, degree x interval from the first note, pitch x duration, ...),
  not by a stepwise search on these chorales as his were. Pitch is predicted given the
  note's duration (its viewpoints linked with durations read the actual one), as in
  IDyOM; duration is predicted from the durations and onsets before it.
- (c) The short-term model (the piece's own model, the same for every class) lowers the
  accuracy of the class-conditional classifier and costs most of its time; the
  unweighted geometric mean (`bias=0`) of the viewpoints is the more accurate on both
  corpora. `compare`'s `ngram_events` candidate is therefore
  `ClassConditionalGenerator(ViewpointGenerator(short_term=False, bias=0))`, while
  `ViewpointGenerator`'s own defaults stay IDyOM's, which predict melodies best."""

COMPARISON = """\
IDyOM (Pearce 2005) on his Dataset 2, the 185 chorale melodies BWV 253-438, 10-fold
cross-validation, cross-entropy of cpitch in bits per note, beside this run on the same
chorales from music21's corpus (186 files, 9339 soprano notes against his 9227):

"""


if __name__ == "__main__":
    main()
