"""skmusic's networks at their defaults against the time-series toolkits' standard peers.

Rows: every network classifier of ``skmusic.nn`` (found by
``skmusic.utils.estimator_checks.all_estimators``) as ``cls()`` -- one default object
per class (only ``random_state`` set, to ``--seed``, 0 unless told), cloned for every data
set -- against MiniRocket (sktime's
``MiniRocketMultivariateVariable``, then ``StandardScaler(with_mean=False)`` and
``RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))``, as sktime's ``RocketClassifier``
builds it), a random forest (sklearn's defaults, ``random_state=0``) and an RBF SVM (sklearn's
defaults behind a ``StandardScaler``).

Data:

- four UCR/UEA sets shipped inside sktime's wheel (no download), on their own train/test
  split: BasicMotions (6 channels, 100 steps), PLAID (1 channel, unequal lengths 100-1344),
  OSULeaf (427 steps), ArrowHead (251 steps). Each series is a ``(n_channels, n_timesteps)``
  array; the classical models read ``SequenceStats`` (mean, std, min, max per channel).
- three music sets of the music21 corpus, cross-validated by song with tune-family folds
  (``skmusic.model_selection.song_folds`` over ``tune_families``: ``StratifiedGroupKFold``,
  shuffled, ``random_state=0``, so no tune's settings or variants sit on both sides;
  ``--split songs``: ``StratifiedKFold`` as before issue 27): ``load_corpus("composers")``
  (5 folds), ``load_corpus("folk")`` (3 folds) and ``tunes`` (3 folds; three ABC tune books,
  :data:`TUNES`, added by issue 18 as a task nobody tuned on). The networks and MiniRocket
  read note series (:func:`note_series`); the networks through :func:`music_network_model`
  (the note network in its own categorical representation, whole songs). The random forest
  and SVM read ``ScoreFeatures``; the n-gram event classifier (``ngram``,
  :func:`ngram_event_classifier`, an add-one bigram) reads linked melodic viewpoint tokens;
  ``viewpoints`` is ``skmusic compare``'s event classifier since issue 27 (one
  ``ViewpointGenerator`` per class: IDyOM's multiple-viewpoint PPM* models).

Every fit is timed and scored on its test split, and appended to a CSV as soon as it ends,
so a run that is cut short keeps its rows; an error becomes the row's result
(``error: <message>``) instead of ending the run. The markdown table is rewritten after
every fit, and closes with the targets of issue 11, met or missed with the gap.

Run (``pip install -e ".[bench]"`` first)::

    python benchmarks/bench_peers.py                 # everything: one to two hours of 2 cores
    python benchmarks/bench_peers.py --quick         # music sets: fewer songs, fewer folds
    python benchmarks/bench_peers.py --datasets ArrowHead,folk --models minirocket,svm
    python benchmarks/bench_peers.py --models networks --datasets series
    python benchmarks/bench_peers.py --from-csv      # table from the CSV's newest rows

Writes ``benchmarks/results/peers.md`` (``peers_quick.md`` under ``--quick``,
``peers_partial.md`` when only some models or data sets ran) and appends to
``benchmarks/results/peers.csv`` (``peers_quick.csv``); ``--output STEM`` writes
``STEM.md`` and appends to ``STEM.csv`` instead.
"""

import argparse
import csv
import time
import warnings
from datetime import UTC, datetime

import numpy as np
from _common import RESULTS, TimeCap, command_line, log, machine_note, md_table, setup
from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import RidgeClassifierCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import MelodicViewpoints, NoteSequence, ScoreFeatures, SequenceStats
from skmusic.generation import ClassConditionalGenerator, NGramTokenGenerator
from skmusic.model_selection import (
    describe_families,
    make_candidates,
    song_folds,
    tune_families,
)
from skmusic.model_selection._candidates import NOTE_FEATURES
from skmusic.nn import NoteNetworkClassifier
from skmusic.nn.notes import NOTE_NETWORK_FEATURES
from skmusic.utils.estimator_checks import all_estimators

