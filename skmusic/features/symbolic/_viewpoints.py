"""Melodic viewpoints: attributes of each note of a melody line, derived from its
pitch, duration and onset (Conklin and Witten 1995; Pearce 2005's IDyOM).

A *viewpoint* maps every note of a melody (given the notes before it) to a
symbol: its pitch, the interval from the previous note, its scale degree, its
duration, the ratio of its duration to the previous one, ... A *linked*
viewpoint is a tuple of them, one symbol per combination. Some are undefined
at the first note (there is no previous note to take an interval from).

:class:`skmusic.generation.ViewpointGenerator` models a melody through many
viewpoints at once; :func:`viewpoint_sequence` gives the symbols of one.
"""

import numpy as np

from ._base import _group_starts, _select_part, _sort_by_time, check_scores
from ._score_features import best_key, key_correlations

__all__ = ["VIEWPOINTS", "viewpoint_sequence"]

#: Every primitive viewpoint: the basic attribute it is derived from, and how
#: many values it takes (its values are ``0 .. n - 1``).
VIEWPOINTS = {
    "pitch": ("pitch", 128),
    "pitch_class": ("pitch", 12),
    "interval": ("pitch", 255),
    "contour": ("pitch", 3),
    "degree": ("pitch", 12),
    "interval_from_first": ("pitch", 255),
    "duration": ("duration", 121),
    "duration_ratio": ("duration", 241),
    "ioi": ("onset", 121),
    "ioi_ratio": ("onset", 241),
    "beat": ("onset", 12),
}

# Viewpoints that tell every value of their basic attribute apart (given the
# notes before), as opposed to those that merge several (degree, contour).
ONE_TO_ONE = frozenset(
    {"pitch", "interval", "interval_from_first", "duration", "duration_ratio", "ioi"}
)

N_PITCHES = 128
# durations and inter-onset intervals: round(12 * log2(quarters)), -72..48
# (a 64th of a quarter to 16 quarters; 12 steps per doubling tell a dotted
# value (+7) and a triplet (-5 from the next binary value) apart)
_LOG_STEPS = 12
_LOG_LOW = -72
N_DURATIONS = 121
_MAX_STEP = 127  # intervals: -127..127, stored + 127


def duration_classes(durations):
    """Durations (quarter notes) as classes ``0 .. 120``: ``round(12 log2 d) + 72``, clipped."""
    d = np.maximum(np.asarray(durations, dtype=np.float64), 2.0 ** (_LOG_LOW / _LOG_STEPS))
    steps = np.clip(np.round(_LOG_STEPS * np.log2(d)), _LOG_LOW, _LOG_LOW + N_DURATIONS - 1)
    return (steps - _LOG_LOW).astype(np.int64)


def class_durations(classes):
    """The durations (quarter notes) of duration classes, snapped to 1/24 where that is close."""
    d = 2.0 ** ((np.asarray(classes, dtype=np.float64) + _LOG_LOW) / _LOG_STEPS)
    snapped = np.round(d * 24) / 24
    close = (snapped > 0) & (np.abs(snapped - d) <= 0.02 * d)
    return np.where(close, snapped, d)


class Melody:
    """One melody line: pitch, onset, duration (and its class) of each note, and a tonic."""

    __slots__ = ("pitch", "onset", "duration", "dclass", "tonic")

    def __init__(self, pitch, onset, duration, tonic):
        self.pitch = np.asarray(pitch, dtype=np.int64)
        self.onset = np.asarray(onset, dtype=np.float64)
        self.duration = np.asarray(duration, dtype=np.float64)
        self.dclass = duration_classes(self.duration)
        self.tonic = int(tonic)

    def __len__(self):
        return self.pitch.size


def melody_line(notes, *, chords="top", part=None, tonic="key", i=0):
    """The melody line of a score: the top (or bottom) note of every onset.

    ``tonic``: ``"key"`` estimates the key of the part's notes
    (Krumhansl-Schmuckler, as :class:`NoteSequence`'s ``"degree"`` row does);
    ``"final"`` takes the last note's pitch class; an int 0-11 is used as given.
    """
    notes = _sort_by_time(_select_part(notes, part, i))
    starts = _group_starts(notes["onset"])
    keep = np.r_[starts[1:], True] if chords == "top" else starts
    line = notes[keep]
    if isinstance(tonic, str):
        if tonic == "key":
            tonic = best_key(key_correlations(notes))[0] if notes.size else 0
        else:  # final
            tonic = int(line["pitch"][-1]) % 12 if line.size else 0
    return Melody(line["pitch"], line["onset"], line["duration"], tonic)


def _ioi_classes(mel):
    ioi = np.diff(mel.onset)
    return np.r_[0, duration_classes(ioi)]


