"""Tests of the symbolic feature transformers (skmusic.features.symbolic)."""

import joblib
import numpy as np
import pandas as pd
import pytest
from music21 import corpus
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skmusic.datasets import load_corpus
from skmusic.features import (
    MelodicViewpoints,
    NoteSequence,
    NoteTokenizer,
    PianoRoll,
    ScoreFeatures,
    grouped_permutation_importance,
    notes_to_tokens,
    score_feature_groups,
    score_feature_names,
    score_features,
    tokens_to_notes,
)
from skmusic.features.symbolic import CATEGORICAL_NOTE_FEATURES, SCORE_FEATURE_GROUPS
from skmusic.io import ScoreLoader
from skmusic.io.notes import NOTE_DTYPE, make_notes

ALL = [NoteSequence, PianoRoll, NoteTokenizer, ScoreFeatures]


def _saved_and_loaded(obj, tmp_path):
    joblib.dump(obj, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


# ---------------------------------------------------------------- data


@pytest.fixture(scope="module")
def two_styles():
    """Ten Bach chorales, then ten folk tunes of Ryan's Mammoth (cached by load_corpus)."""
    songs = load_corpus(
        "composers", classes=["bach", "ryans_mammoth"], max_per_class=10, verbose=False
    )
    order = np.argsort(songs.target, kind="stable")
    scores = [songs.data[i] for i in order]
    return scores, songs.target[order], [str(songs.filenames[i]) for i in order]


def _melody():
    """A monophonic line with a rest and triplets, in part 0."""
    pitch = [60, 62, 64, 65, 67, 69, 71, 72]
    dur = [1.0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3, 1.0, 2.0]
    onset = np.cumsum([0.0] + dur[:-1])
    onset[3:] += 1.0  # a quarter rest after the third note
    return make_notes(pitch, onset, dur)


def _chords():
    """A chord, a note, a two-part passage (part 1 below part 0)."""
    return make_notes(
        pitch=[60, 64, 67, 62, 72, 48, 50],
        onset=[0, 0, 0, 1, 2, 2, 3],
        duration=[1, 1, 1, 1, 2, 1, 1],
        velocity=[100, 90, 80, 70, 60, 50, 40],
        part=[0, 0, 0, 0, 0, 1, 1],
    )


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("Est", ALL)
@pytest.mark.parametrize(
    "X, match",
    [
        ([], "is empty"),
        (_chords(), "single score"),
        (["a.mid", "b.mid"], "is a path"),
        ("a.mid", "is a path"),
        (np.zeros((3, 10)), "numeric array"),
        ([np.zeros((2, 5))], "not note events"),
        ([np.zeros(0, dtype=NOTE_DTYPE)], "has 0 note"),
        ([make_notes([60, 62], [0.0, np.nan], [1, 1])], "NaN or infinite"),
        ([make_notes([60, 62], [0.0, 1.0], [1, -1])], "negative"),
    ],
)
def test_bad_input_is_a_clear_value_error(Est, X, match):
    with pytest.raises(ValueError, match=match):
        Est().fit_transform(X)


@pytest.mark.parametrize(
    "est, match",
    [
        (NoteSequence(features=("pitch", "loudness")), "features must be"),
        (NoteSequence(chords="middle"), "chords"),
        (PianoRoll(pitch_range=(60, 40)), "pitch_range"),
        (PianoRoll(fs=0), "fs"),
        (ScoreFeatures(groups=("harmony",)), "groups must be"),
        (ScoreFeatures(key_weights="Nonsense"), "key_weights"),
        (NoteTokenizer(rests=True), "rests=True needs durations=True"),
        (NoteTokenizer(max_tokens=1), "no room"),
        (NoteTokenizer(min_frequency=100), "min_frequency"),
        (NoteSequence(part=3), "no notes in part 3"),
        (NoteTokenizer(part=3), "no notes in part 3"),
    ],
)
def test_bad_parameters_are_clear_value_errors(est, match):
    with pytest.raises(ValueError, match=match):
        est.fit_transform([_chords()])


def test_tags_declare_note_event_input():
    for Est in ALL:
        assert not Est().__sklearn_tags__().input_tags.two_d_array
    assert not NoteSequence().__sklearn_tags__().requires_fit
    assert NoteTokenizer().__sklearn_tags__().requires_fit


# ---------------------------------------------------------------- NoteSequence


def test_note_sequence_features_and_chord_rules():
    score = _chords()
    top = NoteSequence(features=("pitch", "interval", "ioi", "duration", "velocity")).transform(
        [score]
    )[0]
    assert top.dtype == np.float32
    np.testing.assert_array_equal(top[0], [67, 62, 72, 50])  # skyline over both parts
    np.testing.assert_array_equal(top[1], [0, -5, 10, -22])
    np.testing.assert_array_equal(top[2], [0, 1, 1, 1])
    np.testing.assert_array_equal(top[4], [80, 70, 60, 40])
    bottom = NoteSequence(chords="bottom").transform([score])[0]
    np.testing.assert_array_equal(bottom[0], [60, 62, 48, 50])
    every = NoteSequence(features=("pitch", "ioi", "part"), chords="all").transform([score])[0]
    np.testing.assert_array_equal(every[0], [60, 64, 67, 62, 48, 72, 50])
    np.testing.assert_array_equal(every[1], [0, 0, 0, 1, 1, 0, 1])
    np.testing.assert_array_equal(every[2], [0, 0, 0, 0, 1, 0, 1])


def test_note_sequence_part_selection_and_rests():
    bass = NoteSequence(features=("pitch", "pitch_class", "octave"), part=1).transform([_chords()])[
        0
    ]
    np.testing.assert_array_equal(bass, [[48, 50], [0, 2], [3, 3]])
    rest = NoteSequence(features=("rest", "onset")).transform([_melody()])[0]
    np.testing.assert_allclose(rest[0], [0, 0, 0, 1, 0, 0, 0, 0], atol=1e-6)


def test_note_sequence_degree_is_key_invariant_and_beat_is_the_metric_position(two_styles):
    # a C major scale: the tonic is C, so degrees are the pitch classes
    c_major = make_notes([60, 62, 64, 65, 67, 69, 71, 72], np.arange(8) * 0.5, 0.5)
    deg, beat = NoteSequence(features=("degree", "beat")).transform([c_major])[0]
    np.testing.assert_array_equal(deg, [0, 2, 4, 5, 7, 9, 11, 0])
    np.testing.assert_array_equal(beat, [0, 0.5] * 4)
    # real chorales: transposing a whole score leaves its degree row unchanged
    scores, _, paths = two_styles
    features = NoteSequence(features=("pitch", "degree"))
    for notes in scores[:3]:
        up = notes.copy()
        up["pitch"] += 5
        (p0, d0), (p1, d1) = features.transform([notes, up])
        np.testing.assert_array_equal(p1, p0 + 5)
        np.testing.assert_array_equal(d1, d0)
    # the tonic is music21's Krumhansl-Schmuckler tonic
    for path, notes in zip(paths[:2], scores[:2]):
        tonic = corpus.parse(path).analyze("KrumhanslSchmuckler").tonic.pitchClass
        pitch, deg = features.transform([notes])[0]
        np.testing.assert_array_equal(deg, (pitch - tonic) % 12)


def test_note_sequence_categorical_rows_hold_their_codes():
    rows = ("interval_class", "duration_class", "duration_ratio", "beat_class")
    ic, dc, dr, bc = NoteSequence(features=rows).transform([_melody()])[0]
    # 60 62 64 | 65 67 69 (triplets) 71 72; a rest before 65 does not change the intervals
    np.testing.assert_array_equal(ic, [12, 14, 14, 13, 14, 14, 14, 13])
    # durations 1, .5, .5, 1/3 x3, 1, 2: 2*log2 -> 0, -2, -2, -3.17, ..., 0, 2; plus 8
    np.testing.assert_array_equal(dc, [8, 6, 6, 5, 5, 5, 8, 10])
    # ratios to the previous duration: 1 (first), 1/2, 1, 2/3, 1, 1, 3, 2; 2*log2, plus 6
    np.testing.assert_array_equal(dr, [6, 4, 6, 5, 6, 6, 9, 8])
    # onsets 0, 1, 1.5, 3, 3 1/3, 3 2/3, 4, 5 within their beat, in twelfths
    np.testing.assert_array_equal(bc, [0, 0, 6, 0, 4, 8, 0, 0])
    # a leap beyond an octave shares the octave's class; every code is in range
    leap = make_notes([40, 80, 79], [0, 1, 2], [8, 1 / 32, 1])
    ic, dc, dr = NoteSequence(features=rows[:3]).transform([leap])[0]
    np.testing.assert_array_equal(ic, [12, 24, 11])
    np.testing.assert_array_equal(dc, [14, 0, 8])
    np.testing.assert_array_equal(dr, [6, 0, 12])
    for name, row in zip(rows, NoteSequence(features=rows).transform([leap])[0]):
        assert row.min() >= 0 and row.max() < CATEGORICAL_NOTE_FEATURES[name]


def test_onset_recurrence_reads_the_period_whatever_the_phase_and_mode_reads_the_key():
    # onsets 0, 1, 1.5, 2, 3: at 1.5 an onset 1.5 back (bit 1: 2); at 2, 1 and 2 back
    # (1 + 4); at 3, 1, 1.5, 2 and 3 back, none 4 back (1 + 2 + 4 + 8)
    melody = make_notes([60, 62, 64, 65, 67], [0, 1, 1.5, 2, 3], 0.5)
    rec, pos = NoteSequence(features=("onset_recurrence", "metric_position")).transform([melody])[0]
    np.testing.assert_array_equal(rec, [0, 1, 2, 5, 15])
    # a pickup of an eighth shifts every onset: the slots move, the recurrence does not
    late = melody.copy()
    late["onset"] += 0.5
    rec_late, pos_late = NoteSequence(features=("onset_recurrence", "metric_position")).transform(
        [late]
    )[0]
    np.testing.assert_array_equal(rec_late, rec)
    assert not np.array_equal(pos_late, pos)
    # bars of a half and a quarter (3/4) against bars of a dotted quarter and an eighth
    # (2/4): an onset 3 quarters back (bit 3) in nearly every bar of the first, never in the
    # second; 2 back (bit 2) in every bar of the second, every other note of the first
    waltz = make_notes(np.full(24, 60), np.sort(np.r_[np.arange(12) * 3, np.arange(12) * 3 + 2]), 1)
    march = make_notes(
        np.full(24, 60), np.sort(np.r_[np.arange(12) * 2, np.arange(12) * 2 + 1.5]), 1
    )
    (w,), (m,) = NoteSequence(features=("onset_recurrence",)).transform([waltz, march])
    w, m = w.astype(int), m.astype(int)
    assert np.mean(w & 8 > 0) > 0.9 and np.mean(m & 8 > 0) == 0
    assert np.mean(m & 4 > 0) > 0.9 and np.mean(w & 4 > 0) < 0.6
    assert rec.max() < CATEGORICAL_NOTE_FEATURES["onset_recurrence"]
    # mode: 0 for a C major scale, 1 for A harmonic minor, on every note, and unchanged
    # by transposition
    c_major = make_notes([60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60], np.arange(11), 1)
    a_minor = make_notes([57, 59, 60, 62, 64, 65, 68, 69, 64, 60, 57], np.arange(11), 1)
    up = a_minor.copy()
    up["pitch"] += 3
    modes = NoteSequence(features=("mode",)).transform([c_major, a_minor, up])
    np.testing.assert_array_equal(modes[0][0], np.zeros(11))
    np.testing.assert_array_equal(modes[1][0], np.ones(11))
    np.testing.assert_array_equal(modes[2][0], modes[1][0])


def test_part_interval_class_follows_each_part_not_the_merged_line():
    score = _chords()
    rows = ("pitch", "interval_class", "part_interval_class")
    pitch, ic, pic = NoteSequence(features=rows).transform([score])[0]
    np.testing.assert_array_equal(pitch, [67, 62, 72, 50])
    # the merged line leaps 72 -> 50 (clipped to an octave down); part 1 steps 48 -> 50
    np.testing.assert_array_equal(ic, [12, 7, 22, 0])
    np.testing.assert_array_equal(pic, [12, 7, 22, 14])
    # every note: the step from the top note of its own part's previous chord
    pitch, _, pic = NoteSequence(features=rows, chords="all").transform([score])[0]
    np.testing.assert_array_equal(pitch, [60, 64, 67, 62, 48, 72, 50])
    np.testing.assert_array_equal(pic, [12, 12, 12, 7, 12, 22, 14])
    # a melody: the same row as interval_class
    ic, pic = NoteSequence(features=rows[1:]).transform([_melody()])[0]
    np.testing.assert_array_equal(ic, pic)
    assert NoteSequence(features=rows).categorical_rows() == [1, 2]


def test_note_sequence_names_its_categorical_rows():
    seq = NoteSequence(features=("pitch", "duration_class", "interval", "degree", "part"))
    assert seq.categorical_rows() == [1, 3, 4]
    assert seq.get_feature_names_out().tolist() == [
        "pitch",
        "duration_class",
        "interval",
        "degree",
        "part",
    ]
    assert NoteSequence(features=("pitch", "ioi")).categorical_rows() == []


def test_melodic_viewpoints_link_interval_and_duration_ratio(two_styles):
    tokens = MelodicViewpoints()
    assert tokens.n_tokens() == 25 * 13
    ids = tokens.fit_transform([_melody()])[0]
    rows = NoteSequence(features=("interval_class", "duration_ratio")).transform([_melody()])[0]
    np.testing.assert_array_equal(ids, [rows[0] * 13 + rows[1]])
    # real scores: ids in range, and transposition changes nothing
    scores, _, _ = two_styles
    up = scores[0].copy()
    up["pitch"] += 3
    a, b = tokens.transform([scores[0], up])
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() < tokens.n_tokens()
    with pytest.raises(ValueError, match="viewpoints must be"):
        MelodicViewpoints(viewpoints=("part",)).transform([_melody()])


def test_n_gram_event_classifier_on_real_scores(two_styles):
    from skmusic.generation import ClassConditionalGenerator, NGramTokenGenerator

    scores, y, _ = two_styles
    tokens = MelodicViewpoints()
    model = make_pipeline(
        tokens, ClassConditionalGenerator(NGramTokenGenerator(2, n_tokens=tokens.n_tokens()))
    )
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    pred = np.empty(len(y), dtype=object)
    for train, test in cv.split(np.zeros(len(y)), y):
        model.fit([scores[i] for i in train], y[train])
        pred[test] = model.predict([scores[i] for i in test])
    # chorales against fiddle tunes: the event model tells them apart
    assert np.mean(pred == y) >= 0.8


def test_note_sequence_in_pipeline_from_paths_to_slices(two_styles, tmp_path):
    from skmusic.features import slice_sequences

    scores, _, paths = two_styles
    pipe = make_pipeline(ScoreLoader(), NoteSequence(features=("pitch", "duration")))
    pipe = _saved_and_loaded(clone(pipe), tmp_path)
    series = pipe.fit_transform(paths[:2])
    assert len(series) == 2 and all(s.shape[0] == 2 for s in series)
    slices, index = slice_sequences(series, width=32, hop=16)
    assert slices[0].shape == (2, 32) and index.max() == 1
    # the same series with n_jobs (threads here: process start-up would dominate)
    with joblib.parallel_config(backend="threading"):
        parallel = NoteSequence(features=("pitch", "duration"), n_jobs=2).transform(scores[:2])
    for a, b in zip(series, parallel, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- PianoRoll


def test_piano_roll_frames_and_values():
    score = _chords()
    roll = PianoRoll(fs=2, pitch_range=(48, 73)).fit_transform([score])[0]
    assert roll.shape == (25, 8) and roll.dtype == np.float32
    np.testing.assert_array_equal(roll[60 - 48], [1, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(roll[72 - 48], [0, 0, 0, 0, 1, 1, 1, 1])
    vel = PianoRoll(fs=1, values="velocity", part=1).fit_transform([score])[0]
    assert vel.shape == (88, 4)
    np.testing.assert_allclose(vel[48 - 21], [0, 0, 50 / 127, 0])
    # notes outside the range are left out, short notes get a frame
    tiny = PianoRoll(fs=1, pitch_range=(60, 61)).fit_transform(
        [make_notes([60, 90], [0, 0], [0.1, 1])]
    )[0]
    np.testing.assert_array_equal(tiny, [[1]])


# ---------------------------------------------------------------- NoteTokenizer


def test_tokens_follow_the_paper_and_round_trip():
    melody = _melody()
    tokens = notes_to_tokens(melody, durations=True, rests=True)
    assert tokens[:4] == ["C4_1.0", "D4_0.5", "E4_0.5", "R_1.0"]
    assert tokens[4] == "F4_1/3"
    back = tokens_to_notes(tokens)
    for field in ("pitch", "onset", "duration"):
        np.testing.assert_allclose(back[field], melody[field], atol=1e-9)
    assert notes_to_tokens(_chords())[:2] == ["C4.E4.G4", "D4"]
    # tokens music21 writes elsewhere are read as well
    assert tokens_to_notes(["D#4.B-4_2.0"])["pitch"].tolist() == [63, 70]
    with pytest.raises(ValueError, match="Cannot decode token 'H9'"):
        tokens_to_notes(["H9"])


def test_tokenizer_vocabulary_transform_and_inverse():
    scores = [_melody(), _chords()]
    tok = NoteTokenizer(durations=True, rests=True).fit(scores)
    assert tok.tokens_[0] == "<unk>" and tok.unknown_id_ == 0
    assert tok.n_tokens_ == len(tok.vocabulary_) == len(tok.tokens_)
    assert all(tok.vocabulary_[t] == i for i, t in enumerate(tok.tokens_))
    ids = tok.transform(scores)
    assert ids[0].shape == (1, len(notes_to_tokens(_melody(), durations=True, rests=True)))
    assert ids[0].dtype == np.int64
    back = tok.inverse_transform(ids)[0]
    np.testing.assert_allclose(back["onset"], _melody()["onset"], atol=1e-9)
    # unknown tokens: <unk> by default, an error on request
    new = [make_notes([30], [0], [1])]
    assert tok.transform(new)[0].tolist() == [[0]]
    strict = NoteTokenizer(handle_unknown="error").fit(scores)
    assert "<unk>" not in strict.vocabulary_
    with pytest.raises(ValueError, match="outside the vocabulary"):
        strict.transform(new)
    with pytest.raises(ValueError, match=r"Token ids must be integers in \[0,"):
        tok.decode([0, tok.n_tokens_])


def test_tokenizer_frequency_limits():
    scores = [make_notes([60, 60, 60, 62, 62, 64], [0, 1, 2, 3, 4, 5], 1)]
    assert NoteTokenizer(min_frequency=2).fit(scores).tokens_.tolist() == ["<unk>", "C4", "D4"]
    small = NoteTokenizer(max_tokens=2).fit(scores)
    assert small.tokens_.tolist() == ["<unk>", "C4"]
    assert small.token_counts_.tolist() == [3, 3]
    assert small.transform(scores)[0].tolist() == [[1, 1, 1, 0, 0, 0]]
    # without durations every token decodes to default_duration
    decoded = NoteTokenizer(default_duration=0.25).fit(scores).inverse_transform([[1, 2, 3]])
    assert decoded[0]["onset"].tolist() == [0.0, 0.25, 0.5]


def test_tokenizer_on_a_chorale_soprano_round_trips(two_styles, tmp_path):
    scores, _, _ = two_styles
    tok = NoteTokenizer(durations=True, rests=True, part=0)
    ids = tok.fit_transform(scores[:4])
    tok = _saved_and_loaded(tok, tmp_path)
    soprano = scores[0][scores[0]["part"] == 0]
    back = tok.decode(ids[0])
    np.testing.assert_allclose(back["onset"], soprano["onset"], atol=1e-6)
    np.testing.assert_array_equal(back["pitch"], soprano["pitch"])
    # all parts merged: chords of the four voices become single tokens
    merged = NoteTokenizer().fit(scores[:4])
    assert any("." in t for t in merged.tokens_)


# ---------------------------------------------------------------- ScoreFeatures


def test_score_features_names_and_values():
    sf = ScoreFeatures()
    Xt = sf.fit_transform([_melody(), _chords()])
    names = sf.get_feature_names_out()
    assert Xt.shape == (2, len(names)) and len(set(names)) == len(names)
    row = dict(zip(names, Xt[0]))
    assert row["pitch_min"] == 60 and row["pitch_range"] == 12
    assert row["n_parts"] == 1 and row["polyphony_max"] == 1
    assert row["interval_2"] == pytest.approx(5 / 7) and row["interval_1"] == pytest.approx(2 / 7)
    np.testing.assert_allclose(Xt[:, [n.startswith("pitch_class_") for n in names]].sum(1), 1)
    assert dict(zip(names, Xt[1]))["polyphony_max"] == 3
    only = ScoreFeatures(groups=("velocity",)).fit_transform([_chords()])
    np.testing.assert_allclose(only, [[70, 20]])


def test_key_estimate_agrees_with_music21(two_styles):
    """Our numpy Krumhansl-Schmuckler key equals music21's own on real chorales."""
    names = ScoreFeatures(groups=("key",)).get_feature_names_out().tolist()
    scores, _, paths = two_styles
    for path, notes in zip(paths[:4], scores[:4]):  # four Bach chorales
        tonic, major = score_features(notes, groups=("key",))[:2]
        key = corpus.parse(path).analyze("KrumhanslSchmuckler")
        assert (int(tonic), bool(major)) == (key.tonic.pitchClass, key.mode == "major"), path
    assert names[:2] == ["key_tonic", "key_major"]
    c_major = make_notes([60, 62, 64, 65, 67, 69, 71, 72], np.arange(8), 1)
    assert score_features(c_major, groups=("key",))[:2].tolist() == [0.0, 1.0]


def test_score_features_separate_styles_and_explain_why(two_styles):
    scores, y, _ = two_styles
    model = make_pipeline(
        ScoreFeatures().set_output(transform="pandas"),
        RandomForestClassifier(n_estimators=30, random_state=0),
    )
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    assert cross_val_score(model, scores, y, cv=cv).mean() >= 0.9
    model.fit(scores, y)
    frame = model[0].transform(scores)
    assert list(frame.columns) == model[0].get_feature_names_out().tolist()
    result = permutation_importance(model[-1], frame, y, n_repeats=3, random_state=0)
    assert result.importances.shape == (frame.shape[1], 3)
    ranking = pd.Series(result.importances_mean, index=frame.columns).sort_values()
    assert ranking.index[-1] in set(model[0].get_feature_names_out())


def test_score_feature_registry_names_match_values(two_styles):
    scores = two_styles[0][:3]
    for name, group in SCORE_FEATURE_GROUPS.items():
        assert group.name == name and group.description
        assert score_feature_names((name,)) == list(group.columns)
        for notes in scores:
            assert score_features(notes, groups=(name,)).shape == (len(group.columns),)
    columns = score_feature_groups()
    names = score_feature_names()
    assert list(columns) == list(SCORE_FEATURE_GROUPS)
    assert [names[i] for cols in columns.values() for i in cols] == names
    assert score_feature_groups(("key",)) == {"key": [0, 1, 2, 3]}
    with pytest.raises(ValueError, match="groups must be None or a non-empty tuple"):
        score_feature_groups(("tempo",))


def test_grouped_importance_finds_what_single_columns_miss(two_styles):
    scores, y, _ = two_styles
    features = ScoreFeatures().fit(scores)
    frame = features.set_output(transform="pandas").transform(scores)
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(frame, y)
    by_name = grouped_permutation_importance(
        model,
        frame,
        y,
        n_repeats=3,
        random_state=0,
        n_jobs=2,
        groups={g: list(group.columns) for g, group in SCORE_FEATURE_GROUPS.items()},
    )
    assert by_name.groups == list(SCORE_FEATURE_GROUPS)
    assert by_name.importances.shape == (len(SCORE_FEATURE_GROUPS), 3)
    # the styles differ in many ways at once: no single group is needed, all are
    everything = grouped_permutation_importance(
        model, frame, y, groups={"all": list(range(frame.shape[1]))}, random_state=0
    )
    assert everything.importances_mean[0] > 0.2
    on_arrays = RandomForestClassifier(n_estimators=30, random_state=0).fit(frame.to_numpy(), y)
    by_position = grouped_permutation_importance(
        on_arrays,
        frame.to_numpy(),
        y,
        groups=score_feature_groups(),
        n_repeats=3,
        random_state=0,
    )
    np.testing.assert_allclose(by_name.importances, by_position.importances)
    with pytest.raises(ValueError, match="does not have"):
        grouped_permutation_importance(model, frame, y, groups={"x": ["tempo"]})
    with pytest.raises(ValueError, match="non-empty dict"):
        grouped_permutation_importance(model, frame, y, groups={})


def test_score_features_grid_search_and_parallel(two_styles):
    scores, y, _ = two_styles
    grid = GridSearchCV(
        make_pipeline(ScoreFeatures(), RandomForestClassifier(n_estimators=20, random_state=0)),
        {"scorefeatures__groups": [("pitch_class",), ("rhythm", "polyphony")]},
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    )
    grid.fit(scores, y)
    assert grid.best_score_ > 0.6
    with joblib.parallel_config(backend="threading"):
        parallel = ScoreFeatures(n_jobs=2).transform(scores[:4])
        rolls = PianoRoll(n_jobs=2).transform(scores[:2])
    np.testing.assert_allclose(parallel, ScoreFeatures().transform(scores[:4]))
    np.testing.assert_array_equal(rolls[1], PianoRoll().transform(scores[:2])[1])


def test_full_pipeline_from_paths(two_styles, tmp_path):
    _, y, paths = two_styles
    model = make_pipeline(
        ScoreLoader(), ScoreFeatures(), RandomForestClassifier(n_estimators=20, random_state=0)
    )
    train, test = [0, 1, 2, 10, 11, 12], [3, 4, 13, 14]
    model.fit([paths[i] for i in train], y[train])
    model = _saved_and_loaded(model, tmp_path)
    assert (model.predict([paths[i] for i in test]) == y[test]).mean() >= 0.75


def test_all_transformers_on_the_shared_corpus(corpus_scores):
    """The session's real pieces (three styles) through every transformer."""
    scores, y = corpus_scores.data, corpus_scores.target
    series = NoteSequence(features=("pitch", "ioi"), chords="all").fit_transform(scores)
    assert [s.shape[1] for s in series] == [len(s) for s in scores]
    rolls = PianoRoll().fit_transform(scores)
    assert all(r.shape[0] == 88 and r.any() for r in rolls)
    tok = NoteTokenizer(durations=True, max_tokens=200).fit(scores)
    assert tok.n_tokens_ == 200
    assert all(ids.max() < 200 for ids in tok.transform(scores))
    model = make_pipeline(ScoreFeatures(), RandomForestClassifier(n_estimators=50, random_state=0))
    cv = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)
    assert cross_val_score(model, scores, y, cv=cv).mean() >= 0.75  # chance is 1/3