SERIES_SETS = ("BasicMotions", "PLAID", "OSULeaf", "ArrowHead")
MUSIC_SETS = ("composers", "folk", "tunes")
DATASETS = SERIES_SETS + MUSIC_SETS
PEERS = ("minirocket", "random_forest", "svm", "ngram", "viewpoints")
CLASSICAL = ("random_forest", "svm", "ngram", "viewpoints")
# songs per class and folds of the music sets: (full run, --quick)
MUSIC_SIZES = {
    "composers": ((100, 5), (20, 3)),
    "folk": ((150, 3), (30, 2)),
    "tunes": ((100, 3), (30, 2)),
}
# The third music task (issue 18), a collection the networks were not tuned on:
# British and American tune books of the music21 corpus (ABC), one class per book.
TUNES = {
    "airds_airs": ("airdsAirs/book*.abc",),
    "american_fife": ("miscFolk/americanfifeopus.abc",),
    "northumbrian": ("miscFolk/northumbrianminstrelsyopus.abc",),
}
TARGET_GAP, NETWORK_GAP, MAX_FIT_S = 0.02, 0.10, 120.0
CSV_FIELDS = (
    "run",
    "finished",
    "dataset",
    "model",
    "fold",
    "n_folds",
    "n_train",
    "n_test",
    "accuracy",
    "fit_s",
    "predict_s",
    "error",
    "quick",
    "time_cap",
)


# --------------------------------------------------------------------------- network input


def note_series():
    """The note series that the networks and MiniRocket read on the music sets.

    One row per note feature (``NOTE_FEATURES`` of ``skmusic compare``: pitch, interval,
    duration, inter-onset interval; melody line on top), one column per note.
    """
    return NoteSequence(features=NOTE_FEATURES)


def music_network_model(net):
    """How a default network meets the music sets: the one place to change it.

    Each song becomes a note series (:func:`note_series`); the network reads 64-note slices
    (hop 32, short songs padded) inside a ``VotingSliceClassifier`` that votes (soft) per
    song, as ``skmusic compare`` builds its networks. No scaler: scaling is the network's
    own default.

    The note network (``NoteNetworkClassifier``) is fed its own representation instead:
    ``NoteSequence(features=NOTE_NETWORK_FEATURES)`` (categories and magnitudes per note),
    its categorical rows named, whole songs without slicing.
    """
    if isinstance(net, NoteNetworkClassifier):
        notes = NoteSequence(features=NOTE_NETWORK_FEATURES)
        net.set_params(categorical=notes.categorical_rows())
        return Pipeline([("notes", notes), ("clf", net)])
    voter = VotingSliceClassifier(net, width=64, hop=32, voting="soft", pad="constant")
    return Pipeline([("notes", note_series()), ("clf", voter)])


# --------------------------------------------------------------------------- models


def _as_sktime(X):
    """skmusic's batch (3D array, or list of 2D arrays) as sktime reads it.

    Equal lengths stay a ``numpy3D`` array; unequal ones become ``df-list`` (one
    ``(n_timesteps, n_channels)`` DataFrame per series).
    """
    import pandas as pd

    if isinstance(X, np.ndarray) and X.ndim == 3:
        return X.astype(np.float64, copy=False)
    return [pd.DataFrame(np.asarray(x, dtype=np.float64).T) for x in X]


class MiniRocketFeatures(TransformerMixin, BaseEstimator):
    """sktime's ``MiniRocketMultivariateVariable`` as a plain sklearn transformer.

    Takes skmusic's batches (a 3D array or a list of 2D arrays). The sktime object is
    held in ``minirocket_`` rather than placed in the ``Pipeline`` itself: sktime's
    ``fit`` resets the object's private attributes, among them the context that
    sklearn >= 1.9's ``Pipeline`` attaches to its steps, and the pipeline then fails.
    """

    def __init__(self, random_state=0):
        self.random_state = random_state

    def fit(self, X, y=None):
        from sktime.transformations.panel.rocket import MiniRocketMultivariateVariable

        self.minirocket_ = MiniRocketMultivariateVariable(random_state=self.random_state)
        self.minirocket_.fit(_as_sktime(X))
        return self

    def transform(self, X):
        return np.asarray(self.minirocket_.transform(_as_sktime(X)), dtype=np.float64)


