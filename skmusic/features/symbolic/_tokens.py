"""Note/chord tokens: notes_to_tokens, tokens_to_notes and NoteTokenizer."""

from collections import Counter
from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...io.notes import NOTE_DTYPE, check_notes
from ._base import (
    _ONSET_DECIMALS,
    _group_starts,
    _map,
    _ScoreTransformerMixin,
    _select_part,
    _sort_by_time,
    check_scores,
)

UNKNOWN_TOKEN = "<unk>"
REST = "R"


@lru_cache(maxsize=1)
def _pitch_names():
    """MIDI number -> music21 name ("C4", "E-4", "F#5") and the reverse map.

    music21's names for octave -1 (MIDI 0-11) are ambiguous ("B-1" is both B in
    octave -1 and B-flat 1), so those pitches are written ``"M<midi>"``.
    """
    from music21 import pitch as m21pitch

    names = [f"M{m}" if m < 12 else m21pitch.Pitch(midi=m).nameWithOctave for m in range(128)]
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
    """Note and chord tokens of one score, as Zong's generator [1]_ writes them.

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

    References
    ----------
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated; cites work up to 2017).

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
    Zong's generator [1]_); so does the unknown token ``"<unk>"``,
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

    References
    ----------
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated; cites work up to 2017).

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

    The tokens are those of Zong's generator [1]_ (music21 pitch names; a chord is
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

    References
    ----------
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated; cites work up to 2017).

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
        return tokens_to_notes(self.ids_to_tokens(ids), default_duration=self.default_duration)

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
            raise ValueError("X is one id sequence; pass a list of them, e.g. [ids].")
        return [self.decode(ids) for ids in X]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
