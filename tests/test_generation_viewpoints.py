"""ViewpointGenerator (IDyOM's multiple-viewpoint model) and the viewpoints of a melody."""

import subprocess
import sys

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from skmusic.features import viewpoint_sequence
from skmusic.features.symbolic import VIEWPOINTS
from skmusic.generation import ClassConditionalGenerator, ViewpointGenerator
from skmusic.io import write_midi
from skmusic.io.notes import NOTE_DTYPE, make_notes

TUNE = [60, 62, 64, 65, 67, 65, 64, 62]


def _tune(pitches=TUNE, repeats=3, durations=None, shift=0):
    n = len(pitches) * repeats
    durations = [1.0] * n if durations is None else list(durations) * repeats
    onsets = np.r_[0, np.cumsum(durations)[:-1]]
    return make_notes(np.array(pitches * repeats) + shift, onsets, durations)


@pytest.fixture(scope="module")
def chorales():
    """Soprano lines of 60 real Bach chorales (music21's corpus, part 0)."""
    from skmusic.datasets import load_corpus

    bach = load_corpus("bach", verbose=False)
    return [notes[notes["part"] == 0] for notes in bach.data[:60]]


# --------------------------------------------------------------------------
# viewpoints
# --------------------------------------------------------------------------


def test_viewpoint_sequences():
    score = make_notes([60, 67, 64, 64, 72], [0, 1, 1.5, 2, 3.25], [1, 0.5, 0.5, 1.25, 0.75])
    assert (viewpoint_sequence(score, "pitch") == [60, 67, 64, 64, 72]).all()
    assert (viewpoint_sequence(score, "interval") - 127).tolist()[1:] == [7, -3, 0, 8]
    assert viewpoint_sequence(score, "interval")[0] == -1  # undefined at the first note
    assert viewpoint_sequence(score, "contour").tolist() == [-1, 2, 0, 1, 2]
    assert viewpoint_sequence(score, "degree", tonic=7).tolist() == [5, 0, 9, 9, 5]
    # durations: 12 steps per doubling, 72 = a quarter
    dur = viewpoint_sequence(score, "duration")
    assert dur.tolist() == [72, 60, 60, 76, 67]
    ratio = viewpoint_sequence(score, "duration_ratio")
    assert (ratio[1:] - 120).tolist() == [-12, 0, 16, -9]
    assert viewpoint_sequence(score, "ioi_ratio").tolist()[:2] == [-1, -1]
    assert viewpoint_sequence(score, "beat").tolist() == [0, 0, 6, 0, 3]
    # a linked viewpoint is the mixed-radix number of its parts
    both = viewpoint_sequence(score, ("contour", "duration"))
    assert both.tolist() == [-1, 2 * 121 + 60, 0 * 121 + 60, 1 * 121 + 76, 2 * 121 + 67]
    # transposition leaves the relative viewpoints alone
    up = score.copy()
    up["pitch"] += 5
    for name in ("interval", "degree", "contour", "interval_from_first"):
        assert (viewpoint_sequence(up, name) == viewpoint_sequence(score, name)).all(), name
    assert set(VIEWPOINTS) >= {"pitch", "interval", "degree", "contour", "duration", "ioi_ratio"}
    with pytest.raises(ValueError, match="Unknown viewpoint"):
        viewpoint_sequence(score, "loudness")


def test_melody_line_is_the_top_note_of_each_onset():
    chords = make_notes([60, 64, 67, 62, 65], [0, 0, 0, 1, 1], [1] * 5)
    assert viewpoint_sequence(chords, "pitch").tolist() == [67, 65]
    assert viewpoint_sequence(chords, "pitch", chords="bottom").tolist() == [60, 62]


# --------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------