def _minirocket():
    return [
        ("minirocket", MiniRocketFeatures(random_state=0)),
        ("scale", StandardScaler(with_mean=False)),
        ("ridge", RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))),
    ]


def ngram_event_classifier():
    """The n-gram event classifier: one bigram model per class over linked viewpoints.

    Each song becomes one token per note of its melody line, the interval class linked
    with the duration ratio (``MelodicViewpoints()``, Conklin & Witten 1995); a class's
    bigram model (add-one smoothing, ``NGramTokenGenerator(2)``) scores a song by its mean
    log-likelihood per note, and the best-scoring class wins (Hillewaere, Manderick &
    Conklin 2009). Its defaults were chosen on --quick folk (2 folds, orders 1-3,
    alpha 0.1 and 1, four viewpoint pairs: all within 0.44-0.64).
    """
    tokens = MelodicViewpoints()
    generator = NGramTokenGenerator(2, alpha=1.0, n_tokens=tokens.n_tokens())
    return Pipeline([("tokens", tokens), ("clf", ClassConditionalGenerator(generator))])


def default_networks(seed=0):
    """``{class name: cls()}`` for every network classifier of ``skmusic.nn``.

    Every other parameter at its default; ``random_state=seed`` (``--seed``), so that a run
    can be repeated and two runs compared (with ``random_state=None`` the same code moved
    the music rows by +-0.01 from run to run); ``seed=None`` keeps the default.
    """
    nets = {}
    for name, cls in all_estimators():
        if cls.__module__.startswith("skmusic.nn"):
            try:
                est = cls()
            except TypeError:  # needs a constructor argument: no default to benchmark
                continue
            if is_classifier(est):
                if seed is not None and "random_state" in est.get_params(deep=False):
                    est.set_params(random_state=seed)
                nets[name] = est
    return nets


def make_model(name, kind, networks):
    """A fresh estimator for model ``name`` on a data set of ``kind`` ("series" or "music")."""
    if name in networks:
        net = clone(networks[name])
        return music_network_model(net) if kind == "music" else net
    if name == "minirocket":
        steps = _minirocket()
        return Pipeline([("notes", note_series()), *steps] if kind == "music" else steps)
    if name in ("ngram", "viewpoints"):
        if kind != "music":
            raise ValueError("the event classifiers read scores (music sets only)")
        if name == "viewpoints":  # compare's event classifier (issue 27)
            return make_candidates("symbolic", models=["ngram_events"])[0].estimator
        return ngram_event_classifier()
    features = ScoreFeatures() if kind == "music" else SequenceStats()
    if name == "random_forest":
        return make_pipeline(features, RandomForestClassifier(random_state=0))
    if name == "svm":
        return make_pipeline(features, StandardScaler(), SVC())
    raise ValueError(f"Unknown model {name!r}.")


def _cap(model, seconds):
    """Give the network inside ``model`` a wall-clock budget (``--time-cap``)."""
    net = model[-1].estimator if isinstance(model, Pipeline) else model
    params = net.get_params(deep=False)
    if "max_time" in params:
        net.set_params(max_time=seconds)
    elif "callbacks" in params:
        net.set_params(callbacks=[*(params["callbacks"] or []), TimeCap(seconds)])


# --------------------------------------------------------------------------- data


class Task:
    """A data set: items ``X``, labels ``y``, and its (train, test) index pairs."""

    def __init__(self, name, kind, X, y, splits, about):
        self.name, self.kind, self.X, self.y = name, kind, X, np.asarray(y)
        self.splits, self.about = list(splits), about


