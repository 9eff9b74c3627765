"""Metrics sklearn lacks: repeated-run summaries and what generated music is like.

Repeated runs
    :func:`trimmed_mean` -- the mean after dropping the best and worst runs (Wang).
Token models
    :func:`perplexity` -- ``exp(-mean log-likelihood per token)``.
Symbolic output (note-event arrays, :mod:`skmusic.io.notes`), what a musician
compares between generated and real pieces
    :func:`pitch_class_histogram`, :func:`pitch_class_histogram_distance`,
    :func:`pitch_range`, :func:`note_density`, :func:`scale_consistency`,
    :func:`repeated_note_ratio`, and :func:`symbolic_statistics` for all of
    them over a list of pieces.
Generated pieces of several classes
    :func:`generated_confusion_matrix` -- a classifier trained on real pieces
    labels generated ones, against the class each was generated for.
Four-part writing (voices as parts, top down)
    :func:`voice_leading_counts` for one piece and :func:`voice_leading_statistics`
    over pieces -- parallel fifths and octaves, voice crossings, notes outside
    each voice's range (:data:`BACH_VOICE_RANGES`), upper voices more than an
    octave apart.
"""

from itertools import pairwise
from numbers import Integral

import numpy as np

from .io.notes import check_notes

__all__ = [
    "BACH_VOICE_RANGES",
    "generated_confusion_matrix",
    "note_density",
    "perplexity",
    "pitch_class_histogram",
    "pitch_class_histogram_distance",
    "pitch_range",
    "repeated_note_ratio",
    "scale_consistency",
    "symbolic_statistics",
    "trimmed_mean",
    "voice_leading_counts",
    "voice_leading_statistics",
]

_MAJOR = np.array([0, 2, 4, 5, 7, 9, 11])
_HARMONIC_MINOR = np.array([0, 2, 3, 5, 7, 8, 11])
_NATURAL_MINOR = np.array([0, 2, 3, 5, 7, 8, 10])


def trimmed_mean(scores, n_drop=1, *, axis=0):
    """Mean of repeated runs after dropping the ``n_drop`` best and worst.

    Wang [1]_ reports the mean of 15 runs without the best and the worst one.

    Parameters
    ----------
    scores : array-like
        One score per run along ``axis`` (e.g. ``cross_val_score`` results of
        repeated fits, or a table runs x metrics).
    n_drop : int, default=1
        Runs dropped at each end.
    axis : int, default=0
        Axis of the runs.

    Returns
    -------
    mean : float or ndarray
        A float for 1D ``scores``.

    References
    ----------
    .. [1] Q. Wang, "Music Genre Classification using LSTM and CNN", Australian
       National University course report (undated).

    Examples
    --------
    >>> from skmusic.metrics import trimmed_mean
    >>> float(trimmed_mean([0.1, 0.80, 0.82, 0.84, 0.99]))
    0.82
    """
    if not isinstance(n_drop, Integral) or isinstance(n_drop, bool) or n_drop < 0:
        raise ValueError(f"n_drop must be a non-negative integer, got {n_drop!r}.")
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 0:
        raise ValueError("scores must hold one score per run, got a scalar.")
    if not np.isfinite(scores).all():
        raise ValueError("scores contain NaN or infinity; check the runs that produced them.")
    n = scores.shape[axis]
    if n <= 2 * n_drop:
        raise ValueError(
            f"{n} score(s) leave nothing after dropping the {n_drop} best and {n_drop} "
            f"worst; give more than {2 * n_drop} runs or a smaller n_drop."
        )
    ordered = np.sort(scores, axis=axis)
    kept = np.take(ordered, np.arange(n_drop, n - n_drop), axis=axis)
    mean = kept.mean(axis=axis)
    return float(mean) if np.ndim(mean) == 0 else mean