def test_fit_score_and_distributions(chorales):
    train, test = chorales[:45], chorales[45:]
    model = ViewpointGenerator().fit(train)
    scores = model.score_samples(test)
    assert scores.shape == (15,) and np.isfinite(scores).all()
    for target, width in (("pitch", 128), ("duration", 121)):
        dists = model.predict_proba_notes(test[:3], target=target)
        assert [d.shape for d in dists] == [(len(n), width) for n in test[:3]]
        for d in dists:
            np.testing.assert_allclose(d.sum(axis=1), 1.0)
            assert (d > 0).all()
    # score = mean log-likelihood per note over all pieces; pitch + duration
    lengths = np.array([len(n) for n in test])
    assert model.score(test) == pytest.approx(np.average(scores, weights=lengths))
    pitch = ViewpointGenerator(targets=("pitch",)).fit(train)
    bits = -pitch.score(test) / np.log(2)
    assert 1.5 < bits < 3.0  # IDyOM reports ~2 bits per chorale pitch
    assert model.score(test) < pitch.score(test)  # durations add their own surprise


def test_viewpoints_and_short_term_model_help(chorales):
    train, test = chorales[:45], chorales[45:]

    def score(**params):
        return ViewpointGenerator(targets=("pitch",), **params).fit(train).score(test)

    pitch_only = score(viewpoints=("pitch",), short_term=False)
    assert score(short_term=False) > pitch_only + 0.1  # several viewpoints beat pitch alone
    # an odd phrase repeated within its piece is learnt on the fly by the short-term model
    phrase = [55, 71, 62, 79, 58, 66, 74, 57]
    tune = _tune(phrase, repeats=4)
    ltm = ViewpointGenerator(targets=("pitch",), short_term=False).fit(train)
    both = ViewpointGenerator(targets=("pitch",)).fit(train)
    assert both.score([tune]) > ltm.score([tune]) + 1.0
    last = both._note_log_likelihoods(both._melodies([tune]))[0][-8:]
    assert last.mean() > ltm._note_log_likelihoods(ltm._melodies([tune]))[0][-8:].mean() + 2.0


def test_arithmetic_combination_and_options(chorales):
    train, test = chorales[:30], chorales[30:40]
    for params in (
        dict(combination="arithmetic", bias=0.0),
        dict(order=3, escape="X", update_exclusion=True),
        dict(spread="uniform", tonic="final", short_term_escape="C"),
        dict(viewpoints=(("interval", "ioi"), ("degree", "interval"), "pitch"), targets="pitch"),
    ):
        model = ViewpointGenerator(**params).fit(train)
        assert np.isfinite(model.score(test)), params