def _take(X, idx):
    return X[idx] if isinstance(X, np.ndarray) else [X[i] for i in idx]


def _ucr(name):
    """Train and test of a UCR/UEA set bundled with sktime, as one batch and its split."""
    from sktime.datasets import load_UCR_UEA_dataset

    series, labels = [], []
    for split in ("train", "test"):
        X, y = load_UCR_UEA_dataset(name, split=split, return_type="nested_univ")
        series.append(
            [
                np.stack([np.asarray(X.iloc[i, j], dtype=np.float32) for j in range(X.shape[1])])
                for i in range(len(X))
            ]
        )
        labels.append(np.asarray(y))
    n_train = len(series[0])
    X = series[0] + series[1]
    lengths = {x.shape[-1] for x in X}
    if len(lengths) == 1:
        X = np.stack(X)
    shape = f"{X[0].shape[0]} channel(s), " + (
        f"{lengths.pop()} steps"
        if len(lengths) == 1
        else f"unequal lengths {min(lengths)}-{max(lengths)}"
    )
    y = np.concatenate(labels)
    about = (
        f"{name}: {shape}, {np.unique(y).size} classes, "
        f"{n_train} train / {len(y) - n_train} test series (the archive's split)"
    )
    return Task(name, "series", X, y, [(np.arange(n_train), np.arange(n_train, len(y)))], about)


def _load_tunes(per_class, n_jobs):
    """The third music task: tunes of three ABC tune books (:data:`TUNES`), as load_corpus.

    Read through the corpus loader's own (private) helpers and cache, so that the
    library's ``load_corpus`` names stay unchanged by a benchmark.
    """
    import os

    from sklearn.utils import Bunch

    from skmusic.datasets import get_data_home
    from skmusic.datasets._corpus import (
        _CACHE_VERSION,
        _CachedReader,
        _candidates,
        _corpus_root,
        _select,
    )

    root = _corpus_root()
    cache_dir = os.path.join(get_data_home(), "music21_corpus", _CACHE_VERSION)
    os.makedirs(cache_dir, exist_ok=True)
    reader, rng = _CachedReader(root, cache_dir), np.random.RandomState(0)
    data, target = [], []
    for label, patterns in TUNES.items():
        _, notes = _select(
            _candidates(patterns, root), per_class, rng, reader, n_jobs, False, label
        )
        data += notes
        target += [label] * len(notes)
    return Bunch(data=data, target=np.asarray(target), groups=tune_families(data))


def _music(name, quick, n_jobs, split="families"):
    per_class, n_folds = MUSIC_SIZES[name][int(quick)]
    if name == "tunes":
        songs = _load_tunes(per_class, n_jobs)
        source = f"tunes of {', '.join(f'{k} ({v[0]})' for k, v in TUNES.items())}"
    else:
        songs = load_corpus(name, max_per_class=per_class, n_jobs=n_jobs, verbose=False)
        source = f"load_corpus({name!r}, max_per_class={per_class})"
    y = songs.target
    groups = songs.groups if split == "families" else None  # load_corpus's tune families
    folds = song_folds(y, groups=groups, cv=n_folds, random_state=0)
    counts = ", ".join(f"{c} {n}" for c, n in zip(*np.unique(y, return_counts=True)))
    how = (
        f"tune-family folds (StratifiedGroupKFold; {describe_families(groups)})"
        if split == "families"
        else "StratifiedKFold over songs"
    )
    about = (
        f"{name}: {source}, at most {per_class} a class, {len(y)} songs "
        f"({counts}), {n_folds}-fold song-level CV, {how}, shuffled, random_state=0"
    )
    return Task(name, "music", songs.data, y, folds, about)


def load_task(name, quick, n_jobs, split="families"):
    return _music(name, quick, n_jobs, split) if name in MUSIC_SETS else _ucr(name)


# --------------------------------------------------------------------------- running


def _short(exc):
    first = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text[:160]


