"""Symbolic features: transformers over note-event scores.

Every transformer here takes a list of scores, each a note-event array of
:data:`skmusic.io.notes.NOTE_DTYPE` (what :class:`skmusic.io.ScoreLoader`
returns), and gives back skmusic's usual batch or ordinary 2D features:

========================  ===================================================
:class:`NoteSequence`     one column per note: ``(n_features, n_notes)``
:class:`PianoRoll`        one column per frame: ``(n_pitches, n_frames)``
:class:`NoteTokenizer`    music21-style note/chord tokens -> ids ``(1, n_tokens)``
:class:`ScoreFeatures`    one row of global features per piece (2D, named)
========================  ===================================================

The functional core (:func:`notes_to_tokens`, :func:`tokens_to_notes`,
:func:`score_features`) works on one score and is what the transformers map
over the batch, on ``n_jobs`` cores through joblib where asked.

Their input is a list of structured arrays, not a numeric 2D array, so they
declare ``input_tags.two_d_array = False``.
"""

import os
from collections import Counter
from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..io.notes import NOTE_DTYPE, check_notes

__all__ = [
    "NoteSequence",
    "PianoRoll",
    "NoteTokenizer",
    "ScoreFeatures",
    "check_scores",
    "notes_to_tokens",
    "tokens_to_notes",
    "score_features",
    "score_feature_names",
]

# Decimal places at which two onsets count as the same time (a chord).
_ONSET_DECIMALS = 6


# --------------------------------------------------------------------------
# validation and shared helpers
# --------------------------------------------------------------------------


def check_scores(X, *, name="X", min_notes=1):
    """Validate a batch of scores (note-event arrays); return it as a list.

    Parameters
    ----------
    X : list of ndarray of dtype :data:`~skmusic.io.notes.NOTE_DTYPE`
        The scores, e.g. from :class:`skmusic.io.ScoreLoader`.
    name : str, default="X"
        Name used in error messages.
    min_notes : int, default=1
        Fewest notes a score may have.

    Returns
    -------
    scores : list of ndarray of dtype NOTE_DTYPE

    Raises
    ------
    ValueError
        If ``X`` is empty, a single score, file paths, numeric arrays, or holds
        a score with too few notes or non-finite / negative times.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features.symbolic import check_scores
    >>> len(check_scores([make_notes([60, 64], [0, 1], [1, 1])]))
    1
    """
    if isinstance(X, (str, bytes, os.PathLike)):
        raise ValueError(
            f"{name} is a path ({X!r}), not scores. Read scores first, e.g. "
            "Pipeline([('load', ScoreLoader()), ...]) on a list of paths."
        )
    if isinstance(X, np.ndarray) and X.dtype.names is not None:
        raise ValueError(
            f"{name} is a single score (one note-event array); pass a list of "
            "scores, e.g. [notes]."
        )
    if isinstance(X, np.ndarray) and X.dtype.kind != "O":
        raise ValueError(
            f"{name} is a numeric array of shape {X.shape}, not a list of scores "
            "(note-event arrays). Read scores with skmusic.io.ScoreLoader or build "
            "them with skmusic.io.notes.make_notes."
        )
    if hasattr(X, "to_numpy") and not hasattr(X, "columns"):  # pandas Series
        X = X.to_numpy()
    try:
        scores = list(X)
    except TypeError:
        raise ValueError(
            f"{name} is a {type(X).__name__}, not a list of scores (note-event "
            "arrays). Read scores with skmusic.io.ScoreLoader."
        ) from None
    if not scores:
        raise ValueError(f"{name} is empty: pass at least one score.")
    for i, notes in enumerate(scores):
        item = f"{name}[{i}]"
        if isinstance(notes, (str, bytes, os.PathLike)):
            raise ValueError(
                f"{item} is a path ({notes!r}), not note events. Read scores first, "
                "e.g. Pipeline([('load', ScoreLoader()), ...])."
            )
        check_notes(notes, name=item)
        if notes.ndim != 1:
            raise ValueError(f"{item} has shape {notes.shape}; a score is 1D (n_notes,).")
        if notes.shape[0] < min_notes:
            raise ValueError(
                f"{item} has {notes.shape[0]} note(s), fewer than the {min_notes} "
                "needed. Drop empty scores (or scores without pitched notes) first."
            )
        times = np.concatenate([notes["onset"], notes["duration"]]).astype(float)
        if not np.isfinite(times).all():
            raise ValueError(f"{item} has NaN or infinite onsets or durations.")
        if (times < 0).any():
            raise ValueError(f"{item} has negative onsets or durations.")
    return scores


def _select_part(notes, part, i):
    """The notes of one part (``part`` int) or of all parts (``None``)."""
    if part is None:
        return notes
    selected = notes[notes["part"] == part]
    if selected.shape[0] == 0:
        raise ValueError(
            f"Score {i} has no notes in part {part}; its parts are "
            f"{np.unique(notes['part']).tolist()}. Use part=None to merge all parts."
        )
    return selected


def _sort_by_time(notes):
    """Notes sorted by onset, then pitch (parts merged)."""
    return notes[np.lexsort((notes["pitch"], notes["onset"]))]


def _group_starts(onsets):
    """Boolean mask: True where a new onset (a new chord) starts."""
    rounded = np.round(onsets, _ONSET_DECIMALS)
    return np.r_[True, rounded[1:] != rounded[:-1]]


