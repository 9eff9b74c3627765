"""NoteSequence: one column of note features per note."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import (
    _ONSET_DECIMALS,
    _group_starts,
    _map,
    _select_part,
    _sort_by_time,
    _StatelessScoreTransformer,
)
from ._score_features import best_key, key_correlations

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
    "degree",
    "beat",
    "interval_class",
    "part_interval_class",
    "duration_class",
    "duration_ratio",
    "beat_class",
    "chord_size",
    "metric_position",
    "mode",
    "onset_recurrence",
)

#: Rows of :class:`NoteSequence` that are integer categories (not magnitudes), with
#: how many values each can take (``None``: as many as the score has, e.g. parts).
#: A network embeds these rows; it must never z-normalize them.
CATEGORICAL_NOTE_FEATURES = {
    "pitch_class": 12,
    "octave": 11,
    "part": None,
    "degree": 12,
    "interval_class": 25,
    "part_interval_class": 25,
    "duration_class": 15,
    "duration_ratio": 13,
    "beat_class": 12,
    "chord_size": 9,
    "metric_position": 24,
    "mode": 2,
    "onset_recurrence": 2**5,
}

_MAX_INTERVAL = 12  # interval_class: steps beyond an octave share the octave's class
_LOG2_DURATION_RANGE = (-8, 6)  # duration_class: half-steps of log2, 1/16 to 8 quarters
_MAX_RATIO_STEPS = 6  # duration_ratio: half-steps of log2, a ratio of 1/8 to 8
_BEAT_DIVISIONS = 12  # beat_class: sixteenths and triplets both fall on a division
_MAX_CHORD = 8  # chord_size: larger chords share the class of 8 notes
_RECURRENCE_LAGS = (1.0, 1.5, 2.0, 3.0, 4.0)  # onset_recurrence: quarter notes back


def _onset_recurrence(onset):
    """Bit ``i`` set where some note starts exactly ``_RECURRENCE_LAGS[i]`` quarters earlier."""
    # onsets on the grid of beat_class: twelfths of a quarter note
    grid = np.round(np.asarray(onset, dtype=np.float64) * _BEAT_DIVISIONS).astype(np.int64)
    present = np.unique(grid)
    code = np.zeros(len(grid), dtype=np.int64)
    for bit, lag in enumerate(_RECURRENCE_LAGS):
        earlier = np.isin(grid - round(lag * _BEAT_DIVISIONS), present)
        code |= earlier.astype(np.int64) << bit
    return code


def _log2_steps(values, lo, hi):
    """``round(2 * log2(values))`` clipped to ``[lo, hi]``, shifted to start at 0."""
    steps = np.round(2 * np.log2(np.maximum(values, 2.0**-6)))
    return np.clip(steps, lo, hi) - lo


def _part_steps(notes):
    """Each note's pitch minus the top note of its part's previous chord (0 at a part's start).

    ``notes`` sorted by onset, then pitch. For the top note of a chord within
    its part this is the part's own melodic step, as ``ScoreFeatures``'
    ``"interval"`` group counts it, whichever part the merged line's top
    note came from.
    """
    steps = np.zeros(len(notes))
    pitch = notes["pitch"].astype(np.float64)
    for p in np.unique(notes["part"]):
        idx = np.flatnonzero(notes["part"] == p)
        group = np.cumsum(_group_starts(notes["onset"][idx])) - 1
        last = np.r_[group[1:] != group[:-1], True]
        top = pitch[idx][last]  # the last note of each chord is its highest
        previous = np.r_[np.nan, top[:-1]][group]
        steps[idx] = np.where(np.isnan(previous), 0.0, pitch[idx] - previous)
    return steps


def _note_sequence(notes, *, features, chords, part, i=0):
    notes = _sort_by_time(_select_part(notes, part, i))
    # the key from every note of the part, before chords are reduced to one note
    if "degree" in features or "mode" in features:
        tonic, major = best_key(key_correlations(notes))
    starts = _group_starts(notes["onset"])
    if "part_interval_class" in features:
        part_step = _part_steps(notes)
    if "chord_size" in features:
        group = np.cumsum(starts) - 1
        chord_size = np.bincount(group)[group]
    if chords != "all":
        keep = np.r_[starts[1:], True] if chords == "top" else starts
        notes = notes[keep]
        if "chord_size" in features:
            chord_size = chord_size[keep]
        if "part_interval_class" in features:
            part_step = part_step[keep]
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
        elif feature == "degree":
            col = (pitch - tonic) % 12
        elif feature == "beat":
            col = onset % 1.0
        elif feature == "interval_class":
            step = np.r_[0.0, np.diff(pitch)]
            col = np.clip(step, -_MAX_INTERVAL, _MAX_INTERVAL) + _MAX_INTERVAL
        elif feature == "part_interval_class":
            col = np.clip(part_step, -_MAX_INTERVAL, _MAX_INTERVAL) + _MAX_INTERVAL
        elif feature == "duration_class":
            col = _log2_steps(notes["duration"], *_LOG2_DURATION_RANGE)
        elif feature == "duration_ratio":
            dur = np.maximum(notes["duration"].astype(np.float64), 2.0**-6)
            ratio = np.r_[1.0, dur[1:] / dur[:-1]]
            col = _log2_steps(ratio, -_MAX_RATIO_STEPS, _MAX_RATIO_STEPS)
        elif feature == "beat_class":
            col = np.round((onset % 1.0) * _BEAT_DIVISIONS) % _BEAT_DIVISIONS
        elif feature == "chord_size":
            col = np.minimum(chord_size, _MAX_CHORD)
        elif feature == "metric_position":
            col = np.floor(np.round(onset * 2, _ONSET_DECIMALS)) % 24
        elif feature == "mode":
            col = np.full(len(notes), 0.0 if major else 1.0)
        elif feature == "onset_recurrence":
            col = _onset_recurrence(onset)
        else:  # rest: silence before the note, after every earlier column ended
            latest_end = np.r_[onset[0], np.maximum.accumulate(end)[:-1]]
            col = np.maximum(onset - latest_end, 0.0)
        columns[feature] = col
    return np.stack([columns[f] for f in features]).astype(np.float32)


class NoteSequence(_StatelessScoreTransformer):
    """Turn scores into note series: one column per note.

    Chen and Wang [1]_ classify MIDI note series (cut later into 800-note
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
          ended (0 where notes overlap or follow each other directly);
        - ``"degree"``: pitch class relative to the tonic of the score's key
          (0-11; the key that best fits its duration-weighted pitch-class
          histogram, Krumhansl-Schmuckler, as ``ScoreFeatures``' ``"key"``
          group finds it), so the same tune in any key gives the same row;
        - ``"beat"``: where the note starts within its beat, ``onset % 1``
          (0 on the beat, 0.5 on the off-beat eighth).

        Categorical rows (integer codes from 0, listed with their number of
        values in :data:`CATEGORICAL_NOTE_FEATURES`; a network embeds them,
        see :meth:`categorical_rows`): ``"pitch_class"``, ``"octave"``,
        ``"part"``, ``"degree"`` and

        - ``"interval_class"``: the interval clipped to an octave either way,
          plus 12 (0-24; 12 is a repeated note, 13 a semitone up);
        - ``"part_interval_class"``: as ``"interval_class"``, but the step
          from the top note of the previous chord *of the note's own part*
          (0-24; 12 also for a part's first note), so in a polyphonic score
          the row follows each voice's own melody, not the jumps between
          the voices of the merged line;
        - ``"duration_class"``: the duration in half-steps of ``log2``,
          ``round(2 * log2(duration))`` clipped to -8..6 (a sixteenth of a
          quarter to 8 quarters), plus 8 (0-14; 8 is a quarter note, 9 a
          dotted quarter, 6 an eighth);
        - ``"duration_ratio"``: the duration over the previous column's, in
          half-steps of ``log2`` clipped to -6..6, plus 6 (0-12; 6 is the same
          duration, and the first note);
        - ``"beat_class"``: the ``"beat"`` position rounded to twelfths of a
          beat (0-11; 0 on the beat, 6 on the off-beat eighth, 3 and 4 on a
          sixteenth and a triplet);
        - ``"chord_size"``: how many notes (of the parts taken) start together
          with this one, itself included, at most 8 (1-8; 1 is a lone note), so
          a melody line on top still tells a chorale from a tune;
        - ``"metric_position"``: the eighth-note slot of the onset within a
          cycle of 12 quarter notes, ``floor(2 * onset) % 24`` (0-23): bars of
          2, 3, 4 or 6 quarters fall on fixed slots of the cycle, so the slots'
          histogram shows the meter (the score's own bar lines are not read);
        - ``"onset_recurrence"``: which of the lags 1, 1.5, 2, 3 and 4 quarter
          notes back hold an onset too, as bits of a code (0-31; bit 0 for 1
          quarter back ... bit 4 for 4). Unlike ``"metric_position"`` it does not
          depend on where the first bar starts (a pickup shifts every slot), so
          its histogram shows the meter's period (2, 3 or 4 quarters; 1.5 for a
          compound beat) whatever the phase, as ``ScoreFeatures``' onset
          autocorrelation does;
        - ``"mode"``: the mode of the estimated key (the key of ``"degree"``),
          0 major, 1 minor, the same for every note of the score: with it the
          network reads each ``"degree"`` knowing which scale it belongs to.

        Every row but ``"pitch"``, ``"pitch_class"``, ``"octave"`` (and
        ``"velocity"``, ``"onset"``, ``"part"``) is unchanged by transposing
        the score (``"degree"`` follows the estimated key).
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

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT course project report (undated;
       cites work up to 2019).

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

    def get_feature_names_out(self, input_features=None):
        """The names of the output rows, in order.

        Parameters
        ----------
        input_features : None
            Ignored (the input is scores, not named columns).

        Returns
        -------
        names : ndarray of str
        """
        self._validate_params()
        return np.asarray(self._features(), dtype=object)

    def categorical_rows(self):
        """Indices of the output rows that are categories (integer codes).

        What a network's ``categorical`` parameter takes, so the note network
        embeds exactly these rows, e.g.
        ``NoteNetworkClassifier(categorical=seq.categorical_rows())``.

        Returns
        -------
        rows : list of int
            Positions in ``features`` of the names in
            :data:`CATEGORICAL_NOTE_FEATURES`.

        Examples
        --------
        >>> from skmusic.features import NoteSequence
        >>> NoteSequence(features=("pitch", "degree", "duration", "beat_class")).categorical_rows()
        [1, 3]
        """
        self._validate_params()
        return [i for i, f in enumerate(self._features()) if f in CATEGORICAL_NOTE_FEATURES]

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
        return _map(_note_sequence, scores, self.n_jobs, indexed=True, **kwargs)


def _linked_viewpoint(notes, *, viewpoints, chords, part, i=0):
    rows = _note_sequence(notes, features=viewpoints, chords=chords, part=part, i=i)
    ids = np.zeros(rows.shape[1], dtype=np.float64)
    for name, row in zip(viewpoints, rows, strict=True):
        ids = ids * CATEGORICAL_NOTE_FEATURES[name] + row
    return ids[None, :].astype(np.float32)


class MelodicViewpoints(_StatelessScoreTransformer):
    """Turn scores into token sequences of linked melodic viewpoints, one token per note.

    Conklin and Witten's multiple viewpoints [1]_ describe each note of a melody
    by derived attributes (the interval from the previous note, the ratio of
    its duration to the previous one, ...); a *linked* viewpoint is their
    product, one token per combination. An n-gram model of these tokens per
    class (``ClassConditionalGenerator(NGramTokenGenerator(n_tokens=...))``) is
    a strong classifier of folk melodies (Hillewaere, Manderick and Conklin
    [2]_). The tokens do not change when a score is transposed.

    Parameters
    ----------
    viewpoints : tuple of str, default=("interval_class", "duration_ratio")
        Categorical rows of :class:`NoteSequence` with a fixed number of values
        (any key of :data:`CATEGORICAL_NOTE_FEATURES` but ``"part"``), linked in
        this order: the token is their mixed-radix number.
    chords : {"top", "bottom", "all"}, default="top"
        As in :class:`NoteSequence` (``"top"``: the melody line on top).
    part : int or None, default=None
        As in :class:`NoteSequence`.
    n_jobs : int, default=None
        Scores processed in parallel through joblib (``None`` is 1).

    See Also
    --------
    NoteSequence : the viewpoints as separate rows.

    References
    ----------
    .. [1] D. Conklin and I. H. Witten, "Multiple viewpoint systems for music
       prediction", Journal of New Music Research 24(1), 1995.
    .. [2] R. Hillewaere, B. Manderick and D. Conklin, "Global feature versus
       event models for folk song classification", ISMIR 2009.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import MelodicViewpoints
    >>> score = make_notes([60, 62, 62, 67], [0, 1, 2, 2.5], [1, 1, 0.5, 0.5])
    >>> tokens = MelodicViewpoints()
    >>> tokens.fit_transform([score])[0]  # 12 * 13 + 6: the first note, same duration
    array([[162., 188., 160., 227.]], dtype=float32)
    >>> tokens.n_tokens()
    325
    """

    _parameter_constraints = {
        "viewpoints": [tuple, list, str],
        "chords": [StrOptions({"top", "bottom", "all"})],
        "part": [Interval(Integral, 0, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        viewpoints=("interval_class", "duration_ratio"),
        *,
        chords="top",
        part=None,
        n_jobs=None,
    ):
        self.viewpoints = viewpoints
        self.chords = chords
        self.part = part
        self.n_jobs = n_jobs

    def _viewpoints(self):
        names = (self.viewpoints,) if isinstance(self.viewpoints, str) else tuple(self.viewpoints)
        allowed = [k for k, v in CATEGORICAL_NOTE_FEATURES.items() if v is not None]
        if not names or any(n not in allowed for n in names):
            raise ValueError(
                f"viewpoints must be a non-empty tuple of {allowed}; got {self.viewpoints!r}."
            )
        return names

    def _check_params(self):
        self._viewpoints()

    def n_tokens(self):
        """How many distinct tokens the viewpoints can make (the product of their sizes).

        Returns
        -------
        n_tokens : int
        """
        self._validate_params()
        return int(np.prod([CATEGORICAL_NOTE_FEATURES[n] for n in self._viewpoints()]))

    def transform(self, X):
        """Token sequence of every score.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores.

        Returns
        -------
        Xt : list of ndarray of shape (1, n_notes_i), dtype float32
            Token ids in ``0 .. n_tokens() - 1``, one per note of the line.
        """
        scores = self._validated(X)
        kwargs = dict(viewpoints=self._viewpoints(), chords=self.chords, part=self.part)
        return _map(_linked_viewpoint, scores, self.n_jobs, indexed=True, **kwargs)