def perplexity(mean_log_likelihood):
    """``exp(-mean_log_likelihood)``: e.g. of a generator's ``score`` (nats per token).

    Parameters
    ----------
    mean_log_likelihood : float or array-like

    Returns
    -------
    perplexity : float or ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.metrics import perplexity
    >>> float(perplexity(np.log(1 / 12)))          # a uniform guess over 12 tokens
    12.0
    """
    out = np.exp(-np.asarray(mean_log_likelihood, dtype=float))
    return float(out) if out.ndim == 0 else out


def _notes(notes, name="notes"):
    notes = check_notes(notes, name=name)
    return notes


def _pieces(scores, name="scores"):
    """A list of note arrays from one note array or a list of them."""
    if isinstance(scores, np.ndarray) and scores.dtype.names is not None:
        return [scores]
    if isinstance(scores, (str, bytes)) or not hasattr(scores, "__len__"):
        raise ValueError(f"{name} must be a note-event array or a list of them.")
    if len(scores) == 0:
        raise ValueError(f"{name} is empty: give at least one piece.")
    return [check_notes(s, name=f"{name}[{i}]") for i, s in enumerate(scores)]


def pitch_class_histogram(notes, *, weight="count"):
    """Share of each of the 12 pitch classes (C, C#, ..., B).

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE, or list of them (pooled)
    weight : {"count", "duration"}, default="count"
        Count notes, or weigh each by its duration.

    Returns
    -------
    histogram : ndarray of shape (12,)
        Sums to 1 (all zeros for a piece without notes).

    Examples
    --------
    >>> from skmusic.io import make_notes
    >>> from skmusic.metrics import pitch_class_histogram
    >>> pitch_class_histogram(make_notes([60, 64, 72], [0, 1, 2], [1, 1, 1]))[[0, 4]]
    array([0.66666667, 0.33333333])
    """
    if weight not in ("count", "duration"):
        raise ValueError(f"weight must be 'count' or 'duration', got {weight!r}.")
    pieces = _pieces(notes, "notes")
    hist = np.zeros(12)
    for p in pieces:
        w = None if weight == "count" else p["duration"]
        hist += np.bincount(p["pitch"] % 12, weights=w, minlength=12)
    total = hist.sum()
    return hist / total if total > 0 else hist


def pitch_class_histogram_distance(notes_a, notes_b, *, weight="count"):
    """Total-variation distance between two pitch-class histograms.

    Half the L1 distance: 0 for identical pitch-class use, 1 for pieces
    sharing no pitch class. Pass lists of pieces to compare a generated set
    with a real one (each pooled).

    Parameters
    ----------
    notes_a, notes_b : ndarray of dtype NOTE_DTYPE, or list of them
    weight : {"count", "duration"}, default="count"

    Returns
    -------
    distance : float in [0, 1]

    Examples
    --------
    >>> from skmusic.io import make_notes
    >>> from skmusic.metrics import pitch_class_histogram_distance
    >>> c = make_notes([60, 64, 67], [0, 1, 2], [1, 1, 1])
    >>> fsharp = make_notes([66, 70, 73], [0, 1, 2], [1, 1, 1])
    >>> pitch_class_histogram_distance(c, c)
    0.0
    >>> round(pitch_class_histogram_distance(c, fsharp), 6)
    1.0
    """
    a = pitch_class_histogram(notes_a, weight=weight)
    b = pitch_class_histogram(notes_b, weight=weight)
    for name, h in (("notes_a", a), ("notes_b", b)):
        if h.sum() == 0:
            raise ValueError(f"{name} has no notes; a pitch-class histogram needs some.")
    return float(0.5 * np.abs(a - b).sum())


def _check_nonempty(notes, what):
    if notes.shape[0] == 0:
        raise ValueError(f"The piece has no notes; its {what} is undefined.")


def pitch_range(notes):
    """Highest minus lowest MIDI pitch, in semitones.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    range : int
    """
    notes = _notes(notes)
    _check_nonempty(notes, "pitch range")
    return int(notes["pitch"].max() - notes["pitch"].min())