def _map(func, items, n_jobs, **kwargs):
    if n_jobs in (None, 1) or len(items) < 2:
        return [func(item, **kwargs) for item in items]
    return Parallel(n_jobs=n_jobs)(delayed(func)(item, **kwargs) for item in items)


class _ScoreTransformerMixin(TransformerMixin):
    """Tags shared by transformers whose input is a list of note-event arrays."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags


class _StatelessScoreTransformer(_ScoreTransformerMixin, BaseEstimator):
    """A transformer that learns nothing: ``fit`` only validates."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the parameters and ``X``; learn nothing.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_params()
        check_scores(X)
        return self

    def _check_params(self):
        pass

    def _validated(self, X):
        self._validate_params()
        self._check_params()
        return check_scores(X)

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


# --------------------------------------------------------------------------
# NoteSequence
# --------------------------------------------------------------------------

_SEQUENCE_FEATURES = (
    "pitch",
    "pitch_class",
    "octave",
    "duration",
    "velocity",
    "onset",
    "part",
    "interval",
    "ioi",
    "rest",
)


def _note_sequence(notes, *, features, chords, part, i=0):
    notes = _sort_by_time(_select_part(notes, part, i))
    if chords != "all":
        starts = _group_starts(notes["onset"])
        keep = np.r_[starts[1:], True] if chords == "top" else starts
        notes = notes[keep]
    pitch = notes["pitch"].astype(np.float64)
    onset = notes["onset"]
    end = onset + notes["duration"]
    columns = {}
    for feature in features:
        if feature == "pitch":
            col = pitch
        elif feature == "pitch_class":
            col = pitch % 12
        elif feature == "octave":
            col = pitch // 12 - 1
        elif feature in ("duration", "velocity", "onset", "part"):
            col = notes[feature]
        elif feature == "interval":
            col = np.r_[0.0, np.diff(pitch)]
        elif feature == "ioi":
            col = np.r_[0.0, np.diff(onset)]
        else:  # rest: silence before the note, after every earlier column ended
            latest_end = np.r_[onset[0], np.maximum.accumulate(end)[:-1]]
            col = np.maximum(onset - latest_end, 0.0)
        columns[feature] = col
    return np.stack([columns[f] for f in features]).astype(np.float32)


