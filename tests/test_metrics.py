"""skmusic.metrics: repeated-run summaries and statistics of generated music."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skmusic.features import SequenceStats
from skmusic.io import make_notes
from skmusic.metrics import (
    generated_confusion_matrix,
    note_density,
    perplexity,
    pitch_class_histogram,
    pitch_class_histogram_distance,
    pitch_range,
    repeated_note_ratio,
    scale_consistency,
    symbolic_statistics,
    trimmed_mean,
)


def test_trimmed_mean_drops_best_and_worst_of_15_runs():
    rng = np.random.RandomState(0)
    runs = np.r_[rng.uniform(0.7, 0.8, 13), 0.1, 0.99]
    expected = np.sort(runs)[1:-1].mean()
    assert trimmed_mean(runs) == pytest.approx(expected)
    assert trimmed_mean(runs, n_drop=0) == pytest.approx(runs.mean())
    table = np.column_stack([runs, runs * 2])  # runs x metrics
    np.testing.assert_allclose(trimmed_mean(table), [expected, 2 * expected])


@pytest.mark.parametrize(
    "scores, n_drop, match",
    [
        ([0.5, 0.6], 1, "leave nothing"),
        ([0.5, np.nan, 0.7], 1, "NaN"),
        ([0.5, 0.6, 0.7], -1, "non-negative integer"),
        (0.5, 1, "scalar"),
    ],
)
def test_trimmed_mean_bad_input(scores, n_drop, match):
    with pytest.raises(ValueError, match=match):
        trimmed_mean(scores, n_drop)


def test_perplexity_of_uniform_guess():
    assert perplexity(np.log(1 / 50)) == pytest.approx(50)
    np.testing.assert_allclose(perplexity([0.0, -np.log(2)]), [1.0, 2.0])


def test_symbolic_statistics_of_a_scale_and_a_repeated_note():
    scale = make_notes([60, 62, 64, 65, 67, 69, 71, 72], np.arange(8), np.ones(8))
    drone = make_notes([60] * 8, np.arange(8) * 0.5, np.full(8, 0.5))
    assert pitch_range(scale) == 12
    assert note_density(scale) == pytest.approx(1.0)
    assert note_density(drone) == pytest.approx(2.0)
    assert scale_consistency(scale) == 1.0
    assert repeated_note_ratio(scale) == 0.0
    assert repeated_note_ratio(drone) == 1.0
    hist = pitch_class_histogram(scale)
    assert hist.sum() == pytest.approx(1.0) and hist[0] == pytest.approx(2 / 8)
    assert pitch_class_histogram_distance(drone, drone) == 0.0
    assert pitch_class_histogram_distance(scale, drone) == pytest.approx(1 - 2 / 8)
    stats = symbolic_statistics([scale, drone])
    assert stats["repeated_note_ratio"].tolist() == [0.0, 1.0]
    assert stats["pitch_range"].tolist() == [12.0, 0.0]


def test_repeated_notes_are_counted_per_part_and_chord():
    # part 0 repeats a chord; part 1 moves
    notes = make_notes(
        [60, 64, 60, 64, 48, 50], [0, 0, 1, 1, 0, 1], [1] * 6, part=[0, 0, 0, 0, 1, 1]
    )
    assert repeated_note_ratio(notes) == pytest.approx(0.5)


def test_statistics_of_real_chorales_versus_a_drone(corpus_scores):
    bach = [s for s, t in zip(corpus_scores.data, corpus_scores.target) if t == "bach"]
    stats = symbolic_statistics(bach)
    assert (stats["scale_consistency"] > 0.8).all()  # tonal music
    assert (stats["repeated_note_ratio"] < 0.5).all()
    assert (stats["pitch_range"] >= 12).all()
    drone = make_notes([67] * 20, np.arange(20), np.ones(20))
    assert pitch_class_histogram_distance(bach, drone) > pitch_class_histogram_distance(
        bach[:2], bach[2:]
    )


def test_metrics_refuse_what_is_not_note_events():
    with pytest.raises(ValueError, match="not note events"):
        pitch_range(np.array([60, 62]))
    with pytest.raises(ValueError, match="no notes"):
        pitch_range(make_notes([], [], []))
    with pytest.raises(ValueError, match="empty"):
        symbolic_statistics([])
    with pytest.raises(ValueError, match="weight must be"):
        pitch_class_histogram(make_notes([60], [0], [1]), weight="velocity")


def _loud_soft_classifier():
    rng = np.random.RandomState(0)
    real = [rng.randn(1, 50) + (i % 2) * 3 for i in range(20)]
    labels = np.array(["loud" if i % 2 else "soft" for i in range(20)])
    clf = make_pipeline(SequenceStats(), LogisticRegression()).fit(real, labels)
    generated = [rng.randn(1, 50) + 3 for _ in range(3)] + [rng.randn(1, 50) for _ in range(3)]
    return clf, generated


def test_generated_confusion_matrix_rows_are_the_intended_classes():
    clf, generated = _loud_soft_classifier()
    intended = ["loud"] * 3 + ["loud", "soft", "soft"]
    cm, labels = generated_confusion_matrix(clf, generated, intended)
    assert labels.tolist() == ["loud", "soft"]
    np.testing.assert_array_equal(cm, [[3, 1], [0, 2]])
    assert np.trace(cm) / cm.sum() == pytest.approx(5 / 6)
    # a chosen order, normalized rows, and the sklearn display draws it
    cm, labels = generated_confusion_matrix(
        clf, generated, intended, labels=["soft", "loud"], normalize="true"
    )
    np.testing.assert_allclose(cm, [[1, 0], [0.25, 0.75]])
    assert labels.tolist() == ["soft", "loud"]
    # rows follow the classifier's classes even for a class nobody generated for
    cm, labels = generated_confusion_matrix(clf, generated[:3], ["loud"] * 3)
    assert labels.tolist() == ["loud", "soft"]
    np.testing.assert_array_equal(cm, [[3, 0], [0, 0]])
    # piece weights: the "loud"-intended piece labelled "soft" counts three times
    cm, _ = generated_confusion_matrix(clf, generated, intended, sample_weight=[1, 1, 1, 3, 1, 1])
    np.testing.assert_array_equal(cm, [[3, 3], [0, 2]])


def test_generated_confusion_matrix_bad_input():
    clf, generated = _loud_soft_classifier()
    intended = ["loud"] * 3 + ["loud", "soft", "soft"]
    with pytest.raises(ValueError, match="6 pieces but y_intended has 2"):
        generated_confusion_matrix(clf, generated, intended[:2])
    with pytest.raises(ValueError, match="empty"):
        generated_confusion_matrix(clf, [], [])
    with pytest.raises(ValueError, match=r"\['jazz'\] that are not in labels"):
        generated_confusion_matrix(clf, generated, intended[:5] + ["jazz"])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        generated_confusion_matrix(LogisticRegression(), generated, intended)
