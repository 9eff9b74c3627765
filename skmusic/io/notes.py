"""The note-event format that score readers produce and symbolic features consume.

One score is a structured NumPy array of shape ``(n_notes,)`` with the fields of
:data:`NOTE_DTYPE`, sorted by onset, then part, then pitch:

======== ======= ==========================================================
field    dtype   meaning
======== ======= ==========================================================
pitch    int16   MIDI pitch number (60 = middle C)
onset    float64 start, in quarter notes from the beginning of the score
duration float64 length in quarter notes (tied notes are merged into one)
velocity int16   MIDI velocity 1-127 (64 where the score gives none)
part     int16   index of the part (voice / MIDI track with notes), from 0
======== ======= ==========================================================

A chord is several notes of one part with the same onset. Unpitched
(percussion) notes are not note events and are left out. Times are in quarter
notes, as music21 counts them, so a score and its MIDI file give the same
events; multiply by ``60 / bpm`` for seconds.
"""

import numpy as np

__all__ = ["NOTE_DTYPE", "make_notes", "check_notes"]

NOTE_DTYPE = np.dtype(
    [
        ("pitch", np.int16),
        ("onset", np.float64),
        ("duration", np.float64),
        ("velocity", np.int16),
        ("part", np.int16),
    ]
)


def make_notes(pitch, onset, duration, velocity=64, part=0):
    """Build a sorted note-event array from columns.

    Parameters
    ----------
    pitch, onset, duration : array-like of shape (n_notes,)
    velocity, part : int or array-like of shape (n_notes,), default=64 and 0

    Returns
    -------
    notes : ndarray of shape (n_notes,), dtype :data:`NOTE_DTYPE`

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> notes = make_notes([64, 60], [1.0, 0.0], [1.0, 1.0])
    >>> notes["pitch"].tolist(), notes["onset"].tolist()
    ([60, 64], [0.0, 1.0])
    """
    pitch = np.asarray(pitch)
    notes = np.empty(pitch.shape[0], dtype=NOTE_DTYPE)
    notes["pitch"] = pitch
    notes["onset"] = onset
    notes["duration"] = duration
    notes["velocity"] = velocity
    notes["part"] = part
    order = np.lexsort((notes["pitch"], notes["part"], notes["onset"]))
    return notes[order]


def check_notes(notes, *, name="notes"):
    """Check that ``notes`` is a note-event array; return it.

    Parameters
    ----------
    notes : ndarray of dtype :data:`NOTE_DTYPE`
    name : str, default="notes"
        Name used in the error message.

    Returns
    -------
    notes : ndarray of dtype :data:`NOTE_DTYPE`

    Raises
    ------
    ValueError
        If ``notes`` is not a structured array with the note-event fields.
    """
    if not isinstance(notes, np.ndarray) or notes.dtype.names is None:
        raise ValueError(
            f"{name} is a {type(notes).__name__}, not note events. Read scores with "
            "skmusic.io.ScoreLoader (or build events with skmusic.io.make_notes)."
        )
    missing = [f for f in NOTE_DTYPE.names if f not in notes.dtype.names]
    if missing:
        raise ValueError(f"{name} lacks the note-event field(s) {missing}.")
    return notes