def note_density(notes):
    """Notes per quarter note, from the first onset to the last note's end.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    density : float
    """
    notes = _notes(notes)
    _check_nonempty(notes, "note density")
    span = float((notes["onset"] + notes["duration"]).max() - notes["onset"].min())
    return notes.shape[0] / span if span > 0 else float("inf")


def scale_consistency(notes):
    """Largest share of notes inside one major or minor scale (any of 12 keys).

    As Mogren's C-RNN-GAN measures it: 1.0 when every note fits one scale
    (natural, harmonic minor and major scales are tried).

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    consistency : float in (0, 1]

    Examples
    --------
    >>> from skmusic.io import make_notes
    >>> from skmusic.metrics import scale_consistency
    >>> scale_consistency(make_notes([60, 62, 64, 65, 67, 69, 71, 61], range(8), [1] * 8))
    0.875
    """
    notes = _notes(notes)
    _check_nonempty(notes, "scale consistency")
    counts = np.bincount(notes["pitch"] % 12, minlength=12)
    best = 0
    for scale in (_MAJOR, _NATURAL_MINOR, _HARMONIC_MINOR):
        for tonic in range(12):
            best = max(best, counts[(scale + tonic) % 12].sum())
    return float(best / notes.shape[0])


def repeated_note_ratio(notes):
    """Share of events that repeat the event before them in the same part.

    An event is a note or chord: the pitches of one part starting together.
    Zong [1]_ found an untrained generator "repeated a single note all along"
    (ratio near 1); real melodies repeat much less.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    ratio : float in [0, 1]
        0.0 for a piece with fewer than two events.

    References
    ----------
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated).

    Examples
    --------
    >>> from skmusic.io import make_notes
    >>> from skmusic.metrics import repeated_note_ratio
    >>> repeated_note_ratio(make_notes([60, 60, 60, 62, 64], range(5), [1] * 5))
    0.5
    """
    notes = _notes(notes)
    repeats = transitions = 0
    for part in np.unique(notes["part"]):
        sel = notes[notes["part"] == part]
        sel = sel[np.lexsort((sel["pitch"], sel["onset"]))]
        _, starts = np.unique(sel["onset"], return_index=True)
        groups = np.split(sel["pitch"], starts[1:])
        events = [tuple(np.unique(g)) for g in groups]
        transitions += max(len(events) - 1, 0)
        repeats += sum(a == b for a, b in pairwise(events))
    return repeats / transitions if transitions else 0.0


def symbolic_statistics(scores):
    """The statistics of this module for every piece, as columns.

    Parameters
    ----------
    scores : list of ndarray of dtype NOTE_DTYPE
        Pieces with notes.

    Returns
    -------
    stats : dict of {str: ndarray of shape (n_pieces,)}
        ``n_notes``, ``pitch_range``, ``note_density``, ``scale_consistency``,
        ``repeated_note_ratio``, ``pitch_mean``; ``pandas.DataFrame(stats)``
        makes a table of it.
    """
    pieces = _pieces(scores)
    rows = {
        "n_notes": [p.shape[0] for p in pieces],
        "pitch_mean": [float(p["pitch"].mean()) if p.shape[0] else np.nan for p in pieces],
        "pitch_range": [pitch_range(p) for p in pieces],
        "note_density": [note_density(p) for p in pieces],
        "scale_consistency": [scale_consistency(p) for p in pieces],
        "repeated_note_ratio": [repeated_note_ratio(p) for p in pieces],
    }
    return {k: np.asarray(v, dtype=float) for k, v in rows.items()}


