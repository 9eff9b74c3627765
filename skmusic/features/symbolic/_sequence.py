"""NoteSequence: one column of note features per note."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import (
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
)


def _note_sequence(notes, *, features, chords, part, i=0):
    notes = _sort_by_time(_select_part(notes, part, i))
    # the key from every note of the part, before chords are reduced to one note
    tonic = best_key(key_correlations(notes))[0] if "degree" in features else None
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
        elif feature == "degree":
            col = (pitch - tonic) % 12
        elif feature == "beat":
            col = onset % 1.0
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
