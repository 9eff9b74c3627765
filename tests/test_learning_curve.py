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