def generated_confusion_matrix(
    classifier, X_generated, y_intended, *, labels=None, sample_weight=None, normalize=None
):
    """Confusion matrix of generated pieces, as a classifier of real ones labels them.

    The test of Doyle and Lopez [1]_ (their Figure 7): a classifier trained
    on *real* pieces labels what each class's generator made; a generator that
    captured its class sees its pieces land in that class. Row ``i``, column
    ``j`` counts the pieces generated for class ``labels[i]`` that the
    classifier put in class ``labels[j]``; the share on the diagonal
    (``np.trace(cm) / cm.sum()``) is the accuracy of the generated pieces.
    Draw it with :class:`sklearn.metrics.ConfusionMatrixDisplay`.

    Parameters
    ----------
    classifier : fitted classifier or pipeline
        Trained on real pieces of the classes; has ``predict``.
    X_generated : batch of sequences
        The generated pieces, in the form the classifier takes (waveforms,
        note-event arrays, file paths...).
    y_intended : array-like of shape (n_pieces,)
        The class each piece was generated for.
    labels : array-like of shape (n_classes,), default=None
        Classes, in the order of the rows and columns; the classifier's
        ``classes_`` by default (else every label of ``y_intended`` and of the
        predictions, sorted).
    sample_weight : array-like of shape (n_pieces,), default=None
    normalize : {"true", "pred", "all"} or None, default=None
        As :func:`sklearn.metrics.confusion_matrix`: ``"true"`` makes every row
        (intended class) sum to 1.

    Returns
    -------
    cm : ndarray of shape (n_classes, n_classes)
        Rows: intended class; columns: the classifier's label.
    labels : ndarray of shape (n_classes,)
        The classes of the rows and columns.

    See Also
    --------
    sklearn.metrics.confusion_matrix : the same table for real pieces.
    sklearn.metrics.ConfusionMatrixDisplay : draws it.

    References
    ----------
    .. [1] L. Doyle and R. A. Lopez, "Genre Classification and Generation of
       Music Samples via Neural Networks", course project report (undated).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmusic.features import SequenceStats
    >>> from skmusic.metrics import generated_confusion_matrix
    >>> rng = np.random.RandomState(0)
    >>> real = [rng.randn(1, 50) + 3 * (i % 2) for i in range(20)]
    >>> y = ["loud" if i % 2 else "soft" for i in range(20)]
    >>> clf = make_pipeline(SequenceStats(), LogisticRegression()).fit(real, y)
    >>> generated = [rng.randn(1, 50) + 3, rng.randn(1, 50), rng.randn(1, 50)]
    >>> cm, labels = generated_confusion_matrix(clf, generated, ["loud", "loud", "soft"])
    >>> labels.tolist(), cm.tolist()
    (['loud', 'soft'], [[1, 1], [0, 1]])
    >>> float(np.trace(cm) / cm.sum())               # generated pieces labelled as intended
    0.6666666666666666
    """
    from sklearn.metrics import confusion_matrix
    from sklearn.utils.validation import check_is_fitted, column_or_1d

    if not hasattr(classifier, "predict"):
        raise TypeError(
            f"classifier must be a fitted classifier with predict; got {type(classifier).__name__}."
        )
    check_is_fitted(classifier)
    y_intended = column_or_1d(y_intended, warn=True)
    if len(y_intended) == 0:
        raise ValueError("y_intended is empty: give the class of every generated piece.")
    n_pieces = X_generated.shape[0] if hasattr(X_generated, "shape") else len(X_generated)
    if n_pieces != len(y_intended):
        raise ValueError(
            f"X_generated has {n_pieces} pieces but y_intended has {len(y_intended)} labels; "
            "give the intended class of every generated piece."
        )
    y_pred = np.asarray(classifier.predict(X_generated))
    if labels is None:
        labels = getattr(classifier, "classes_", None)
        if labels is None:
            labels = np.unique(np.r_[y_intended, y_pred])
    labels = np.asarray(labels)
    unknown = sorted(set(y_intended.tolist()) - set(labels.tolist()))
    if unknown:
        raise ValueError(
            f"y_intended holds classes {unknown} that are not in labels "
            f"{labels.tolist()}; the classifier can never give them."
        )
    cm = confusion_matrix(
        y_intended, y_pred, labels=labels, sample_weight=sample_weight, normalize=normalize
    )
    return cm, labels


