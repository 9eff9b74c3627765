"""ChoraleGenerator (four voices, harmonize) and the voice-leading metrics, on real chorales."""

import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold

from skmusic.datasets import load_corpus
from skmusic.generation import ChoraleGenerator, estimate_meter, quarter_frames
from skmusic.io.notes import make_notes
from skmusic.metrics import BACH_VOICE_RANGES, voice_leading_counts, voice_leading_statistics

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = {
    "embedding_dim": 8,
    "hidden_size": 32,
    "dropout": 0.0,
    "max_epochs": 3,
    "lr": 0.01,
    "random_state": 0,
}


@pytest.fixture(scope="module")
def chorales():
    """24 real four-part Bach chorales of the music21 corpus."""
    bunch = load_corpus("bach", max_per_class=30, verbose=False)
    four = [c for c in bunch.data if len(set(c["part"].tolist())) == 4]
    assert len(four) >= 24
    return four[:24]


@pytest.fixture(scope="module")
def fitted(chorales):
    return ChoraleGenerator(**TINY).fit(chorales[:20])


def _soprano(chorale):
    return chorale[chorale["part"] == 0]


# ----------------------------------------------------------------- harmonize
def test_harmonize_keeps_the_melody_note_for_note(fitted, chorales):
    for chorale in chorales[20:23]:
        melody = _soprano(chorale)
        out = fitted.harmonize(melody, n_candidates=2, random_state=0)
        assert sorted(set(out["part"].tolist())) == [0, 1, 2, 3]
        top = out[out["part"] == 0]
        np.testing.assert_array_equal(top, melody)  # every field, every note
        end = (melody["onset"] + melody["duration"]).max()
        for v in (1, 2, 3):
            line = out[out["part"] == v]
            assert len(line) > 0 and (line["onset"] + line["duration"]).max() <= end + 1
            # one line: no two notes of a lower voice sound together
            assert (line["onset"][1:] >= line["onset"][:-1] + line["duration"][:-1] - 1e-9).all()


def test_harmonize_a_melody_off_the_grid_keeps_it_exactly(fitted):
    # a triplet and a part number other than 0: the output's part 0 is the melody as given
    melody = make_notes([67, 69, 71, 72, 72], [0, 1, 4 / 3, 5 / 3, 2], [1, 1 / 3, 1 / 3, 1 / 3, 2])
    melody["part"] = 5
    out = fitted.harmonize(melody, random_state=1)
    top = out[out["part"] == 0]
    np.testing.assert_array_equal(
        top[["pitch", "onset", "duration"]], melody[["pitch", "onset", "duration"]]
    )


def test_voices_stay_in_range(fitted, chorales):
    low_high = fitted.voice_ranges_
    # the training chorales lie inside Bach's ranges, so the learned ranges do too
    assert all(
        bach[0] <= lo and hi <= bach[1]
        for (lo, hi), bach in zip(low_high, BACH_VOICE_RANGES, strict=True)
    )
    pieces = [(p, range(4)) for p in fitted.sample(3, max_beats=40, random_state=0)]
    # a harmonization: its soprano is the melody given, the other voices are drawn
    pieces.append((fitted.harmonize(_soprano(chorales[21]), random_state=0), range(1, 4)))
    for piece, voices in pieces:
        for v in voices:
            pitch = piece["pitch"][piece["part"] == v]
            assert len(pitch) and pitch.min() >= low_high[v, 0] and pitch.max() <= low_high[v, 1]
    assert voice_leading_counts(pieces[0][0])["n_out_of_range"] == 0


def test_parallels_are_avoided_while_sampling(fitted):
    free = fitted.sample(4, max_beats=48, avoid_parallels=False, temperature=1.5, random_state=0)
    strict = fitted.sample(4, max_beats=48, temperature=1.5, random_state=0)

    def parallels(pieces):
        stats = voice_leading_statistics(pieces, pooled=True)
        return stats["n_parallel_fifths"] + stats["n_parallel_octaves"]

    assert parallels(free) > 0  # an undertrained model at T=1.5 writes them
    assert parallels(strict) == 0


