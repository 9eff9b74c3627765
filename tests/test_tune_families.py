"""Tune families: one identity per tune, and folds that never split one."""

import os

import numpy as np
import pytest

from skmusic.cli import main
from skmusic.datasets import load_corpus, load_score_folder
from skmusic.io import read_score, write_midi
from skmusic.io.notes import make_notes
from skmusic.model_selection import compare_models, song_folds, tune_families
from skmusic.utils.tunes import melodic_incipit

# Four harmonizations of one hymn tune in the corpus (the same soprano opening),
# and two chorales on other tunes.
SAME_TUNE = ("bwv158.4", "bwv277", "bwv279")
OTHER_TUNES = ("bwv66.6", "bwv269")


def _chorale(name):
    from skmusic.datasets._corpus import _corpus_root

    return read_score(str(_corpus_root() / "bach" / f"{name}.mxl"))


@pytest.fixture(scope="module")
def chorales():
    return [_chorale(name) for name in SAME_TUNE + OTHER_TUNES]


def _scale(start, steps, n=14):
    pitch = start + np.cumsum(np.r_[0, steps])[:n]
    return make_notes(pitch, np.arange(len(pitch)), np.ones(len(pitch)))


def test_harmonizations_of_one_hymn_tune_share_a_family(chorales):
    groups = tune_families(chorales)
    assert groups.tolist()[:3] == [0, 0, 0]
    assert len(set(groups.tolist())) == 3  # the other two tunes stand alone


def test_a_transposed_chorale_joins_the_family_of_the_original(chorales):
    moved = chorales[3].copy()
    moved["pitch"] += 3  # a minor third up
    groups = tune_families([*chorales, moved])
    assert groups[-1] == groups[3]
    assert groups[-1] not in groups[[0, 4]]


def test_one_altered_interval_is_a_variant_two_are_another_tune():
    steps = np.array([2, 2, 1, 2, -3, 4, -2, -1, 5, -2, 2, -1, 3])
    tune = _scale(60, steps)
    variant = _scale(60, np.r_[steps[:5], 7, steps[6:]])  # one interval altered
    other = _scale(60, np.r_[steps[:8], -5, 6, steps[10:]])  # two others altered
    assert tune_families([tune, variant, other]).tolist() == [0, 0, 1]
    assert tune_families([tune, variant], max_mismatches=0).tolist() == [0, 1]


def test_repeated_notes_and_chords_do_not_change_the_incipit():
    tune = make_notes([60, 62, 64, 62], [0, 1, 2, 3], [1, 1, 1, 1])
    # the second note split in two, an accompanying lower part and chords under the tune
    split = make_notes(
        [60, 62, 62, 64, 62, 48, 52, 55, 57],
        [0, 1, 1.5, 2, 3, 0, 0, 1, 2],
        [1, 0.5, 0.5, 1, 1, 1, 1, 1, 1],
        part=[0, 0, 0, 0, 0, 1, 1, 1, 1],
    )
    assert melodic_incipit(split).tolist() == melodic_incipit(tune).tolist() == [2, 2, -2]
    assert melodic_incipit(split, keep_repeats=True).tolist() == [2, 0, 2, -2]
    assert tune_families([tune, split]).tolist() == [0, 0]


def test_short_and_empty_pieces_join_only_on_identical_melodies():
    short = make_notes([60, 62, 64], [0, 1, 2], [1, 1, 1])
    near = make_notes([60, 62, 65], [0, 1, 2], [1, 1, 1])  # one of two intervals differs
    empty = make_notes([], [], [])
    groups = tune_families([short, near, short.copy(), empty, empty.copy()])
    assert groups.tolist() == [0, 1, 0, 2, 3]


def test_bad_input_names_the_problem():
    notes = make_notes([60, 62], [0, 1], [1, 1])
    with pytest.raises(ValueError, match="single score"):
        tune_families(notes)
    with pytest.raises(ValueError, match=r"X\[1\] is not a note-event array"):
        tune_families([notes, np.zeros((2, 5))])
    with pytest.raises(ValueError, match="n_intervals must be an int >= 1"):
        tune_families([notes], n_intervals=0)
    with pytest.raises(ValueError, match="groups has 2 entries but y has 3"):
        song_folds(["a", "b", "a"], groups=[0, 1], cv=2)


def test_no_fold_splits_a_family():
    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b", "c"], 20)
    groups = rng.integers(0, 25, size=y.size)
    for fold_seed in range(3):
        folds = song_folds(y, groups=groups, cv=4, random_state=fold_seed)
        assert len(folds) == 4
        seen = np.concatenate([test for _, test in folds])
        assert sorted(seen.tolist()) == list(range(y.size))  # every song tested once
        for train, test in folds:
            assert not set(groups[train]) & set(groups[test])


def test_corpus_and_folder_bunches_carry_families(tmp_path):
    songs = load_corpus("composers", classes=["bach", "oneills"], max_per_class=5, verbose=False)
    assert songs.groups.shape == (10,) and songs.groups.dtype == np.int64
    np.testing.assert_array_equal(songs.groups, tune_families(songs.data))
    for i, name in enumerate(SAME_TUNE[:2] + OTHER_TUNES[:1]):
        os.makedirs(tmp_path / "chorale", exist_ok=True)
        os.makedirs(tmp_path / "tune", exist_ok=True)
        write_midi(_chorale(name), tmp_path / "chorale" / f"{i}.mid")
    write_midi(_scale(62, [2, 1, 2, 2, -4, 5, -1, 2, -3, 1, 2, -7, 3]), tmp_path / "tune" / "t.mid")
    folder = load_score_folder(tmp_path, verbose=False)
    assert folder.groups.tolist() == [0, 0, 1, 2]  # the two settings of one hymn tune merge


def test_compare_models_keeps_families_together(corpus_scores):
    X, y = corpus_scores.data, corpus_scores.target
    groups = np.arange(len(y)) // 2  # pairs of pieces as families
    result = compare_models(X, y, models=["knn"], cv=2, groups=groups, quick=True)
    for train, test in result.cv:
        assert not set(groups[train]) & set(groups[test])
    assert result.groups is groups


def test_compare_command_says_how_it_split(corpus_scores, tmp_path, capsys):
    root = tmp_path / "songs"
    for i, (notes, label) in enumerate(zip(corpus_scores.data, corpus_scores.target)):
        os.makedirs(root / label, exist_ok=True)
        write_midi(notes, root / label / f"{i}.mid")
    argv = ["compare", "--data", str(root), "--models", "knn", "--cv", "2", "--silent"]
    assert main([*argv, "--out", str(tmp_path / "a")]) == 0
    assert "Folds keep tune families together: 12 songs in" in capsys.readouterr().out
    assert main([*argv, "--split", "songs", "--out", str(tmp_path / "b")]) == 0
    assert "split songs freely (--split songs)" in capsys.readouterr().out


@pytest.mark.slow
def test_the_bach_chorales_merge_their_repeated_hymn_tunes():
    """All 408 chorales: the hymn tunes Bach set several times become families."""
    chorales = load_corpus("bach", verbose=False)
    sizes = np.bincount(chorales.groups)
    assert len(chorales.data) > 400
    assert 250 < sizes.size < 350  # 296 on music21 10.5's corpus
    assert (sizes > 1).sum() > 50 and sizes.max() < 15
    for train, test in song_folds(chorales.target, groups=chorales.groups, cv=5):
        assert not set(chorales.groups[train]) & set(chorales.groups[test])