#: The ranges (lowest, highest MIDI pitch) of the voices of Bach's chorales:
#: soprano, alto, tenor, bass.
BACH_VOICE_RANGES = ((57, 81), (53, 74), (48, 69), (36, 64))

_VOICE_LEADING_RATES = {
    # rate: (numerator, denominator)
    "parallel_fifths": ("n_parallel_fifths", "n_pair_transitions"),
    "parallel_octaves": ("n_parallel_octaves", "n_pair_transitions"),
    "crossings": ("n_crossings", "n_adjacent_slices"),
    "out_of_range": ("n_out_of_range", "n_notes"),
    "wide_spacing": ("n_wide_spacing", "n_upper_slices"),
}


def _sounding(line, times):
    """The pitch one voice sounds at each time (-1: silent); of notes that
    start together, the last in the array's order."""
    onset = np.round(line["onset"].astype(float), 6)
    end = np.round((line["onset"] + line["duration"]).astype(float), 6)
    idx = np.searchsorted(onset, times, side="right") - 1
    ok = idx >= 0
    ok[ok] &= end[idx[ok]] > times[ok]
    out = np.full(len(times), -1, dtype=np.int64)
    out[ok] = line["pitch"][idx[ok]]
    return out


def voice_leading_counts(notes, *, ranges=BACH_VOICE_RANGES):
    """Voice-leading faults of one piece of separate voices, counted.

    The parts are the voices, the lowest part number the top voice (a
    chorale's soprano, alto, tenor, bass as parts 0-3). The piece is read as
    a sequence of slices, one at every time a note starts; at each, every
    voice sounds one pitch or is silent.

    * a **parallel fifth (octave)**: two voices that sound in two successive
      slices both move, in the same direction, and are a fifth (an octave or
      unison) apart, modulo octaves, in both;
    * a **crossing**: in a slice, a voice sounds above the voice next above it;
    * a note **out of range**: outside its voice's range in ``ranges``;
    * **wide spacing**: in a slice, two adjacent voices among the top three
      more than an octave apart.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
        A piece with one part per voice.
    ranges : sequence of (int, int) or None, default=BACH_VOICE_RANGES
        Lowest and highest MIDI pitch of each voice, top down (one pair per
        part); ``None`` counts no range faults.

    Returns
    -------
    counts : dict of {str: int}
        ``n_parallel_fifths``, ``n_parallel_octaves`` out of
        ``n_pair_transitions`` (pairs of voices sounding in two successive
        slices); ``n_crossings`` out of ``n_adjacent_slices`` (adjacent pairs
        sounding in a slice); ``n_out_of_range`` out of ``n_notes``;
        ``n_wide_spacing`` out of ``n_upper_slices``.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.metrics import voice_leading_counts
    >>> # C-G moving to D-A in two voices: one parallel fifth
    >>> piece = make_notes([67, 69, 60, 62], [0, 1, 0, 1], [1, 1, 1, 1], part=[0, 0, 1, 1])
    >>> c = voice_leading_counts(piece, ranges=None)
    >>> c["n_parallel_fifths"], c["n_pair_transitions"]
    (1, 1)
    """
    notes = check_notes(notes)
    parts = np.unique(notes["part"])
    if ranges is not None and len(ranges) != len(parts):
        raise ValueError(
            f"The piece has {len(parts)} parts but ranges gives {len(ranges)} voices; "
            "give one (low, high) pair per part, or ranges=None."
        )
    lines = []
    for p in parts:
        line = notes[notes["part"] == p]
        lines.append(line[np.lexsort((line["pitch"], line["onset"]))])
    times = np.unique(np.round(notes["onset"].astype(float), 6))
    pitch = np.stack([_sounding(line, times) for line in lines])  # (voices, slices)
    sounding = pitch >= 0
    counts = dict.fromkeys(
        ["n_parallel_fifths", "n_parallel_octaves", "n_pair_transitions", "n_crossings"], 0
    )
    n_voices = len(lines)
    for a in range(n_voices):
        for b in range(a + 1, n_voices):
            both = sounding[a] & sounding[b]
            step = both[:-1] & both[1:]
            counts["n_pair_transitions"] += int(step.sum())
            move_a, move_b = np.diff(pitch[a]), np.diff(pitch[b])
            similar = (np.sign(move_a) == np.sign(move_b)) & (move_a != 0) & (move_b != 0)
            gap = np.abs(pitch[a] - pitch[b]) % 12
            same = gap[:-1] == gap[1:]
            for name, interval in (("n_parallel_fifths", 7), ("n_parallel_octaves", 0)):
                counts[name] += int((step & similar & same & (gap[:-1] == interval)).sum())
    adjacent = sounding[:-1] & sounding[1:]
    counts["n_crossings"] = int((adjacent & (pitch[1:] > pitch[:-1])).sum())
    counts["n_adjacent_slices"] = int(adjacent.sum())
    upper = adjacent[:2]
    counts["n_wide_spacing"] = int((upper & (pitch[:2] - pitch[1:3] > 12)).sum())
    counts["n_upper_slices"] = int(upper.sum())
    counts["n_notes"] = int(notes.shape[0])
    out_of_range = 0
    if ranges is not None:
        for line, (low, high) in zip(lines, ranges, strict=True):
            out_of_range += int(((line["pitch"] < low) | (line["pitch"] > high)).sum())
    counts["n_out_of_range"] = out_of_range
    return counts