def test_sample_repeats_with_a_seed(fitted):
    a = fitted.sample(2, max_beats=24, random_state=3)
    b = fitted.sample(2, max_beats=24, random_state=3)
    c = fitted.sample(2, max_beats=24, random_state=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(len(x) == len(y) and np.array_equal(x, y) for x, y in zip(a, c, strict=True))
    fixed = fitted.sample(n_beats=12, random_state=0)[0]
    assert (fixed["onset"] + fixed["duration"]).max() <= 12


def test_sample_lengths_lie_between_the_training_chorales(fitted):
    shortest, longest = fitted.length_range_
    for piece in fitted.sample(4, random_state=0):
        end = (piece["onset"] + piece["duration"]).max()
        assert shortest - 4 <= end <= longest  # (a trailing rest may end it early)
    short = fitted.sample(3, min_beats=8, max_beats=10, random_state=0)
    assert all((p["onset"] + p["duration"]).max() <= 10 for p in short)
    with pytest.raises(ValueError, match="exceeds max_beats"):
        fitted.sample(min_beats=20, max_beats=10)


def test_fit_repeats_with_random_state(fitted, chorales):
    again = ChoraleGenerator(**TINY).fit(chorales[:20])
    assert again.score(chorales[20:]) == fitted.score(chorales[20:])


def test_sample_tonic_transposes_the_same_draws(fitted):
    kw = {"n_beats": 16, "mode": "major", "within_ranges": False, "random_state": 0}
    in_c = fitted.sample(tonic=0, **kw)[0]
    in_g = fitted.sample(tonic=7, **kw)[0]  # G, the nearer way: a fourth down
    assert sorted(set(in_c["part"].tolist())) == [0, 1, 2, 3]
    np.testing.assert_array_equal(in_g["pitch"], in_c["pitch"] - 5)
    np.testing.assert_array_equal(in_g["onset"], in_c["onset"])


# ------------------------------------------------------------------- scoring
def test_scores(fitted, chorales):
    held_out = chorales[20:]
    per_piece = fitted.score_samples(held_out)
    assert per_piece.shape == (4,) and np.isfinite(per_piece).all()
    score, frames, lower = (
        fitted.score(held_out),
        fitted.score_frames(held_out),
        fitted.score_lower_voices(held_out),
    )
    # the details only add (negative) log-probabilities: the frames' bound is higher
    assert score < frames < 0 and lower < 0
    # a trained model beats a uniform guess over 90 pitch classes for each of 4 voices
    assert frames > 4 * np.log(1 / 90)


def test_quarter_frames_match_the_models_beats(chorales):
    from skmusic.generation._voices import _encode

    for chorale in chorales[:5]:
        frames = quarter_frames(chorale)
        beats = _encode(chorale, 0)["beats"]
        union = np.zeros_like(frames)
        for v in range(4):
            t = np.flatnonzero(beats[v] > 0)
            union[beats[v, t] - 1, t] = True
        assert frames.shape[0] == 88 and (frames.sum(0) <= 4).all()
        np.testing.assert_array_equal(frames, union)


def test_estimate_meter():
    # a waltz: long notes on beat 1 of 3/4
    waltz = make_notes([60, 64, 67] * 4, np.arange(12.0), [2, 1, 1] * 4)
    waltz["duration"][0::3] = 2
    waltz["onset"] = np.repeat(np.arange(4) * 3.0, 3) + np.tile([0, 2, 2.5], 4)
    assert estimate_meter(waltz)[0] == 3
    # half notes from a one-quarter pickup: units of two quarters starting at 1
    march = make_notes([60] + [62] * 6, [0, 1, 3, 5, 7, 9, 11], [1] + [2] * 6)
    assert estimate_meter(march) == (2, 1)


# -------------------------------------------------------------------- errors
def test_bad_input_is_a_value_error(fitted, chorales):
    melody = _soprano(chorales[21])
    with pytest.raises(ValueError, match="No four-part chorale"):
        ChoraleGenerator(**TINY).fit([melody, melody])
    with pytest.warns(UserWarning, match="1 of 3 pieces skipped"):
        ChoraleGenerator(**{**TINY, "max_epochs": 1}).fit([*chorales[:2], melody])
    with pytest.raises(ValueError, match="not the four voices"):
        fitted.score([melody])
    with pytest.raises(ValueError, match="2 parts"):
        fitted.harmonize(chorales[21][chorales[21]["part"] < 2])
    chord = make_notes([67, 71, 72], [0, 0, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="overlap"):
        fitted.harmonize(chord)
    # three octaves and more: no transposition puts it where the sopranos sang
    wide = make_notes([45, 60, 84], [0, 1, 2], [1, 1, 1])
    with pytest.raises(ValueError, match="does not fit the range"):
        fitted.harmonize(wide)
    with pytest.raises(ValueError, match="does not fit the range"):
        fitted.check_melody(wide)
    assert fitted.check_melody(melody) is melody
    with pytest.raises(ValueError, match="hidden_size"):
        ChoraleGenerator(hidden_size=0).fit(chorales[:2])
    with pytest.raises(ValueError, match="temperature"):
        fitted.sample(temperature=0)
    with pytest.raises(ValueError, match="mode"):
        fitted.sample(mode="dorian")


# ------------------------------------------------------------ sklearn face
def test_grid_search_by_held_out_likelihood(chorales):
    families = np.arange(12) % 3
    search = GridSearchCV(
        ChoraleGenerator(**{**TINY, "max_epochs": 1}),
        {"dropout": [0.0, 0.2]},
        cv=GroupKFold(n_splits=2),
    )
    search.fit(chorales[:12], groups=families)
    assert search.best_params_["dropout"] in (0.0, 0.2)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert clone(search.best_estimator_).get_params()["dropout"] == search.best_params_["dropout"]


def test_joblib_reload_in_a_fresh_process(fitted, tmp_path):
    path = tmp_path / "chorale.joblib"
    joblib.dump(fitted, path)
    expected = fitted.sample(max_beats=20, random_state=5)[0]
    code = (
        "import joblib, numpy as np, sys\n"
        f"gen = joblib.load({str(path)!r})\n"
        "piece = gen.sample(max_beats=20, random_state=5)[0]\n"
        "np.save(sys.argv[1], piece)\n"
    )
    out = tmp_path / "piece.npy"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, timeout=120)
    np.testing.assert_array_equal(np.load(out), expected)


# ------------------------------------------------------------------ metrics
def test_voice_leading_counts_on_small_cases():
    # soprano and alto: C5-F4 to D5-G4 (parallel fifths); tenor and bass: contrary octaves
    piece = make_notes(
        [72, 74, 65, 67, 60, 48, 48, 60],
        [0, 1, 0, 1, 0, 1, 0, 1],
        [1] * 8,
        part=[0, 0, 1, 1, 2, 2, 3, 3],
    )
    c = voice_leading_counts(piece)
    assert c["n_parallel_fifths"] == 1 and c["n_parallel_octaves"] == 0
    assert c["n_pair_transitions"] == 6
    # the bass (part 3) is above the tenor at beat 1: one crossing of 6 adjacent pairs
    assert c["n_crossings"] == 1 and c["n_adjacent_slices"] == 6
    assert c["n_out_of_range"] == 0
    # spread soprano and alto over an octave apart, out of the alto's range
    wide = piece.copy()
    wide["pitch"][wide["part"] == 1] -= 12
    c = voice_leading_counts(wide)
    assert c["n_wide_spacing"] == 2 and c["n_out_of_range"] == 0
    wide["pitch"][wide["part"] == 1] -= 12
    assert voice_leading_counts(wide)["n_out_of_range"] == 2
    with pytest.raises(ValueError, match="ranges gives 4 voices"):
        voice_leading_counts(piece[piece["part"] < 2])


def test_voice_leading_statistics_of_real_chorales(chorales):
    per_piece = voice_leading_statistics(chorales)
    pooled = voice_leading_statistics(chorales, pooled=True)
    assert per_piece["crossings"].shape == (len(chorales),)
    assert pooled["out_of_range"] == 0.0  # Bach's ranges are these chorales' own
    assert 0 <= pooled["parallel_fifths"] < 0.005 and pooled["n_pair_transitions"] > 5000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        voice_leading_statistics(chorales[0])