class NoteSequence(_StatelessScoreTransformer):
    """Turn scores into note series: one column per note.

    Seed paper 000 classifies MIDI note series (cut later into 800-note
    segments, e.g. by :class:`~skmusic.ensemble.VotingSliceClassifier`); this
    step makes those series, with as many per-note features as asked.

    Parameters
    ----------
    features : tuple of str, default=("pitch",)
        Rows of the output, in this order. Any of:

        - ``"pitch"``: MIDI pitch number;
        - ``"pitch_class"``: pitch modulo 12 (0 = C);
        - ``"octave"``: MIDI octave (``pitch // 12 - 1``, 4 for middle C);
        - ``"duration"``, ``"onset"``: in quarter notes;
        - ``"velocity"``, ``"part"``: as in the note events;
        - ``"interval"``: pitch minus the previous column's pitch (0 first);
        - ``"ioi"``: inter-onset interval, onset minus the previous column's
          onset (0 first, 0 between notes of one chord under ``chords="all"``);
        - ``"rest"``: silence before the note, after every earlier column has
          ended (0 where notes overlap or follow each other directly).
    chords : {"top", "bottom", "all"}, default="top"
        What a chord (several notes starting together) becomes. ``"top"``:
        only its highest note, so the series is the melody line on top (the
        "skyline"); ``"bottom"``: only its lowest note (the bass line); ``"all"``:
        every note, each in its own column, low to high. Only notes *starting*
        together count: a note starting under a held higher one is kept.
    part : int or None, default=None
        The part (index of the ``part`` field) to take. ``None`` merges all
        parts into one stream, ordered by onset then pitch; chords are then
        notes starting together in any part.
    n_jobs : int, default=None
        Scores processed in parallel through joblib (``None`` is 1). Worth it
        only for many long scores.

    See Also
    --------
    PianoRoll : one column per time frame instead of per note.
    NoteTokenizer : notes and chords as discrete tokens.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import NoteSequence
    >>> score = make_notes([60, 64, 67, 62], [0, 0, 0, 1], [1, 1, 1, 2])
    >>> NoteSequence(features=("pitch", "interval", "duration")).fit_transform([score])[0]
    array([[67., 62.],
           [ 0., -5.],
           [ 1.,  2.]], dtype=float32)
    >>> NoteSequence(chords="all").fit_transform([score])[0]
    array([[60., 64., 67., 62.]], dtype=float32)
    """

    _parameter_constraints = {
        "features": [tuple, list, str],
        "chords": [StrOptions({"top", "bottom", "all"})],
        "part": [Interval(Integral, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(self, features=("pitch",), *, chords="top", part=None, n_jobs=None):
        self.features = features
        self.chords = chords
        self.part = part
        self.n_jobs = n_jobs

    def _features(self):
        features = (self.features,) if isinstance(self.features, str) else tuple(self.features)
        unknown = [f for f in features if f not in _SEQUENCE_FEATURES]
        if unknown or not features:
            raise ValueError(
                f"features must be a non-empty tuple of {_SEQUENCE_FEATURES}; got "
                f"{self.features!r}."
            )
        return features

    def _check_params(self):
        self._features()

    def transform(self, X):
        """Note series of every score.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        Xt : list of ndarray of shape (n_features, n_notes_i), dtype float32
            A ragged batch: one series per score, ``n_features = len(features)``.
        """
        scores = self._validated(X)
        kwargs = dict(features=self._features(), chords=self.chords, part=self.part)
        if self.n_jobs in (None, 1):
            return [_note_sequence(s, i=i, **kwargs) for i, s in enumerate(scores)]
        return Parallel(n_jobs=self.n_jobs)(
            delayed(_note_sequence)(s, i=i, **kwargs) for i, s in enumerate(scores)
        )


# --------------------------------------------------------------------------
# PianoRoll
# --------------------------------------------------------------------------


def _piano_roll(notes, *, fs, pitch_range, values, part, i=0):
    notes = _select_part(notes, part, i)
    low, high = pitch_range
    start = np.round(notes["onset"] * fs).astype(np.int64)
    stop = np.maximum(start + 1, np.round((notes["onset"] + notes["duration"]) * fs))
    stop = stop.astype(np.int64)
    n_frames = int(stop.max())
    roll = np.zeros((high - low, n_frames), dtype=np.float32)
    inside = (notes["pitch"] >= low) & (notes["pitch"] < high)
    level = notes["velocity"] / 127.0 if values == "velocity" else np.ones(notes.shape[0])
    for p, a, b, v in zip(notes["pitch"][inside] - low, start[inside], stop[inside], level[inside]):
        np.maximum(roll[p, a:b], v, out=roll[p, a:b])
    return roll


class PianoRoll(_StatelessScoreTransformer):
    """Turn scores into piano rolls: pitches by time frames.

    Parameters
    ----------
    fs : int, default=4
        Frames per quarter note (4: one frame per sixteenth note). A note
        covers frames ``round(onset * fs)`` up to, not including,
        ``round((onset + duration) * fs)``, and at least one frame.
    pitch_range : tuple of (int, int), default=(21, 109)
        MIDI pitches ``low`` (included) to ``high`` (excluded) that get a row;
        the default is the 88 keys of a piano. Notes outside the range are left
        out of the roll.
    values : {"binary", "velocity"}, default="binary"
        Cell values: 1 where a note sounds, or its velocity / 127.
    part : int or None, default=None
        The part to take; ``None`` overlays all parts.
    n_jobs : int, default=None
        Scores processed in parallel through joblib (``None`` is 1).

    See Also
    --------
    NoteSequence : one column per note instead of per frame.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import PianoRoll
    >>> score = make_notes([60, 64], [0, 0.5], [1, 0.5])
    >>> PianoRoll(fs=2, pitch_range=(60, 65)).fit_transform([score])[0]
    array([[1., 1.],
           [0., 0.],
           [0., 0.],
           [0., 0.],
           [0., 1.]], dtype=float32)
    """

    _parameter_constraints = {
        "fs": [Interval(Integral, 1, None, closed="left")],
        "pitch_range": [tuple, list],
        "values": [StrOptions({"binary", "velocity"})],
        "part": [Interval(Integral, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(self, fs=4, *, pitch_range=(21, 109), values="binary", part=None, n_jobs=None):
        self.fs = fs
        self.pitch_range = pitch_range
        self.values = values
        self.part = part
        self.n_jobs = n_jobs

    def _check_params(self):
        rng = self.pitch_range
        if (
            len(rng) != 2
            or not all(isinstance(v, Integral) for v in rng)
            or not 0 <= rng[0] < rng[1] <= 128
        ):
            raise ValueError(
                "pitch_range must be two MIDI pitches (low, high) with "
                f"0 <= low < high <= 128; got {rng!r}."
            )

    def transform(self, X):
        """Piano roll of every score.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        Xt : list of ndarray of shape (high - low, n_frames_i), dtype float32
            One roll per score; ``n_frames_i`` reaches the end of its last note.
        """
        scores = self._validated(X)
        kwargs = dict(
            fs=self.fs, pitch_range=tuple(self.pitch_range), values=self.values, part=self.part
        )
        if self.n_jobs in (None, 1):
            return [_piano_roll(s, i=i, **kwargs) for i, s in enumerate(scores)]
        return Parallel(n_jobs=self.n_jobs)(
            delayed(_piano_roll)(s, i=i, **kwargs) for i, s in enumerate(scores)
        )


# --------------------------------------------------------------------------
# NoteTokenizer
# --------------------------------------------------------------------------

UNKNOWN_TOKEN = "<unk>"
REST = "R"


@lru_cache(maxsize=1)
def _pitch_names():
    """MIDI number -> music21 name ("C4", "E-4", "F#5") and the reverse map.

    music21's names for octave -1 (MIDI 0-11) are ambiguous ("B-1" is both B in
    octave -1 and B-flat 1), so those pitches are written ``"M<midi>"``.
    """
    from music21 import pitch as m21pitch

    names = [
        f"M{m}" if m < 12 else m21pitch.Pitch(midi=m).nameWithOctave for m in range(128)
    ]
    return names, {name: m for m, name in enumerate(names)}


@lru_cache(maxsize=512)
def _midi_of(name):
    """MIDI number of a pitch name: ours, or anything music21 reads ("D#4")."""
    known = _pitch_names()[1]
    if name in known:
        return known[name]
    if name.startswith("M") and name[1:].isdigit():
        return int(name[1:])
    from music21 import pitch as m21pitch

    try:
        midi = m21pitch.Pitch(name).midi
    except Exception as exc:  # music21 raises its own exception types
        raise ValueError(f"{name!r} is not a pitch name: {exc}") from None
    return int(midi)


def _format_duration(quarters):
    """Quarter length as a short exact string: "1.0", "0.25", "1/3"."""
    frac = Fraction(float(quarters)).limit_denominator(96)
    if frac.denominator & (frac.denominator - 1) == 0:  # a power of two: exact float
        return repr(float(frac))
    return f"{frac.numerator}/{frac.denominator}"


def _parse_duration(text, token):
    try:
        value = float(Fraction(text))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"Token {token!r} has no valid duration {text!r}.") from None
    if value < 0:
        raise ValueError(f"Token {token!r} has a negative duration.")
    return value


def notes_to_tokens(notes, *, durations=False, rests=False, part=None):
    """Note and chord tokens of one score, as the seed paper 002 writes them.

    Notes starting together (a chord) make one token, their music21 pitch
    names low to high joined by ``"."``: ``"C4"``, ``"E4.G4.C5"``. With
    ``durations=True`` each token ends in ``"_<quarter length>"``
    (``"C4_1.0"``, ``"E4.G4.C5_0.5"``, ``"C4_1/3"``): the chord's longest note,
    cut at the next chord's onset. With ``rests=True`` the silence up to the
    next onset (and before the first one) becomes a token ``"R_<quarter
    length>"``. Velocities and parts are not written.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
        One score.
    durations : bool, default=False
        Write every token's length.
    rests : bool, default=False
        Write rests; needs ``durations=True``.
    part : int or None, default=None
        The part to take; ``None`` merges all parts.

    Returns
    -------
    tokens : list of str

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import notes_to_tokens
    >>> score = make_notes([64, 67, 72, 62], [0, 0, 0, 2], [1, 1, 1, 1])
    >>> notes_to_tokens(score)
    ['E4.G4.C5', 'D4']
    >>> notes_to_tokens(score, durations=True, rests=True)
    ['E4.G4.C5_1.0', 'R_1.0', 'D4_1.0']
    """
    if rests and not durations:
        raise ValueError(
            "rests=True needs durations=True: a rest only keeps time when notes "
            "carry their lengths too."
        )
    check_notes(notes)
    notes = _sort_by_time(_select_part(notes, part, 0))
    if notes.shape[0] == 0:
        return []
    names = _pitch_names()[0]
    starts = np.flatnonzero(_group_starts(notes["onset"]))
    bounds = np.r_[starts, notes.shape[0]]
    onsets = notes["onset"][starts]
    tokens = []
    if rests and onsets[0] > 0:
        tokens.append(f"{REST}_{_format_duration(onsets[0])}")
    for g in range(len(starts)):
        chord = notes[bounds[g] : bounds[g + 1]]
        pitches = np.unique(chord["pitch"])
        token = ".".join(names[p] for p in pitches)
        length = float(chord["duration"].max())
        if g + 1 < len(starts):
            length = min(length, onsets[g + 1] - onsets[g])
        if durations:
            token = f"{token}_{_format_duration(length)}"
        tokens.append(token)
        if rests and g + 1 < len(starts):
            gap = onsets[g + 1] - onsets[g] - length
            if round(gap, _ONSET_DECIMALS) > 0:
                tokens.append(f"{REST}_{_format_duration(gap)}")
    return tokens


def tokens_to_notes(tokens, *, default_duration=0.5, velocity=64):
    """Note events of a token sequence: the inverse of :func:`notes_to_tokens`.

    Tokens are played one after the other: each chord starts when the one
    before it (and any rest between them) has ended. A token without a
    duration lasts ``default_duration`` quarter notes (0.5, the fixed step of
    the seed paper 002's generator); so does the unknown token ``"<unk>"``,
    which makes no note. Pitch names are music21's (``"C#4"``, ``"E-4"``).

    Parameters
    ----------
    tokens : sequence of str
    default_duration : float, default=0.5
        Length of tokens without one, in quarter notes.
    velocity : int, default=64
        Velocity of every note.

    Returns
    -------
    notes : ndarray of shape (n_notes,), dtype NOTE_DTYPE
        All in part 0.

    Examples
    --------
    >>> from skmusic.features import tokens_to_notes
    >>> notes = tokens_to_notes(["E4.G4_1.0", "R_0.5", "D4_1/3"])
    >>> notes["pitch"].tolist(), notes["onset"].tolist()
    ([64, 67, 62], [0.0, 0.0, 1.5])
    """
    pitches, onsets, lengths = [], [], []
    time = 0.0
    for token in tokens:
        token = str(token)
        body, sep, dur = token.rpartition("_")
        if not sep:
            body, dur = token, None
        length = default_duration if dur is None else _parse_duration(dur, token)
        if body == REST or token == UNKNOWN_TOKEN:
            time += length
            continue
        try:
            chord = [_midi_of(name) for name in body.split(".")]
        except ValueError as exc:
            raise ValueError(f"Cannot decode token {token!r}: {exc}") from None
        pitches.extend(chord)
        onsets.extend([time] * len(chord))
        lengths.extend([length] * len(chord))
        time += length
    out = np.zeros(len(pitches), dtype=NOTE_DTYPE)
    out["pitch"], out["onset"], out["duration"] = pitches, onsets, lengths
    out["velocity"] = velocity
    return out


class NoteTokenizer(_ScoreTransformerMixin, BaseEstimator):
    """Note/chord tokens with a fitted vocabulary: scores to id sequences and back.

    The tokens are those of the seed paper 002 (music21 pitch names; a chord is
    its notes low to high joined by ``"."``), optionally with durations and
    rests; see :func:`notes_to_tokens`. ``fit`` counts the tokens of the
    training scores and keeps the frequent ones, most frequent first;
    ``transform`` maps every score to its token ids, and ``inverse_transform``
    (or :meth:`decode`) maps ids back to note events, e.g. to turn what a
    next-token generator sampled into a score.

    Parameters
    ----------
    durations : bool, default=False
        Tokens carry their length: ``"C4_1.0"``.
    rests : bool, default=False
        Silences become tokens ``"R_0.5"`` (needs ``durations=True``).
    part : int or None, default=None
        The part to tokenize; ``None`` merges all parts (chords are then notes
        starting together in any part). A single part round-trips exactly
        when it has no overlapping notes and ``durations=rests=True``.
    min_frequency : int, default=1
        Tokens seen fewer times in ``fit`` are left out of the vocabulary.
    max_tokens : int, default=None
        Largest vocabulary, ``"<unk>"`` included; the most frequent tokens are
        kept. ``None``: no limit.
    handle_unknown : {"unk", "error"}, default="unk"
        What ``transform`` does with a token outside the vocabulary: ``"unk"``
        maps it to the id of ``"<unk>"`` (always id 0, in the vocabulary then);
        ``"error"`` raises a ``ValueError`` (no ``"<unk>"`` token then).
    default_duration : float, default=0.5
        Length, in quarter notes, that decoding gives tokens without a duration
        (and ``"<unk>"``).
    n_jobs : int, default=None
        Scores tokenized in parallel through joblib (``None`` is 1).

    Attributes
    ----------
    vocabulary_ : dict of {str: int}
        Token to id.
    tokens_ : ndarray of shape (n_tokens_,), dtype object
        Id to token: ``tokens_[vocabulary_[t]] == t``.
    n_tokens_ : int
        Size of the vocabulary (ids are ``0 .. n_tokens_ - 1``).
    token_counts_ : ndarray of shape (n_tokens_,), dtype int
        How often each token occurred in the training scores (0 for ``"<unk>"``
        when no token was mapped to it).
    unknown_id_ : int or None
        Id of ``"<unk>"``; ``None`` under ``handle_unknown="error"``.

    See Also
    --------
    notes_to_tokens, tokens_to_notes : the functions behind it, for one score.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import NoteTokenizer
    >>> score = make_notes([60, 64, 67, 60, 62], [0, 1, 1, 2, 3], [1, 1, 1, 1, 1])
    >>> tok = NoteTokenizer(durations=True).fit([score])
    >>> tok.tokens_.tolist()
    ['<unk>', 'C4_1.0', 'D4_1.0', 'E4.G4_1.0']
    >>> ids = tok.transform([score])
    >>> ids[0]
    array([[1, 3, 1, 2]])
    >>> tok.inverse_transform(ids)[0]["pitch"].tolist()
    [60, 64, 67, 60, 62]
    """

    _parameter_constraints = {
        "durations": ["boolean"],
        "rests": ["boolean"],
        "part": [Interval(Integral, 0, None, closed="left"), None],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "max_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "handle_unknown": [StrOptions({"unk", "error"})],
        "default_duration": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        durations=False,
        rests=False,
        part=None,
        min_frequency=1,
        max_tokens=None,
        handle_unknown="unk",
        default_duration=0.5,
        n_jobs=None,
    ):
        self.durations = durations
        self.rests = rests
        self.part = part
        self.min_frequency = min_frequency
        self.max_tokens = max_tokens
        self.handle_unknown = handle_unknown
        self.default_duration = default_duration
        self.n_jobs = n_jobs

    def tokenize(self, X):
        """Token strings of every score (no vocabulary needed).

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        tokens : list of list of str
        """
        if self.rests and not self.durations:
            raise ValueError(
                "rests=True needs durations=True: a rest only keeps time when "
                "notes carry their lengths too."
            )
        scores = check_scores(X)
        if self.part is not None:
            for i, s in enumerate(scores):
                _select_part(s, self.part, i)  # a clear error naming the score
        return _map(
            notes_to_tokens,
            scores,
            self.n_jobs,
            durations=self.durations,
            rests=self.rests,
            part=self.part,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of the scores' tokens.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        counts = Counter()
        for tokens in self.tokenize(X):
            counts.update(tokens)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept = [(t, c) for t, c in ranked if c >= self.min_frequency]
        specials = [UNKNOWN_TOKEN] if self.handle_unknown == "unk" else []
        if self.max_tokens is not None:
            if self.max_tokens <= len(specials):
                raise ValueError(
                    f"max_tokens={self.max_tokens} leaves no room beside {specials}; "
                    "use a larger value."
                )
            kept = kept[: self.max_tokens - len(specials)]
        if not kept:
            raise ValueError(
                f"No token occurs min_frequency={self.min_frequency} times in X; "
                "lower min_frequency or fit on more scores."
            )
        dropped = sum(counts.values()) - sum(c for _, c in kept)
        self.tokens_ = np.array(specials + [t for t, _ in kept], dtype=object)
        self.token_counts_ = np.array(
            ([dropped] if specials else []) + [c for _, c in kept], dtype=np.int64
        )
        self.vocabulary_ = {t: i for i, t in enumerate(self.tokens_)}
        self.n_tokens_ = len(self.tokens_)
        self.unknown_id_ = 0 if specials else None
        return self

    def transform(self, X):
        """Token ids of every score.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        Xt : list of ndarray of shape (1, n_tokens_i), dtype int64
            A ragged batch of single-channel id sequences.
        """
        check_is_fitted(self)
        return [self.encode(tokens, index=i) for i, tokens in enumerate(self.tokenize(X))]

    def encode(self, tokens, *, index=0):
        """Ids of one list of token strings, shape ``(1, n_tokens)``.

        Parameters
        ----------
        tokens : sequence of str
        index : int, default=0
            Position of the score, for error messages.

        Returns
        -------
        ids : ndarray of shape (1, n_tokens), dtype int64
        """
        check_is_fitted(self)
        vocab = self.vocabulary_
        if self.unknown_id_ is None:
            unknown = [t for t in tokens if t not in vocab]
            if unknown:
                raise ValueError(
                    f"Score {index} has {len(unknown)} token(s) outside the "
                    f"vocabulary, e.g. {sorted(set(unknown))[:5]}. Fit on more "
                    "scores, or use handle_unknown='unk' to map them to '<unk>'."
                )
        ids = [vocab.get(t, self.unknown_id_) for t in tokens]
        return np.asarray(ids, dtype=np.int64).reshape(1, -1)

    def decode(self, ids):
        """Note events of one id sequence.

        Parameters
        ----------
        ids : array-like of int, of shape (n_tokens,) or (1, n_tokens)

        Returns
        -------
        notes : ndarray of dtype NOTE_DTYPE
            See :func:`tokens_to_notes`.
        """
        return tokens_to_notes(
            self.ids_to_tokens(ids), default_duration=self.default_duration
        )

    def ids_to_tokens(self, ids):
        """Token strings of one id sequence.

        Parameters
        ----------
        ids : array-like of int, of shape (n_tokens,) or (1, n_tokens)

        Returns
        -------
        tokens : list of str
        """
        check_is_fitted(self)
        ids = np.asarray(ids)
        if ids.ndim == 2 and ids.shape[0] == 1:
            ids = ids[0]
        if ids.ndim != 1:
            raise ValueError(
                f"An id sequence has shape (n_tokens,) or (1, n_tokens); got {ids.shape}."
            )
        if ids.size and (
            not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= self.n_tokens_
        ):
            raise ValueError(
                f"Token ids must be integers in [0, {self.n_tokens_}); got values "
                f"from {ids.min()} to {ids.max()} ({ids.dtype})."
            )
        return self.tokens_[ids].tolist()

    def inverse_transform(self, X):
        """Note events of every id sequence.

        Parameters
        ----------
        X : list of array-like of int, each (1, n_tokens_i) or (n_tokens_i,), \
                or ndarray of shape (n_sequences, n_tokens) or (n_sequences, 1, n_tokens)
            Token ids, e.g. from :meth:`transform` or a generator.

        Returns
        -------
        scores : list of ndarray of dtype NOTE_DTYPE
            Durations and rests are kept as the tokens carry them; every note is
            in part 0 with velocity 64.
        """
        check_is_fitted(self)
        if isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype != object:
            raise ValueError(
                "X is one id sequence; pass a list of them, e.g. [ids]."
            )
        return [self.decode(ids) for ids in X]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


# --------------------------------------------------------------------------
# ScoreFeatures
# --------------------------------------------------------------------------

_FEATURE_GROUPS = (
    "pitch",
    "pitch_class",
    "interval",
    "rhythm",
    "polyphony",
    "key",
    "meter",
    "velocity",
)
_DURATION_EDGES = (0.25, 0.5, 1.0, 2.0, 4.0)
_MAX_INTERVAL = 12
_METER_LAGS = (2, 3, 4)  # quarter notes
_KEY_WEIGHTS = (
    "KrumhanslSchmuckler",
    "KrumhanslKessler",
    "AardenEssen",
    "SimpleWeights",
    "BellmanBudge",
    "TemperleyKostkaPayne",
)


@lru_cache(maxsize=None)
def _key_profiles(weights):
    """music21's major and minor key weights, shape (2, 12), starting on C."""
    from music21.analysis import discrete

    method = getattr(discrete, weights)()
    return np.array([method.getWeights("major"), method.getWeights("minor")], dtype=float)


def score_feature_names(groups=None):
    """Names of the columns :func:`score_features` returns.

    Parameters
    ----------
    groups : tuple of str, default=None
        Feature groups; ``None`` is all of them.

    Returns
    -------
    names : list of str
    """
    groups = _check_groups(groups)
    pc_names = [n.rstrip("0123456789") for n in _pitch_names()[0][12:24]]
    names = []
    for group in groups:
        if group == "pitch":
            names += ["pitch_mean", "pitch_std", "pitch_min", "pitch_max", "pitch_range"]
        elif group == "pitch_class":
            names += [f"pitch_class_{n}" for n in pc_names]
        elif group == "interval":
            names += [f"interval_{k}" for k in range(_MAX_INTERVAL + 1)]
            names += [f"interval_gt_{_MAX_INTERVAL}", "interval_mean_abs", "interval_std",
                      "interval_up_fraction"]
        elif group == "rhythm":
            names += [f"duration_le_{e:g}" for e in _DURATION_EDGES]
            names += [f"duration_gt_{_DURATION_EDGES[-1]:g}", "duration_mean", "duration_std",
                      "ioi_mean", "ioi_std", "note_density", "onset_density", "length",
                      "n_notes"]
        elif group == "polyphony":
            names += ["n_parts", "polyphony_mean", "polyphony_max", "chord_fraction"]
        elif group == "key":
            names += ["key_tonic", "key_major", "key_correlation", "key_clarity"]
        elif group == "meter":
            names += ["onset_on_beat", "onset_on_eighth"]
            names += [f"onset_autocorr_{lag}" for lag in _METER_LAGS]
        elif group == "velocity":
            names += ["velocity_mean", "velocity_std"]
    return names


def _check_groups(groups):
    if groups is None:
        return _FEATURE_GROUPS
    groups = (groups,) if isinstance(groups, str) else tuple(groups)
    unknown = [g for g in groups if g not in _FEATURE_GROUPS]
    if unknown or not groups:
        raise ValueError(
            f"groups must be None or a non-empty tuple of {_FEATURE_GROUPS}; got {groups!r}."
        )
    return groups


def _normalized_histogram(values, bins, weights=None):
    hist = np.bincount(values, weights=weights, minlength=bins)[:bins].astype(float)
    total = hist.sum()
    return hist / total if total > 0 else hist


def _melodic_intervals(notes):
    """Intervals between the top notes of successive chords within each part."""
    out = []
    for p in np.unique(notes["part"]):
        line = _sort_by_time(notes[notes["part"] == p])
        top = line[np.r_[_group_starts(line["onset"])[1:], True]]
        out.append(np.diff(top["pitch"].astype(np.int64)))
    return np.concatenate(out)


def score_features(notes, *, groups=None, key_weights="KrumhanslSchmuckler"):
    """Global features of one score, computed from its note events with NumPy.

    See :class:`ScoreFeatures` for what every group holds.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
        One score with at least one note.
    groups : tuple of str, default=None
        Feature groups; ``None`` is all of them.
    key_weights : str, default="KrumhanslSchmuckler"
        music21 key-weight class for the key estimate.

    Returns
    -------
    features : ndarray of shape (n_features,), dtype float64
        In the order of :func:`score_feature_names`.
    """
    groups = _check_groups(groups)
    notes = _sort_by_time(check_notes(notes))
    if notes.shape[0] == 0:
        raise ValueError("A score needs at least one note for its features.")
    pitch = notes["pitch"].astype(float)
    onset, duration = notes["onset"], notes["duration"]
    end = onset + duration
    length = max(float(end.max()), 1e-9)
    starts = _group_starts(onset)
    distinct_onsets = onset[starts]
    out = []
    for group in groups:
        if group == "pitch":
            out += [pitch.mean(), pitch.std(), pitch.min(), pitch.max(), np.ptp(pitch)]
        elif group == "pitch_class":
            weights = np.maximum(duration, 1e-3)  # grace notes still count a little
            out += list(_normalized_histogram(notes["pitch"] % 12, 12, weights))
        elif group == "interval":
            iv = _melodic_intervals(notes)
            steps = np.minimum(np.abs(iv), _MAX_INTERVAL + 1)
            out += list(_normalized_histogram(steps, _MAX_INTERVAL + 2))
            moving = iv[iv != 0]
            out += [
                np.abs(iv).mean() if iv.size else 0.0,
                iv.std() if iv.size else 0.0,
                (moving > 0).mean() if moving.size else 0.0,
            ]
        elif group == "rhythm":
            bins = np.searchsorted(_DURATION_EDGES, duration, side="left")
            ioi = np.diff(distinct_onsets)
            out += list(_normalized_histogram(bins, len(_DURATION_EDGES) + 1))
            out += [
                duration.mean(),
                duration.std(),
                ioi.mean() if ioi.size else 0.0,
                ioi.std() if ioi.size else 0.0,
                notes.shape[0] / length,
                distinct_onsets.size / length,
                length,
                float(notes.shape[0]),
            ]
        elif group == "polyphony":
            # sounding notes over time: +1 at each onset, -1 at each end
            times = np.r_[onset, end]
            steps = np.r_[np.ones_like(onset), -np.ones_like(end)]
            order = np.lexsort((steps, times))  # ends before onsets at equal times
            sounding = np.cumsum(steps[order])
            part_onset = np.round(onset, _ONSET_DECIMALS) + notes["part"] * (length + 1)
            groups_per_part = np.unique(part_onset, return_counts=True)[1]
            out += [
                float(np.unique(notes["part"]).size),
                duration.sum() / length,  # time-weighted mean number of sounding notes
                float(sounding.max()),
                (groups_per_part > 1).mean(),
            ]
        elif group == "key":
            weights = np.maximum(duration, 1e-3)
            hist = np.bincount(notes["pitch"] % 12, weights=weights, minlength=12)
            profiles = _key_profiles(key_weights)
            # correlation with the profile of every tonic: rotate the histogram
            rotated = hist[(np.arange(12)[:, None] + np.arange(12)) % 12]  # (tonic, pc)
            if np.ptp(hist) == 0:
                corr = np.zeros((2, 12))
            else:  # Pearson correlation of every (mode, tonic) pair at once
                r = rotated - rotated.mean(axis=1, keepdims=True)
                q = profiles - profiles.mean(axis=1, keepdims=True)
                corr = (q @ r.T) / np.outer(
                    np.linalg.norm(q, axis=1), np.linalg.norm(r, axis=1)
                )
            ranked = np.sort(corr.ravel())[::-1]
            mode, tonic = np.unravel_index(np.argmax(corr), corr.shape)
            out += [float(tonic), float(mode == 0), ranked[0], ranked[0] - ranked[1]]
        elif group == "meter":
            on_beat = np.isclose(distinct_onsets % 1.0, 0.0, atol=1e-6) | np.isclose(
                distinct_onsets % 1.0, 1.0, atol=1e-6
            )
            on_eighth = np.isclose(distinct_onsets % 1.0, 0.5, atol=1e-6)
            grid = np.bincount(np.round(distinct_onsets * 4).astype(np.int64)).astype(float)
            grid -= grid.mean()
            energy = (grid**2).sum()
            autocorr = [
                (grid[: -lag * 4] * grid[lag * 4 :]).sum() / energy
                if energy > 0 and grid.size > lag * 4
                else 0.0
                for lag in _METER_LAGS
            ]
            out += [on_beat.mean(), on_eighth.mean(), *autocorr]
        elif group == "velocity":
            velocity = notes["velocity"].astype(float)
            out += [velocity.mean(), velocity.std()]
    return np.asarray(out, dtype=np.float64)


class ScoreFeatures(_StatelessScoreTransformer):
    """Global, named features of every piece, for classical models.

    One row per score, computed from its note events with NumPy (music21's
    own feature extractors, run on a parsed stream, take about 3.5 s per Bach
    chorale for the full set; these take milliseconds). Times are in quarter
    notes, so tempo is not among them: note events carry none.

    The groups, and the columns of each (see :meth:`get_feature_names_out`):

    - ``"pitch"``: mean, std, min, max and range of the MIDI pitches;
    - ``"pitch_class"``: pitch-class histogram ``pitch_class_C`` ...
      ``pitch_class_B``, weighted by duration, summing to 1;
    - ``"interval"``: histogram of melodic steps ``interval_0`` ...
      ``interval_12``, ``interval_gt_12`` (absolute semitones between the top
      notes of successive chords within each part, summing to 1), their mean
      absolute size, std and the fraction moving up;
    - ``"rhythm"``: duration histogram (``duration_le_0.25`` ...
      ``duration_gt_4``, quarter notes), duration mean and std, inter-onset
      interval mean and std, notes and distinct onsets per quarter note
      (``note_density``, ``onset_density``), ``length`` in quarter notes and
      ``n_notes``;
    - ``"polyphony"``: ``n_parts``, the mean number of notes sounding over the
      piece's length, the most sounding at once, and the fraction of a part's
      onsets that are chords;
    - ``"key"``: the best-matching key by correlating the duration-weighted
      pitch-class histogram with music21's key profiles (Krumhansl-Schmuckler
      by default): ``key_tonic`` (0 = C ... 11 = B), ``key_major`` (1 major, 0
      minor), ``key_correlation`` and ``key_clarity`` (best minus second-best
      correlation);
    - ``"meter"``: fractions of onsets on a quarter-note beat and on an
      off-beat eighth, and the autocorrelation of the onset grid (sixteenth
      notes) at lags of 2, 3 and 4 quarter notes (high at 3 for triple meter);
    - ``"velocity"``: mean and std of the velocities.

    Parameters
    ----------
    groups : tuple of str, default=None
        Groups to compute, in this order; ``None`` is all of them.
    key_weights : str, default="KrumhanslSchmuckler"
        Key profile: a key-weight class of :mod:`music21.analysis.discrete`,
        one of "KrumhanslSchmuckler", "KrumhanslKessler", "AardenEssen",
        "SimpleWeights", "BellmanBudge", "TemperleyKostkaPayne".
    n_jobs : int, default=None
        Scores processed in parallel through joblib (``None`` is 1).

    See Also
    --------
    sklearn.inspection.permutation_importance : which of these features matter.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import ScoreFeatures
    >>> score = make_notes([60, 64, 67, 72], [0, 1, 2, 3], [1, 1, 1, 1])
    >>> sf = ScoreFeatures(groups=("pitch", "key"))
    >>> sf.fit_transform([score]).round(2)
    array([[65.75,  4.38, 60.  , 72.  , 12.  ,  0.  ,  1.  ,  0.88,  0.28]])
    >>> sf.get_feature_names_out()[:3]
    array(['pitch_mean', 'pitch_std', 'pitch_min'], dtype=object)
    """

    _parameter_constraints = {
        "groups": [tuple, list, str, None],
        "key_weights": [StrOptions(set(_KEY_WEIGHTS))],
        "n_jobs": [Integral, None],
    }

    def __init__(self, groups=None, *, key_weights="KrumhanslSchmuckler", n_jobs=None):
        self.groups = groups
        self.key_weights = key_weights
        self.n_jobs = n_jobs

    def _check_params(self):
        _check_groups(self.groups)

    def transform(self, X):
        """Features of every score.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        Xt : ndarray of shape (n_scores, n_features), dtype float64
            Columns named by :meth:`get_feature_names_out`.
        """
        scores = self._validated(X)
        rows = _map(
            score_features,
            scores,
            self.n_jobs,
            groups=_check_groups(self.groups),
            key_weights=self.key_weights,
        )
        return np.vstack(rows)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : None
            Ignored (the input is scores, not named columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        return np.asarray(score_feature_names(self.groups), dtype=object)
