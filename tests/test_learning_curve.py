"""Learning curves: candidates at growing numbers of training songs per class."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline

from skmusic.cli import main
from skmusic.datasets import load_corpus
from skmusic.model_selection import (
    Candidate,
    learning_curve_summary,
    learning_curve_table,
    make_candidates,
)
from skmusic.plotting import plot_learning_curve

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def songs():
    """30 real pieces a class of two collections, with their tune families."""
    return load_corpus(classes=["bach", "oneills"], max_per_class=30, verbose=False)


@pytest.fixture(scope="module")
def chorales():
    """120 Bach chorales, many harmonizations of one hymn tune among them."""
    bach = load_corpus("bach", verbose=False)
    keep = np.arange(120)
    return bach.data[:120], np.where(keep % 2, "odd", "even"), bach.groups[keep]


class _Spy(ClassifierMixin, BaseEstimator):
    """Records which songs it was fitted on and asked about (by object id)."""

    log = []

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        _Spy.log.append(("fit", [id(x) for x in X], list(y)))
        return self

    def predict(self, X):
        _Spy.log.append(("predict", [id(x) for x in X], None))
        return np.full(len(X), self.classes_[0])


def test_table_has_one_row_per_model_size_and_draw(songs):
    table = learning_curve_table(
        songs.data,
        songs.target,
        groups=songs.groups,
        models=["knn", "svm", "ngram_events"],
        sizes=[5, 10],
        n_draws={5: 3, 10: 2},
        quick=True,
    )
    assert table.columns.tolist()[:7] == [
        "model",
        "family",
        "songs_per_class",
        "draw",
        "fold",
        "score",
        "fit_time",
    ]
    counts = table.groupby(["model", "songs_per_class"]).size()
    assert set(counts.xs(5, level=1)) == {3} and set(counts.xs(10, level=1)) == {2}
    assert (table["n_train"] == 2 * table["songs_per_class"]).all()
    # draw d is scored on fold d % 3: the three draws of 5 on three held-out sets
    assert sorted(table.query("songs_per_class == 5 and model == 'svm'")["fold"]) == [0, 1, 2]
    assert table["score"].between(0, 1).all() and (table["fit_time"] > 0).all()
    # Bach against O'Neill's is easy for the classical models on real pieces
    assert table.query("model == 'svm' and songs_per_class == 10")["score"].mean() > 0.8
    assert table.attrs["sizes"] == [5, 10] and table.attrs["n_folds"] == 3
    # the same seed gives the same curve
    again = learning_curve_table(
        songs.data,
        songs.target,
        groups=songs.groups,
        models=["knn"],
        sizes=[5, 10],
        n_draws={5: 3, 10: 2},
        quick=True,
    )
    knn = table[table.model == "knn"].reset_index(drop=True)
    assert np.array_equal(knn["score"], again["score"])


@pytest.mark.parametrize("backend", ["threading", pytest.param("loky", marks=pytest.mark.slow)])
def test_parallel_fits_give_the_same_curve(songs, backend):
    from joblib import parallel_config

    kwargs = dict(groups=songs.groups, models=["knn", "logistic_regression"], sizes=[5, 10])
    one = learning_curve_table(songs.data, songs.target, quick=True, **kwargs)
    with parallel_config(backend=backend):
        two = learning_curve_table(songs.data, songs.target, quick=True, n_jobs=2, **kwargs)
    assert np.array_equal(one["score"], two["score"])
    assert one["params"].tolist() == two["params"].tolist()


def test_no_draw_shares_a_tune_family_with_its_held_out_songs(chorales):
    X, y, groups = chorales
    assert len(np.unique(groups)) < len(groups) - 10  # families of several chorales exist
    _Spy.log.clear()
    spy = Candidate("spy", "classical", Pipeline([("clf", _Spy())]))
    table = learning_curve_table(
        X, y, groups=groups, candidates=[spy], sizes=[6, 12, 24], n_draws=4, tune=False
    )
    index = {id(x): i for i, x in enumerate(X)}
    fits = [e for e in _Spy.log if e[0] == "fit"]
    predicts = [e for e in _Spy.log if e[0] == "predict"]
    assert len(fits) == len(predicts) == len(table) == 12
    drawn = {}
    for (_, train_ids, labels), (_, test_ids, _), row in zip(
        fits, predicts, table.itertuples(), strict=True
    ):
        train = np.array([index[i] for i in train_ids])
        test = np.array([index[i] for i in test_ids])
        assert not set(groups[train]) & set(groups[test])  # no family on both sides
        assert not set(train) & set(test)
        assert np.unique(labels, return_counts=True)[1].tolist() == [row.songs_per_class] * 2
        drawn[row.songs_per_class, row.draw] = set(train)
    for draw in range(4):  # the draws of one fold are nested
        assert drawn[6, draw] < drawn[12, draw] < drawn[24, draw]
    assert drawn[6, 0] != drawn[6, 3]  # the fourth draw: fold 0 again, other songs


def test_a_tiny_network_beside_the_classical_models(songs, tmp_path):
    candidates = make_candidates(models=["svm", "note_network"], quick=True, max_epochs=1)
    table = learning_curve_table(
        songs.data, songs.target, groups=songs.groups, candidates=candidates, sizes=[8, 16]
    )
    assert set(table["family"]) == {"deep", "classical"}
    summary = learning_curve_summary(table)
    assert summary["songs_per_class"].tolist() == [8, 16]
    assert (summary["best_network"] == "note_network").all()
    assert (summary["best_classical"] == "svm").all()
    assert np.allclose(summary["gap"], summary["network_score"] - summary["classical_score"])
    ax = plot_learning_curve(table, chance=0.5, path=tmp_path / "curve.png")
    assert (tmp_path / "curve.png").stat().st_size > 5000
    styles = {line.get_label(): line.get_linestyle() for line in ax.get_lines()}
    assert styles["note_network (network)"] == "--" and styles["svm"] == "-"


def test_auto_sizes_stop_at_what_every_training_fold_holds(songs):
    table = learning_curve_table(
        songs.data, songs.target, groups=songs.groups, models=["knn"], n_draws=1
    )
    largest = table.attrs["largest_size"]
    assert 18 <= largest <= 20  # 30 songs a class, 3 folds
    assert table.attrs["sizes"] == [10, largest]
    assert table.attrs["sizes_left_out"] == [40, 80, 160]


def test_summary_crossover_is_where_the_network_stays_ahead():
    rows = []
    for size, net, clf in [(10, 0.5, 0.6), (20, 0.7, 0.65), (40, 0.7, 0.75), (80, 0.9, 0.8)]:
        rows += [
            {"model": "net", "family": "deep", "songs_per_class": size, "score": net},
            {"model": "rf", "family": "classical", "songs_per_class": size, "score": clf},
        ]
    summary = learning_curve_summary(pd.DataFrame(rows))
    assert summary.attrs["crossover"] == 80  # ahead at 20, behind again at 40
    ahead = pd.DataFrame(rows).assign(score=lambda t: np.where(t.family == "deep", 1.0, 0.0))
    assert learning_curve_summary(ahead).attrs["crossover"] == 10
    behind = pd.DataFrame(rows).assign(score=lambda t: np.where(t.family == "deep", 0.0, 1.0))
    assert learning_curve_summary(behind).attrs["crossover"] is None


def test_plot_bands_around_the_best_of_each_family_or_every_line():
    rng = np.random.RandomState(0)
    table = pd.DataFrame(
        [
            {"model": m, "family": f, "songs_per_class": s, "score": base + rng.uniform(0, 0.1)}
            for m, f, base in [
                ("net", "deep", 0.6),
                ("rf", "classical", 0.7),
                ("knn", "classical", 0.5),
            ]
            for s in (10, 20, 40)
            for _ in range(3)
        ]
    )
    best = plot_learning_curve(table)
    every = plot_learning_curve(table, bands="all")
    assert len(best.collections) == 2 and len(every.collections) == 3
    assert len(plot_learning_curve(table, spread=None).collections) == 0
    assert [t.get_text() for t in best.get_legend().get_texts()] == ["rf", "net (network)", "knn"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [5, 40]}, "at most"),
        ({"sizes": [0, 5]}, "positive ints"),
        ({"sizes": "many"}, "'auto'"),
        ({"n_draws": 0}, "n_draws"),
        ({"n_draws": {10: 0}}, "n_draws"),
        ({"cv": 1}, "cv must be"),
        ({"inner_cv": 1}, "inner_cv"),
        ({"kind": "video"}, "Unknown data kind"),
        ({"models": ["svm", "banjo"]}, "Unknown model 'banjo'"),
        ({"error_score": "ignore"}, "error_score"),
    ],
)
def test_bad_arguments_are_clear_value_errors(songs, kwargs, message):
    with pytest.raises(ValueError, match=message):
        learning_curve_table(songs.data, songs.target, **{"models": ["knn"], **kwargs})


def test_bad_data_is_a_clear_value_error(songs):
    with pytest.raises(ValueError, match="60 songs but y has 59"):
        learning_curve_table(songs.data, songs.target[:-1], models=["knn"])
    with pytest.raises(ValueError, match="single class"):
        learning_curve_table(songs.data, ["bach"] * 60, models=["knn"])
    with pytest.raises(ValueError, match="at least 3 songs per class"):
        learning_curve_table(songs.data[:32], songs.target[:32], models=["knn"])
    with pytest.raises(ValueError, match="lacks the column"):
        learning_curve_summary(pd.DataFrame({"model": ["svm"], "score": [1.0]}))
    with pytest.raises(ValueError, match="spread"):
        plot_learning_curve(
            pd.DataFrame({"model": ["a"], "songs_per_class": [1], "score": [1.0]}), spread="iqr"
        )


class _Broken(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("no strings on this fiddle")


def test_a_failing_fit_raises_or_scores_error_score(songs):
    broken = Candidate("broken", "classical", Pipeline([("clf", _Broken())]))
    with pytest.raises(RuntimeError, match="fiddle"):
        learning_curve_table(songs.data, songs.target, candidates=[broken], sizes=[5])
    with pytest.warns(UserWarning, match="broken failed to fit"):
        table = learning_curve_table(
            songs.data, songs.target, candidates=[broken], sizes=[5], error_score=np.nan
        )
    assert table["score"].isna().all()


def test_the_command_writes_the_curve_and_says_where_networks_pay(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["compare", "--learning-curve", "--quick", "--classes", "bach,oneills"]
    argv += ["--max-per-class", "18", "--models", "knn,svm,note_network", "--epochs", "1"]
    argv += ["--sizes", "5,10", "--draws", "2", "--n-jobs", "1", "--out", str(out), "--silent"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "10 a class" in printed and "best network note_network" in printed
    assert "matches the best classical" in printed or "stays below" in printed
    assert (out / "learning_curve.png").stat().st_size > 5000
    table = pd.read_csv(out / "learning_curve.csv")
    assert sorted(table["model"].unique()) == ["knn", "note_network", "svm"]
    assert table.groupby("songs_per_class").size().to_dict() == {5: 6, 10: 6}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--sizes", "10,x"], "--sizes takes"),
        (["--sizes", "100"], "at most"),
        (["--draws", "0"], "--draws must be"),
    ],
)
def test_command_user_errors_are_one_line(tmp_path, capsys, extra, message):
    argv = ["compare", "--learning-curve", "--classes", "bach,oneills", "--max-per-class", "12"]
    argv += ["--models", "knn", "--out", str(tmp_path), "--silent", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


# --------------------------------------------------------------------------- the task suite
# (benchmarks/bench_music_tasks.py: labels come from the score's fields, never the input)


@pytest.fixture(scope="module")
def suite():
    import importlib.util
    import sys
    from pathlib import Path

    folder = Path(__file__).parent.parent / "benchmarks"
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_music_tasks", folder / "bench_music_tasks.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


_TUNE = """X:1
T:one tune, two meters
M:{meter}
L:1/8
K:{key}
EFG ABc|BAG FED|EFG ABc|B3 E3|EFG ABc|BAG FED|GFE DEF|E6|]
"""


def test_the_time_signature_never_reaches_the_meter_tasks_input(suite, tmp_path):
    from skmusic.io import read_score
    from skmusic.io.notes import NOTE_DTYPE

    paths = []
    for meter in ("6/8", "3/4", "2/4"):
        path = tmp_path / f"tune{len(paths)}.abc"
        path.write_text(_TUNE.format(meter=meter, key="Em"))
        paths.append(path)
    notes = [read_score(p) for p in paths]
    assert notes[0].dtype == NOTE_DTYPE  # pitch, onset, duration, velocity, part: no meter
    for other in notes[1:]:  # the same notes under another time signature: the same input
        assert np.array_equal(notes[0], other)
    # and so the same rows for the note network, "metric_position" (read from onsets) included
    from skmusic.features import NoteSequence
    from skmusic.nn.notes import NOTE_NETWORK_FEATURES

    assert "metric_position" in NOTE_NETWORK_FEATURES
    rows = NoteSequence(features=NOTE_NETWORK_FEATURES).fit_transform(notes)
    for other in rows[1:]:
        assert np.array_equal(rows[0], other)
    labels = [suite.meter_label(f, b) for _, f, b in suite.abc_tunes(str(paths[0]))]
    assert labels == ["compound"]


def test_meter_and_mode_labels_agree_with_music21(suite):
    from music21 import key, meter

    from skmusic.io.scores import _parse_music21

    rng = np.random.RandomState(0)
    cases = [
        (suite.ESSEN_GERMAN[1:2], "essenFolksong/", suite.meter_label),
        (tuple(suite.FIDDLE_BOOKS.values())[:1], "", suite.mode_label),
    ]
    for patterns, prefix, labeller in cases:
        by_label = suite._labelled_tunes([prefix + p for p in patterns], labeller)
        assert len(by_label) >= 2
        for label, addresses in by_label.items():
            for address in rng.choice(addresses, 2, replace=False):
                score = _parse_music21(address)
                if labeller is suite.meter_label:
                    (first,) = score.recurse().getElementsByClass(meter.TimeSignature)[:1]
                    sig = first.ratioString
                    assert sig in suite.METERS[label], (address, sig, label)
                else:
                    (first,) = score.recurse().getElementsByClass(key.KeySignature)[:1]
                    assert first.mode == label, (address, first, label)


@pytest.mark.parametrize(
    ("fields", "body", "meter", "mode", "dance"),
    [
        ({"M": ["6/8"], "K": ["Em"], "R": ["Double Jig"]}, "abc|", "compound", "minor", "jig"),
        ({"M": ["C|"], "K": ["A Minor"], "R": ["reel"]}, "abc|", "duple", "minor", "reel"),
        ({"M": ["3/4"], "K": ["G"], "R": ["Hornpipe"]}, "abc|", "triple", "major", "hornpipe"),
        ({"M": ["5/4"], "K": ["Dmix"], "R": ["air"]}, "abc|", None, None, None),
        ({"M": ["2/4"], "K": ["Ador"]}, "abc|\nM:3/4\nabc|", None, None, None),
        ({"M": ["2/4"], "K": ["Bb"]}, "abc|[K:Gm]abc|", "duple", None, None),
    ],
)
def test_suite_labels_from_abc_fields(suite, fields, body, meter, mode, dance):
    assert suite.meter_label(fields, body) == meter
    assert suite.mode_label(fields, body) == mode
    assert suite.dance_label(fields, body) == dance


def test_voice_lines_hide_the_register(suite):
    bach = load_corpus("bach", verbose=False)
    chorale = next(c for c in bach.data if suite.voice_lines(c) is not None)
    lines = suite.voice_lines(chorale)
    assert len(lines) == 4 and all((line["part"] == 0).all() for line in lines)
    assert all(abs(line["pitch"].mean() - suite.VOICE_MEAN_PITCH) <= 0.5 for line in lines)
    parts = np.unique(chorale["part"])
    for line, p in zip(lines, parts, strict=True):  # the same melody, moved as a whole
        original = chorale[chorale["part"] == p]
        assert np.array_equal(line["onset"], original["onset"])
        assert len(set((line["pitch"] - original["pitch"]).tolist())) == 1