def fit_one(model, task, fold, train, test):
    """Fit on ``train``, score on ``test``; errors are returned, not raised."""
    row = {
        "dataset": task.name,
        "fold": fold,
        "n_folds": len(task.splits),
        "n_train": len(train),
        "n_test": len(test),
        "accuracy": "",
        "fit_s": "",
        "predict_s": "",
        "error": "",
    }
    try:
        start = time.perf_counter()
        model.fit(_take(task.X, train), task.y[train])
        row["fit_s"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        pred = model.predict(_take(task.X, test))
        row["predict_s"] = round(time.perf_counter() - start, 2)
        row["accuracy"] = round(float(np.mean(np.asarray(pred) == task.y[test])), 4)
    except Exception as exc:  # noqa: BLE001 -- one failing fit must not end the run
        row["error"] = _short(exc)
    return row


def _warm_up_minirocket():
    """Compile MiniRocket's numba kernels once, so no data set's fit time includes it."""
    rng = np.random.default_rng(0)
    y = np.array([0, 1] * 4)
    for X in (rng.normal(size=(8, 2, 30)), [rng.normal(size=(2, n)) for n in range(20, 28)]):
        Pipeline(_minirocket()).fit(X, y).predict(X)


def append_row(path, row):
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def read_rows(path):
    """The newest row of every (model, data set, fold) in the CSV."""
    latest = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            latest[(row["model"], row["dataset"], row["fold"])] = row
    return list(latest.values())


# --------------------------------------------------------------------------- reporting


def summarize(rows):
    """``{(model, dataset): dict(acc, fit, fit_max, folds, n_folds, error)}`` over folds."""
    cells = {}
    for row in rows:
        cells.setdefault((row["model"], row["dataset"]), []).append(row)
    out = {}
    for key, group in cells.items():
        errors = [r["error"] for r in group if r["error"]]
        ok = [r for r in group if not r["error"]]
        out[key] = {
            "acc": float(np.mean([float(r["accuracy"]) for r in ok])) if ok else np.nan,
            "fit": float(np.mean([float(r["fit_s"]) for r in ok])) if ok else np.nan,
            "fit_max": max((float(r["fit_s"]) for r in ok), default=np.nan),
            "folds": len(ok),
            "n_folds": int(group[0]["n_folds"]),
            "error": errors[0] if errors else "",
        }
    return out


def _cell(s):
    if s is None:
        return "–"
    if s["error"]:
        return "error: " + s["error"].replace("|", "\\|")
    text = f"{s['acc']:.3f} ({s['fit']:.0f} s)" if s["fit"] >= 1 else f"{s['acc']:.3f} (<1 s)"
    if s["folds"] < s["n_folds"]:
        text += f" [{s['folds']}/{s['n_folds']} folds]"
    return text


def _ordered(models, networks):
    first = [m for m in models if m in networks]
    return first + [m for m in models if m not in networks]


def _acc(stats, model, dataset):
    s = stats.get((model, dataset))
    return np.nan if s is None or s["error"] or s["folds"] < s["n_folds"] else s["acc"]


def _series_mean(stats, model):
    accs = [_acc(stats, model, d) for d in SERIES_SETS]
    return float(np.mean(accs)) if not np.isnan(accs).any() else np.nan


def table(stats, models, datasets, networks):
    headers = ["model", *datasets]
    if all(d in datasets for d in SERIES_SETS):
        headers.append("mean of the 4 series sets")
    rows = []
    for m in _ordered(models, networks):
        label = f"{m}()" if m in networks else m
        row = [label, *(_cell(stats.get((m, d))) for d in datasets)]
        if len(headers) > len(datasets) + 1:
            mean = _series_mean(stats, m)
            row.append("–" if np.isnan(mean) else f"{mean:.3f}")
        rows.append(row)
    return md_table(headers, rows)


def _verdict(ok, text):
    return f"- **{'met' if ok else 'missed'}** — {text}"


def targets(stats, models, datasets, networks):
    """Issue 11's targets from the numbers: lines of met / missed (with the gap)."""
    nets = [m for m in models if m in networks]
    if not nets:
        return ["- n/a — no network in this run."]
    lines = []

    def best_net(dataset):
        accs = {n: _acc(stats, n, dataset) for n in nets}
        accs = {n: a for n, a in accs.items() if not np.isnan(a)}
        return max(accs.items(), key=lambda kv: kv[1]) if accs else (None, np.nan)

    for d in [d for d in SERIES_SETS if d in datasets]:
        name, acc = best_net(d)
        peer = _acc(stats, "minirocket", d)
        if name is None or np.isnan(peer):
            lines.append(f"- n/a — {d}: best network vs MiniRocket (a result is missing)")
            continue
        gap = acc - peer
        lines.append(
            _verdict(
                gap >= -TARGET_GAP,
                f"{d}: best network {name} {acc:.3f} vs MiniRocket {peer:.3f} "
                f"(gap {gap:+.3f}; target ≥ {-TARGET_GAP:+.2f})",
            )
        )
    if all(d in datasets for d in SERIES_SETS):
        means = {n: _series_mean(stats, n) for n in nets}
        means = {n: a for n, a in means.items() if not np.isnan(a)}
        peer = _series_mean(stats, "minirocket")
        if means and not np.isnan(peer):
            name, acc = max(means.items(), key=lambda kv: kv[1])
            lines.append(
                _verdict(
                    acc >= peer,
                    f"mean of the 4 series sets: best network {name} {acc:.3f} "
                    f"vs MiniRocket {peer:.3f} (gap {acc - peer:+.3f}; "
                    "target ≥ +0.00)",
                )
            )
        else:
            lines.append("- n/a — mean of the 4 series sets (a result is missing)")
    for d in [d for d in MUSIC_SETS if d in datasets]:
        name, acc = best_net(d)
        classical = {c: _acc(stats, c, d) for c in CLASSICAL}
        classical = {c: a for c, a in classical.items() if not np.isnan(a)}
        if name is None or not classical:
            lines.append(f"- n/a — {d}: best network vs best classical (a result is missing)")
            continue
        cname, cacc = max(classical.items(), key=lambda kv: kv[1])
        lines.append(
            _verdict(
                acc >= cacc,
                f"{d}: best network {name} {acc:.3f} vs best classical {cname} "
                f"{cacc:.3f} (gap {acc - cacc:+.3f}; target ≥ +0.00)",
            )
        )
    for n in nets:
        gaps = {}
        for d in datasets:
            peer, acc = _acc(stats, "minirocket", d), _acc(stats, n, d)
            s = stats.get((n, d))
            if s is not None and s["error"]:
                gaps[d] = -np.inf
            elif not (np.isnan(peer) or np.isnan(acc)):
                gaps[d] = acc - peer
        if not gaps:
            lines.append(f"- n/a — {n}() within {NETWORK_GAP:.2f} of MiniRocket (no pair)")
            continue
        worst = min(gaps, key=gaps.get)
        gap = gaps[worst]
        detail = "an error" if np.isinf(gap) else f"gap {gap:+.3f}"
        lines.append(
            _verdict(
                gap >= -NETWORK_GAP,
                f"{n}() within {NETWORK_GAP:.2f} of MiniRocket on every set: "
                f"worst {worst} ({detail}; {len(gaps)} set(s) compared)",
            )
        )
    for n in nets:
        fits = {
            d: stats[(n, d)]["fit_max"]
            for d in datasets
            if (n, d) in stats and not np.isnan(stats[(n, d)]["fit_max"])
        }
        if not fits:
            lines.append(f"- n/a — {n}() fit time (no fit finished)")
            continue
        worst = max(fits, key=fits.get)
        lines.append(
            _verdict(
                fits[worst] <= MAX_FIT_S,
                f"{n}() no fit over {MAX_FIT_S:.0f} s: slowest {worst} {fits[worst]:.0f} s",
            )
        )
    return lines


def write_report(rows, models, datasets, networks, tasks, args, elapsed, partial_note):
    stats = summarize(rows)
    setup_text = [
        (
            "Each cell: accuracy on the test split (mean over the folds of the music sets) and, "
            "in brackets, the mean wall time of one fit (loading the data excluded; the music "
            "sets' feature extraction included, since it is part of each pipeline). Networks at "
            "their defaults: `cls()`, one object per class, cloned for every data set "
            f"(`random_state={args.seed}`, `--seed`); on the music sets through "
            "`music_network_model` (note series, 64-note slices, soft vote per song). "
            "MiniRocket: sktime's `MiniRocketMultivariateVariable(random_state=0)` + "
            "`StandardScaler(with_mean=False)` + `RidgeClassifierCV(alphas=np.logspace(-3, 3, "
            "10))`, on the same note series as the networks for the music sets (its numba "
            "kernels compiled before the first timed fit). random_forest: "
            "`RandomForestClassifier(random_state=0)`; svm: `StandardScaler` + `SVC()`; both on "
            "`SequenceStats` (mean, std, min, max per channel) for the series sets and on "
            "`ScoreFeatures` for the music sets."
        )
    ]
    if args.time_cap:
        setup_text.append(
            f"**Networks capped at {args.time_cap:g} s of training each "
            "(`--time-cap`): not their defaults.**"
        )
    parts = [
        "# skmusic's networks at their defaults vs MiniRocket, random forest, SVM",
        "",
        *([f"**Partial run: {partial_note}**", ""] if partial_note else []),
        f"Command: `{command_line()}`",
        "",
        machine_note(elapsed),
        "",
        " ".join(setup_text),
        "",
        "Data:",
        "",
        *[f"- {tasks[d].about}" for d in datasets if d in tasks],
        "",
        table(stats, models, datasets, networks),
        "",
        "## Targets (issues 11 and 18)",
        "",
        *targets(stats, models, datasets, networks),
        "",
    ]
    out = RESULTS / f"{args.stem}.md"
    out.write_text("\n".join(parts))
    return out, table(stats, models, datasets, networks), targets(stats, models, datasets, networks)


def _pick(text, allowed, groups, what):
    if text is None:
        return list(allowed)
    lower = {a.lower(): a for a in allowed}
    picked = []
    for item in text.split(","):
        item = item.strip()
        names = groups.get(item.lower()) or [lower.get(item.lower())]
        if names == [None]:
            raise SystemExit(
                f"Unknown {what} {item!r}; choose from {list(allowed)} or {sorted(groups)}."
            )
        picked += [n for n in names if n not in picked]
    return picked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets",
        help="comma-separated: " + ", ".join(DATASETS) + ", or 'series' / 'music' (default: all)",
    )
    parser.add_argument(
        "--models",
        help="comma-separated: network class names, minirocket, "
        "random_forest, svm, or 'networks' / 'peers' (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="music sets: 20/30 songs a class and 3/2 folds (composers/folk)",
    )
    parser.add_argument(
        "--time-cap",
        type=float,
        default=None,
        help="seconds of training per network fit (off: the defaults decide)",
    )
    parser.add_argument(
        "--seed",
        default="0",
        help="the networks' random_state (default 0; 'none': random_state=None)",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument(
        "--split",
        choices=("families", "songs"),
        default="families",
        help="music sets: tune-family folds (default) or songs split freely",
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="processes to parse the corpus")
    parser.add_argument(
        "--output",
        metavar="STEM",
        help="write benchmarks/results/STEM.md and append to STEM.csv (default: peers, "
        "peers_partial or peers_quick as the run's scope says)",
    )
    parser.add_argument(
        "--from-csv",
        action="store_true",
        help="run nothing: table from the newest row of every fit in the CSV",
    )
    args = parser.parse_args()
    start = setup(args.threads)
    warnings.filterwarnings("ignore", module="sktime")

    seed = None if args.seed.lower() == "none" else int(args.seed)
    networks = default_networks(seed)
    datasets = _pick(
        args.datasets,
        DATASETS,
        {"series": list(SERIES_SETS), "music": list(MUSIC_SETS)},
        "data set",
    )
    all_models = [*networks, *PEERS]
    models = _pick(
        args.models,
        all_models,
        {"networks": list(networks), "peers": list(PEERS), "classical": list(CLASSICAL)},
        "model",
    )
    if "minirocket" in models or set(datasets) & set(SERIES_SETS):
        try:
            import sktime  # noqa: F401
        except ImportError as exc:
            raise SystemExit(
                f"MiniRocket and the UCR/UEA sets need sktime ({exc}): pip install -e '.[bench]'"
            ) from None
    complete = set(datasets) == set(DATASETS) and set(models) == set(all_models)
    args.stem = "peers_quick" if args.quick else ("peers" if complete else "peers_partial")
    csv_path = RESULTS / ("peers_quick.csv" if args.quick else "peers.csv")
    if args.output:
        args.stem, csv_path = args.output, RESULTS / f"{args.output}.csv"
    RESULTS.mkdir(parents=True, exist_ok=True)
    partial_note = (
        "" if complete else (f"only models {', '.join(models)} on {', '.join(datasets)}.")
    )
    if args.quick:
        partial_note = ("--quick: fewer songs and folds on the music sets. " + partial_note).strip()

    if args.from_csv:
        rows = [r for r in read_rows(csv_path) if r["model"] in models and r["dataset"] in datasets]
        present = {r["dataset"] for r in rows}
        models = [m for m in models if any(r["model"] == m for r in rows)]
        tasks = {
            d: load_task(d, args.quick, args.n_jobs, args.split) for d in datasets if d in present
        }
        out, tab, tgt = write_report(
            rows,
            models,
            datasets,
            networks,
            tasks,
            args,
            time.perf_counter() - start,
            (partial_note + f" Table from the CSV's newest rows ({csv_path.name}).").strip(),
        )
        print(tab, "", *tgt, f"wrote {out}", sep="\n")
        return

    run = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    log(
        f"{len(models)} models x {len(datasets)} data sets; networks at defaults: "
        f"{', '.join(networks) or 'none found'}; rows -> {csv_path}"
    )
    if "minirocket" in models:
        _warm_up_minirocket()
    rows, tasks = [], {}
    for dataset in datasets:
        t = time.perf_counter()
        tasks[dataset] = task = load_task(dataset, args.quick, args.n_jobs, args.split)
        log(f"\n{task.about} (loaded in {time.perf_counter() - t:.1f} s)")
        for name in _ordered(models, networks):
            if name in ("ngram", "viewpoints") and task.kind != "music":
                continue  # an event model of scores: no series to read
            for fold, (train, test) in enumerate(task.splits):
                model = make_model(name, task.kind, networks)
                if args.time_cap and name in networks:
                    _cap(model, args.time_cap)
                row = fit_one(model, task, fold, train, test)
                row.update(
                    run=run,
                    model=name,
                    quick=int(args.quick),
                    time_cap=args.time_cap or "",
                    finished=datetime.now(UTC).strftime("%H:%M:%S"),
                )
                append_row(csv_path, row)
                rows.append(row)
                result = (
                    f"error: {row['error']}"
                    if row["error"]
                    else f"acc {row['accuracy']:.3f}  fit {row['fit_s']:7.1f} s"
                )
                log(f"  {name:28s} fold {fold + 1}/{len(task.splits)}  {result}")
                write_report(
                    rows,
                    models,
                    datasets,
                    networks,
                    tasks,
                    args,
                    time.perf_counter() - start,
                    partial_note,
                )
    out, tab, tgt = write_report(
        rows, models, datasets, networks, tasks, args, time.perf_counter() - start, partial_note
    )
    print("", tab, "", *tgt, f"wrote {out}", f"appended {len(rows)} rows to {csv_path}", sep="\n")


if __name__ == "__main__":
    main()
