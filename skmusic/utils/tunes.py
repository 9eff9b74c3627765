"""Tune identity of scores: which pieces are settings or variants of one tune.

A hymn tune harmonized several times, or a folk tune collected in several
variants, must not sit on both sides of a train/test split. The tune of a
piece is read from its melodic incipit -- the first intervals of its melody
line, so transpositions share one incipit -- and pieces whose incipits match
up to a small number of differing intervals are joined into one *family*.
:func:`skmusic.model_selection.tune_families` is the public name; it lives
here so that :mod:`skmusic.datasets` can attach families to what it loads.
"""

from numbers import Integral

import numpy as np

__all__ = ["describe_families", "melodic_incipit", "tune_families"]

_ONSET_DECIMALS = 6
# Fills the incipit of a piece shorter than the incipit: no interval equals it.
_PAD = np.iinfo(np.int16).min


def _melody(notes):
    """Pitches of the melody line: the highest part, its top note at each onset."""
    if notes.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    parts = np.unique(notes["part"])
    if parts.size > 1:
        means = [notes["pitch"][notes["part"] == p].mean() for p in parts]
        notes = notes[notes["part"] == parts[int(np.argmax(means))]]
    notes = notes[np.lexsort((notes["pitch"], notes["onset"]))]
    onsets = np.round(notes["onset"], _ONSET_DECIMALS)
    top = np.r_[onsets[1:] != onsets[:-1], True]  # last (highest) note of each onset
    return notes["pitch"][top].astype(np.int64)


def _check_pieces(X):
    if isinstance(X, np.ndarray) and X.dtype.names is not None:
        raise ValueError(
            "X is a single score (one note-event array); pass a list of scores, e.g. [notes]."
        )
    try:
        pieces = list(X)
    except TypeError:
        raise ValueError(
            f"X must be a list of note-event arrays (skmusic.io.notes), got {type(X).__name__}."
        ) from None
    for i, notes in enumerate(pieces):
        names = getattr(getattr(notes, "dtype", None), "names", None) or ()
        if not {"pitch", "onset", "part"} <= set(names):
            raise ValueError(
                f"X[{i}] is not a note-event array (a structured array with fields "
                "pitch, onset, duration, velocity, part; see skmusic.io.notes); got "
                f"{type(notes).__name__}. Read files with skmusic.io.ScoreLoader or "
                "skmusic.datasets.load_score_folder first."
            )
    return pieces


def melodic_incipit(notes, *, n_intervals=12, keep_repeats=False):
    """The first melodic intervals of a score's melody line.

    The melody line is the highest part (by mean pitch; a single-part score is
    its own), with the top note of each chord. Intervals are in semitones, so
    a transposed score has the same incipit.

    Parameters
    ----------
    notes : ndarray of dtype :data:`~skmusic.io.notes.NOTE_DTYPE`
    n_intervals : int, default=12
    keep_repeats : bool, default=False
        Keep repeated notes (intervals of 0). By default they are dropped, so
        a note split in two (a common difference between variants and
        between verses of a tune) does not change the incipit.

    Returns
    -------
    incipit : ndarray of int of shape (n_found,)
        At most ``n_intervals`` intervals; fewer when the melody is shorter.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.utils.tunes import melodic_incipit
    >>> notes = make_notes([60, 62, 62, 64, 60], [0, 1, 2, 3, 4], [1, 1, 1, 1, 1])
    >>> melodic_incipit(notes).tolist()
    [2, 2, -4]
    """
    intervals = np.diff(_melody(notes))
    if not keep_repeats:
        intervals = intervals[intervals != 0]
    return intervals[:n_intervals]


def tune_families(X, *, n_intervals=12, max_mismatches=1, keep_repeats=False):
    """Give every score a tune family: one integer per piece.

    Two pieces belong to one family when the melodic incipits of their melody
    lines (:func:`melodic_incipit`: the first ``n_intervals`` intervals,
    transposition-invariant) differ in at most ``max_mismatches`` positions;
    families are the connected groups of that relation (a variant of a
    variant joins too). A piece whose melody is shorter than the incipit only
    joins pieces with exactly its intervals, so short pieces are not merged on
    little evidence. Pass the result as ``groups`` to a grouped splitter
    (:class:`~sklearn.model_selection.StratifiedGroupKFold`,
    :class:`~sklearn.model_selection.GroupShuffleSplit`) so that no tune sits
    on both sides of a split.

    Parameters
    ----------
    X : list of ndarray of dtype :data:`~skmusic.io.notes.NOTE_DTYPE`
        Scores (note-event arrays, e.g. ``load_corpus(...).data``).
    n_intervals : int, default=12
        Length of the incipit compared.
    max_mismatches : int, default=1
        Intervals in which two full-length incipits may differ and still be
        one tune (1 covers one altered note at the start or end of the
        incipit, or an altered interval; 0 asks for identical incipits).
    keep_repeats : bool, default=False
        See :func:`melodic_incipit`.

    Returns
    -------
    groups : ndarray of int64 of shape (n_pieces,)
        Family ids ``0 .. n_families - 1``, numbered in order of first
        appearance. A piece without notes is a family of its own.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.model_selection import tune_families
    >>> tune = make_notes([60, 62, 64, 65, 67], [0, 1, 2, 3, 4], [1] * 5)
    >>> other = make_notes([60, 59, 57, 55, 53], [0, 1, 2, 3, 4], [1] * 5)
    >>> moved = tune.copy()
    >>> moved["pitch"] += 5  # the same tune a fourth higher
    >>> tune_families([tune, other, moved]).tolist()
    [0, 1, 0]
    """
    for name, value, low in (
        ("n_intervals", n_intervals, 1),
        ("max_mismatches", max_mismatches, 0),
    ):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    pieces = _check_pieces(X)
    n = len(pieces)
    incipits = np.full((n, n_intervals), _PAD, dtype=np.int64)
    full = np.zeros(n, dtype=bool)
    empty = np.zeros(n, dtype=bool)
    for i, notes in enumerate(pieces):
        found = melodic_incipit(notes, n_intervals=n_intervals, keep_repeats=keep_repeats)
        incipits[i, : found.size] = found
        full[i] = found.size == n_intervals
        empty[i] = notes.shape[0] == 0

    parent = np.arange(n)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n - 1):
        if empty[i]:
            continue
        mismatches = (incipits[i + 1 :] != incipits[i]).sum(axis=1)
        tolerance = np.where(full[i] & full[i + 1 :], max_mismatches, 0)
        for j in np.flatnonzero((mismatches <= tolerance) & ~empty[i + 1 :]) + i + 1:
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    roots = np.array([root(i) for i in range(n)], dtype=np.int64)
    _, first, inverse = np.unique(roots, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))  # number families by first appearance
    return order[inverse].astype(np.int64)


def describe_families(groups):
    """One line on how pieces were merged: ``"200 songs in 190 tune families ..."``."""
    groups = np.asarray(groups)
    sizes = np.bincount(np.unique(groups, return_inverse=True)[1])
    shared = sizes[sizes > 1]
    families = "family" if shared.size == 1 else "families"
    return (
        f"{groups.size} songs in {sizes.size} tune families "
        f"({shared.size} {families} of 2+ songs hold {int(shared.sum())} songs)"
    )