def test_sklearn_tools(chorales, tmp_path):
    X = chorales[:24]
    pipe = Pipeline([("vp", ViewpointGenerator(targets=("pitch",)))])
    grid = GridSearchCV(pipe, {"vp__bias": [0.0, 2.0]}, cv=KFold(3)).fit(X)
    assert grid.best_params_["vp__bias"] in (0.0, 2.0)
    assert np.isfinite(grid.score(X[:3]))
    model = clone(ViewpointGenerator(bias=1.0)).fit(X)
    assert model.get_params()["bias"] == 1.0
    path = tmp_path / "vp.joblib"
    joblib.dump(model, path)
    np.save(tmp_path / "x.npy", np.concatenate(X[:3]))
    lengths = [len(x) for x in X[:3]]
    code = (
        "import joblib, numpy as np; "
        f"m = joblib.load({str(path)!r}); "
        f"a = np.load({str(tmp_path / 'x.npy')!r}); "
        f"parts = np.split(a, np.cumsum({lengths})[:-1]); "
        "print(repr(m.score(parts)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) == pytest.approx(model.score(X[:3]), rel=1e-12)


def test_classifier_through_class_conditional_generator(chorales):
    folk = [_tune(shift=s) for s in range(0, 6)]
    fast = [
        _tune([60, 67, 64, 72, 60], durations=[0.5, 0.25, 0.25, 1, 1], shift=s) for s in range(6)
    ]
    X = folk + fast
    y = ["slow"] * 6 + ["fast"] * 6
    model = ClassConditionalGenerator(ViewpointGenerator()).fit(X, y)
    assert model.predict([_tune(shift=9), fast[0]]).tolist() == ["slow", "fast"]
    assert model.score_samples(X).shape == (12, 2)
    # real chorales against the tunes: every class model scores every piece
    X2 = chorales[:8] + folk
    y2 = ["bach"] * 8 + ["tune"] * 6
    model = ClassConditionalGenerator(ViewpointGenerator(short_term=False)).fit(X2, y2)
    assert (model.predict(chorales[8:12]) == "bach").all()


def test_sample_writes_midi_and_is_repeatable(chorales, tmp_path):
    model = ViewpointGenerator(random_state=0).fit(chorales[:30])
    melodies = model.sample(12, n_samples=2)
    assert len(melodies) == 2
    for m in melodies:
        assert m.dtype == NOTE_DTYPE and len(m) == 12
        assert (m["duration"] > 0).all()
        np.testing.assert_allclose(m["onset"][1:], (m["onset"] + m["duration"])[:-1])
        assert 50 <= m["pitch"].min() and m["pitch"].max() <= 90  # soprano range
    again = ViewpointGenerator(random_state=0).fit(chorales[:30]).sample(12, n_samples=2)
    assert all(np.array_equal(a, b) for a, b in zip(melodies, again, strict=True))
    assert write_midi(melodies[0], tmp_path / "tune.mid")
    prompt = chorales[31][:10]
    cont = model.sample(5, prompt=prompt, temperature=0.5, random_state=1)[0]
    assert cont["onset"][0] == pytest.approx(prompt["onset"][-1] + prompt["duration"][-1])
    pitch_only = ViewpointGenerator(targets=("pitch",)).fit(chorales[:30])
    m = pitch_only.sample(6, prompt=prompt, tonic=7, random_state=0)[0]
    assert (m["duration"] == prompt["duration"][-1]).all()  # durations are not modelled
    with pytest.raises(ValueError, match="tonic"):
        model.sample(3, tonic=12)
    with pytest.raises(ValueError, match="prompt is one score"):
        model.sample(3, prompt=[prompt])


def test_bad_input_is_clear():
    tune = _tune()
    one = make_notes([60], [0], [1])
    empty = np.zeros(0, dtype=NOTE_DTYPE)
    with pytest.raises(ValueError, match=r"X\[1\] has a melody line of 1 note"):
        ViewpointGenerator().fit([tune, one])
    chord = make_notes([60, 64, 67], [0, 0, 0], [1, 1, 1])  # one onset: a one-note line
    with pytest.raises(ValueError, match="melody line of 1 note"):
        ViewpointGenerator().fit([chord])
    with pytest.raises(ValueError, match=r"X\[0\] has 0 note"):
        ViewpointGenerator().fit([empty, tune])
    model = ViewpointGenerator().fit([tune])
    with pytest.raises(ValueError, match="melody line of 1 note"):
        model.score([one])
    with pytest.raises(ValueError, match="not scores|numeric array"):
        ViewpointGenerator().fit(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="path"):
        ViewpointGenerator().fit(["song.mid"])
    with pytest.raises(ValueError, match="Unknown viewpoint"):
        ViewpointGenerator(viewpoints=("pitch", "timbre")).fit([tune])
    with pytest.raises(ValueError, match="onsets only"):
        ViewpointGenerator(viewpoints=("pitch", "ioi")).fit([tune])
    with pytest.raises(ValueError, match="no viewpoint predicts it"):
        ViewpointGenerator(viewpoints=("pitch",)).fit([tune])
    with pytest.raises(ValueError, match="targets"):
        ViewpointGenerator(targets=("pitch", "velocity")).fit([tune])
    with pytest.raises(ValueError, match="order"):
        ViewpointGenerator(order=0).fit([tune])


def test_event_candidate_of_compare():
    from skmusic.model_selection import make_candidates

    (cand,) = make_candidates(models=["ngram_events"])
    clf = cand.estimator[-1]
    assert isinstance(clf, ClassConditionalGenerator)
    assert isinstance(clf.generator, ViewpointGenerator)
    assert clf.generator.get_params()["short_term"] is False
    X = [_tune(shift=s) for s in range(4)] + [_tune(TUNE[::-1], shift=s) for s in range(4)]
    y = ["up"] * 4 + ["down"] * 4
    assert (cand.estimator.fit(X, y).predict(X) == np.array(y)).all()