def component(name, mel, *, target=None, candidates=None):
    """Values of one primitive viewpoint at every note of ``mel``.

    With ``target`` (a basic attribute, "pitch" or "duration") and its
    ``candidates`` (1D array of values), a viewpoint derived from ``target``
    is evaluated for every candidate value of the current note (the notes
    before stay as they are): shape ``(n_notes, n_candidates)``. Otherwise,
    or for a viewpoint of another attribute, the actual notes' values are
    returned as a column ``(n_notes, 1)``.

    Returns
    -------
    values : ndarray of int64
    defined : ndarray of bool of shape (n_notes,)
    """
    L = len(mel)
    basic = VIEWPOINTS[name][0]
    idx = np.arange(L)
    if basic == target:
        x = np.asarray(candidates, dtype=np.int64)[None, :]
    elif basic == "pitch":
        x = mel.pitch[:, None]
    elif basic == "duration":
        x = mel.dclass[:, None]
    defined = np.ones(L, dtype=bool)
    if name == "pitch":
        v = x
    elif name == "pitch_class":
        v = x % 12
    elif name == "degree":
        v = (x - mel.tonic) % 12
    elif name in ("interval", "contour", "interval_from_first"):
        if name == "interval_from_first":
            step = x - mel.pitch[0]
        else:
            step = x - np.r_[mel.pitch[0], mel.pitch[:-1]][:, None]
        v = np.sign(step) + 1 if name == "contour" else np.clip(step, -_MAX_STEP, _MAX_STEP) + 127
        defined = idx >= 1
    elif name == "duration":
        v = x
    elif name == "duration_ratio":
        prev = np.r_[mel.dclass[0], mel.dclass[:-1]]
        v = x - prev[:, None] + (N_DURATIONS - 1)
        defined = idx >= 1
    elif name == "ioi":
        v = _ioi_classes(mel)[:, None]
        defined = idx >= 1
    elif name == "ioi_ratio":
        ioi = _ioi_classes(mel)
        v = (ioi - np.r_[ioi[0], ioi[:-1]] + (N_DURATIONS - 1))[:, None]
        defined = idx >= 2
    else:  # beat: where the onset falls within its beat, in twelfths
        v = (np.round((mel.onset % 1.0) * 12).astype(np.int64) % 12)[:, None]
    v = np.where(defined[:, None], v, 0)
    return v.astype(np.int64), defined


def check_viewpoint(viewpoint):
    """A viewpoint as a tuple of primitive names; a ValueError names the unknown."""
    names = (viewpoint,) if isinstance(viewpoint, str) else tuple(viewpoint)
    unknown = [n for n in names if n not in VIEWPOINTS]
    if not names or unknown:
        raise ValueError(
            f"Unknown viewpoint {viewpoint!r}: a viewpoint is one of {sorted(VIEWPOINTS)} or a "
            "tuple of them (a linked viewpoint)."
        )
    return names


def linked(names, mel, *, target=None, candidates=None):
    """Values of a linked viewpoint (the mixed-radix number of its primitives).

    Returns ``(values, defined)`` as :func:`component`; a note is defined
    where every primitive is.
    """
    values = np.zeros((len(mel), 1), dtype=np.int64)
    defined = np.ones(len(mel), dtype=bool)
    for name in names:
        v, d = component(name, mel, target=target, candidates=candidates)
        values = values * VIEWPOINTS[name][1] + v
        defined &= d
    return values, defined


def viewpoint_sequence(notes, viewpoint, *, chords="top", part=None, tonic="key"):
    """The symbols of one viewpoint at every note of a score's melody line.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
        One score.
    viewpoint : str or tuple of str
        A key of :data:`VIEWPOINTS`, or a tuple of them (a linked viewpoint:
        its symbol is the mixed-radix number of the parts, the first most
        significant). The primitives:

        - ``"pitch"``: MIDI pitch (0-127); ``"pitch_class"``: pitch modulo 12;
        - ``"interval"``: pitch minus the previous note's, plus 127 (0-254);
        - ``"contour"``: down, same, up (0, 1, 2);
        - ``"degree"``: pitch class above the tonic (0-11);
        - ``"interval_from_first"``: pitch minus the first note's, plus 127;
        - ``"duration"``: ``round(12 log2 duration) + 72`` (0-120; 72 is a
          quarter note, 84 a half, 79 a dotted quarter);
        - ``"duration_ratio"``: the duration class minus the previous note's,
          plus 120 (0-240; 120 is the same duration);
        - ``"ioi"``: the inter-onset interval's class, as for durations;
        - ``"ioi_ratio"``: the ratio of successive inter-onset intervals,
          as for durations (defined from the third note);
        - ``"beat"``: the onset's position within its beat in twelfths (0-11).
    chords : {"top", "bottom"}, default="top"
        The melody line: the highest (or lowest) note of notes that start together.
    part : int or None, default=None
        One part (``None``: all parts merged).
    tonic : {"key", "final"} or int, default="key"
        The reference of ``"degree"``: the estimated key of the score's notes
        (Krumhansl-Schmuckler), the last note's pitch class, or a pitch class.

    Returns
    -------
    symbols : ndarray of int64 of shape (n_notes,)
        One per note of the melody line; -1 where the viewpoint is undefined
        (an interval at the first note).

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import viewpoint_sequence
    >>> score = make_notes([60, 62, 64, 60], [0, 1, 2, 3], [1, 1, 2, 1])
    >>> viewpoint_sequence(score, "interval").tolist()  # 127 + the step; -1: undefined
    [-1, 129, 129, 123]
    >>> viewpoint_sequence(score, "degree", tonic="final").tolist()
    [0, 2, 4, 0]
    >>> viewpoint_sequence(score, ("contour", "duration_ratio")).tolist()
    [-1, 602, 614, 108]
    """
    names = check_viewpoint(viewpoint)
    if chords not in ("top", "bottom"):
        raise ValueError(f"chords must be 'top' or 'bottom', got {chords!r}.")
    (notes,) = check_scores([notes], name="notes")
    mel = melody_line(notes, chords=chords, part=part, tonic=tonic)
    values, defined = linked(names, mel)
    return np.where(defined, values[:, 0], -1)