def voice_leading_statistics(scores, *, ranges=BACH_VOICE_RANGES, pooled=False):
    """Rates of voice-leading faults of pieces of separate voices.

    See :func:`voice_leading_counts` for what is counted. Rates:
    ``parallel_fifths`` and ``parallel_octaves`` per voice-pair transition,
    ``crossings`` per adjacent pair of voices in a slice, ``out_of_range`` per
    note, ``wide_spacing`` per adjacent pair of the top three voices in a
    slice.

    Parameters
    ----------
    scores : ndarray of dtype NOTE_DTYPE or list of them
        Pieces with one part per voice.
    ranges : sequence of (int, int) or None, default=BACH_VOICE_RANGES
        As in :func:`voice_leading_counts`.
    pooled : bool, default=False
        ``True``: one rate per fault over all pieces together (every fault
        over every opportunity); ``False``: one rate per piece.

    Returns
    -------
    stats : dict of {str: float or ndarray of shape (n_pieces,)}
        The five rates, and the counts they come from (per piece, or summed
        when ``pooled``).

    Examples
    --------
    >>> from music21 import corpus
    >>> from skmusic.io import read_score
    >>> from skmusic.metrics import voice_leading_statistics
    >>> chorale = read_score(corpus.getWork("bach/bwv66.6"))
    >>> stats = voice_leading_statistics([chorale], pooled=True)
    >>> stats["out_of_range"], stats["n_pair_transitions"] > 0
    (0.0, True)
    """
    pieces = _pieces(scores)
    rows = [voice_leading_counts(p, ranges=ranges) for p in pieces]
    counts = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    if pooled:
        counts = {k: int(v.sum()) for k, v in counts.items()}
        rates = {
            name: (counts[num] / counts[den] if counts[den] else 0.0)
            for name, (num, den) in _VOICE_LEADING_RATES.items()
        }
    else:
        rates = {
            name: np.divide(
                counts[num], counts[den], out=np.zeros(len(pieces)), where=counts[den] > 0
            )
            for name, (num, den) in _VOICE_LEADING_RATES.items()
        }
    return {**rates, **counts}
