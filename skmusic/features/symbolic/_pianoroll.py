"""PianoRoll: one column of sounding pitches per frame."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import (
    _map,
    _select_part,
    _StatelessScoreTransformer,
)


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
    for p, a, b, v in zip(
        notes["pitch"][inside] - low, start[inside], stop[inside], level[inside], strict=True
    ):
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
        return _map(_piano_roll, scores, self.n_jobs, indexed=True, **kwargs)
