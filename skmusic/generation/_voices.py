"""Four-part chorales: a generator of soprano, alto, tenor and bass, and harmonization."""

import warnings
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from scipy.special import log_softmax
from sklearn.base import DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..features.symbolic import check_scores
from ..features.symbolic._score_features import best_key, key_correlations
from ..io.notes import check_notes, make_notes
from ..nn.base import BaseNeuralEstimator, fill_doc
from ..nn.data import SequenceDataset, batch_to_tensors, inference
from ..nn.voice_modules import (
    DRAW_ORDER,
    END,
    START,
    ChoraleNet,
    SummedNLLLoss,
    interval_ids,
)
from ..utils.tunes import tune_families
from ..utils.validation import check_positive_int
from ._base import check_temperature
from ._tokens import _draw

__all__ = ["VOICES", "ChoraleGenerator", "estimate_meter", "quarter_frames"]

#: The four voices, top down; part ``i`` of a chorale is ``VOICES[i]``.
VOICES = ("soprano", "alto", "tenor", "bass")

#: Grid steps per quarter note: 16th notes.
GRID = 4
_LOWEST_KEY = 21  # A0: pitch id 1 (0 is a rest)
_N_KEYS = 88
# (beats per bar unit, phase) -> position id of the first beat: a unit of 2
# quarters (4/4 read as two half-note beats) or of 3 (3/4)
_UNITS = (2, 3)
_POSITION_IDS = {(2, 0): 0, (2, 1): 1, (3, 0): 2, (3, 1): 3, (3, 2): 4}
_N_POSITIONS = 5
# every pattern a voice could make in one beat: struck or held, then hold,
# rest or a new note -12..12 semitones from the beat's pitch at each 16th
_N_POSSIBLE_PATTERNS = 2 * 27**3


class _NotAChorale(ValueError):
    pass


# ---------------------------------------------------------------- analysis
def estimate_meter(notes):
    """The metrical unit and phase of a piece, from where its long notes start.

    Chorales move in beats of two quarters (4/4 read as two half-note beats)
    or three (3/4). For each unit and each phase, the share of the piece's
    duration that starts on the unit's first quarter is measured; the best
    wins. Note-event arrays carry no bar lines, so this is an estimate: on
    149 chorales of the music21 corpus whose time signature and pickup music21
    reads, it finds the unit of 141 and the phase of 136.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    unit : int
        Quarter notes per metrical unit: 2 or 3.
    phase : int
        Onset (in quarters, modulo ``unit``) of the units' first beats.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.generation import estimate_meter
    >>> estimate_meter(make_notes([60, 62, 64, 65], [0, 1, 3, 4], [1, 2, 1, 3]))
    (3, 1)
    """
    notes = check_notes(notes)
    onset = notes["onset"].astype(float)
    weight = np.maximum(notes["duration"].astype(float), 1e-3)
    best, best_score = (2, 0), -1.0
    for unit in _UNITS:
        for phase in range(unit):
            offset = (onset - phase) % unit
            first = np.isclose(offset, 0) | np.isclose(offset, unit)
            score = weight[first].sum() / weight.sum()
            if score > best_score + 1e-9:
                best, best_score = (unit, phase), score
    return best


def _key_shift(notes):
    """(semitones to C, minor) of a piece: its key's tonic moved to C, the
    nearer way (-5..6 semitones)."""
    tonic, major = best_key(key_correlations(notes))
    shift = (-tonic) % 12
    if shift > 6:
        shift -= 12
    return int(shift), not major


def _quantize(notes):
    """Onset and end of every note on the 16th grid (every note at least one step)."""
    on = np.rint(notes["onset"].astype(float) * GRID).astype(np.int64)
    off = np.rint((notes["onset"] + notes["duration"]).astype(float) * GRID).astype(np.int64)
    return on, np.maximum(off, on + 1)


def _line_grid(notes, length):
    """One voice on the grid: pitch (-1 a rest) and onset flag of every 16th.

    A later note cuts the one before it; of notes starting together the highest
    stays.
    """
    pitch = np.full(length, -1, dtype=np.int64)
    onset = np.zeros(length, dtype=bool)
    on, off = _quantize(notes)
    order = np.lexsort((notes["pitch"], on))
    for i in order:
        pitch[on[i] : off[i]] = notes["pitch"][i]
        onset[on[i]] = True
        onset[on[i] + 1 : off[i]] = False
    return pitch, onset


def _grid_length(notes):
    _, off = _quantize(notes)
    return int(-(-off.max() // GRID) * GRID)


def _voices(notes, i, name="X"):
    """The four parts of a chorale, top voice first (by mean pitch)."""
    parts = np.unique(notes["part"])
    if len(parts) != 4:
        raise _NotAChorale(
            f"{name}[{i}] has {len(parts)} part(s), not the four voices of a chorale"
        )
    means = [notes["pitch"][notes["part"] == p].mean() for p in parts]
    return [notes[notes["part"] == parts[k]] for k in np.argsort(means)[::-1]]


def _pattern(pitch, onset, t, next_pitch):
    """The pattern of one voice in beat ``t``: (struck, x1, x2, x3), or None
    when it cannot be written as one (a leap over an octave inside a beat)."""
    g0 = GRID * t
    beat = pitch[g0]
    if beat >= 0:
        struck = bool(onset[g0])
        ref = beat
    else:
        struck = g0 == 0 or pitch[g0 - 1] >= 0
        ref = next_pitch if next_pitch is not None and next_pitch >= 0 else None
    steps = []
    for g in range(g0 + 1, g0 + GRID):
        if onset[g] and pitch[g] >= 0:
            if ref is None or abs(pitch[g] - ref) > 12:
                return None
            steps.append(int(pitch[g] - ref))
        elif pitch[g] < 0 and pitch[g - 1] >= 0:
            steps.append("r")
        else:
            steps.append("h")
    return (int(struck), *steps)


def _encode(notes, i, name="X"):
    """A chorale as the network reads it (transposed to C), with its facts."""
    voices = _voices(notes, i, name)
    shift, minor = _key_shift(notes)
    unit, phase = estimate_meter(notes)
    length = _grid_length(notes)
    n_beats = length // GRID
    beats = np.zeros((4, n_beats), dtype=np.int64)
    patterns = []
    for v, line in enumerate(voices):
        line = line.copy()
        line["pitch"] = line["pitch"] + shift
        pitch, onset = _line_grid(line, length)
        sounding = pitch[pitch >= 0]
        if sounding.size and (
            sounding.min() < _LOWEST_KEY or sounding.max() >= _LOWEST_KEY + _N_KEYS
        ):
            raise _NotAChorale(f"{name}[{i}] has pitches outside the 88 keys")
        at_beats = pitch[::GRID]
        beats[v] = np.where(at_beats >= 0, at_beats - _LOWEST_KEY + 1, 0)
        patterns.append(
            [
                _pattern(pitch, onset, t, at_beats[t + 1] if t + 1 < n_beats else None)
                for t in range(n_beats)
            ]
        )
    return {
        "beats": beats,
        "patterns": patterns,
        "shift": shift,
        "minor": minor,
        "start": _POSITION_IDS[(unit, (-phase) % unit)],
        "voices": voices,
    }


def _positions(start, n):
    """Position ids of ``n`` beats from the first beat's id."""
    unit, phase = next(k for k, v in _POSITION_IDS.items() if v == start)
    return np.array([_POSITION_IDS[(unit, (phase + t) % unit)] for t in range(n)])


def quarter_frames(notes):
    """The quarter-note frames of a piece in C, as the JSB-chorales benchmark scores them.

    The piece is transposed to C major or C minor (its estimated key's tonic
    moved to C, the nearer way), put on the 16th-note grid, and read at every
    quarter-note beat: which of the 88 piano keys (MIDI 21-108) sound there.
    This is the representation of Boulanger-Lewandowski et al.'s JSB chorales,
    where each frame's 88 keys are scored as Bernoulli outcomes.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE

    Returns
    -------
    frames : ndarray of shape (88, n_beats), dtype bool

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.generation import quarter_frames
    >>> frames = quarter_frames(make_notes([62, 66, 69, 62], [0, 0, 0, 1], [1, 1, 2, 1]))
    >>> [(frames[:, t].nonzero()[0] + 21).tolist() for t in range(2)]  # D major in C
    [[60, 64, 67], [60, 67]]
    """
    notes = check_notes(notes)
    if notes.shape[0] == 0:
        raise ValueError("The piece has no notes.")
    shift, _ = _key_shift(notes)
    length = _grid_length(notes)
    frames = np.zeros((_N_KEYS, length // GRID), dtype=bool)
    on, off = _quantize(notes)
    keys = notes["pitch"].astype(np.int64) + shift - _LOWEST_KEY
    if keys.min() < 0 or keys.max() >= _N_KEYS:
        raise ValueError("The piece has pitches outside the 88 piano keys (MIDI 21-108).")
    for key, a, b in zip(keys, on, off, strict=True):
        frames[key, -(-a // GRID) : -(-b // GRID)] = True
    return frames


# ---------------------------------------------------------------- decoding
def _decode_line(beats, patterns, vocabulary):
    """One voice's grid (pitch, onset) from its beat pitches (MIDI, -1 rest)
    and pattern ids (``len(vocabulary)`` and up: none, hold the beat)."""
    n = len(beats)
    pitch = np.full(n * GRID, -1, dtype=np.int64)
    onset = np.zeros(n * GRID, dtype=bool)
    for t in range(n):
        g0 = GRID * t
        pid = patterns[t]
        struck, *steps = vocabulary[pid] if pid < len(vocabulary) else (0, "h", "h", "h")
        beat = beats[t]
        if beat >= 0:
            pitch[g0] = beat
            onset[g0] = bool(struck) or g0 == 0 or pitch[g0 - 1] != beat
            ref = beat
        else:
            ref = beats[t + 1] if t + 1 < n and beats[t + 1] >= 0 else None
        for k, step in enumerate(steps, start=1):
            g = g0 + k
            if step == "h" or (step != "r" and ref is None):
                pitch[g] = pitch[g - 1]
            elif step == "r":
                pitch[g] = -1
            else:
                pitch[g] = ref + step
                onset[g] = True
    return pitch, onset


def _grid_notes(pitch, onset, part):
    """Note events of one voice's grid."""
    starts = np.flatnonzero((pitch >= 0) & (onset | np.r_[True, pitch[1:] != pitch[:-1]]))
    ends = []
    for s in starts:
        e = s + 1
        while e < len(pitch) and pitch[e] == pitch[s] and not onset[e]:
            e += 1
        ends.append(e)
    ends = np.asarray(ends, dtype=np.int64)
    return make_notes(pitch[starts], starts / GRID, (ends - starts) / GRID, velocity=64, part=part)


# ------------------------------------------------------------ constraints
_HOLD, _REST = 1000, 1001


def _pattern_table(vocabulary):
    """``(n_patterns + 1, 3)`` codes of the three 16ths after the beat of every
    pattern (an interval, ``_HOLD`` or ``_REST``); the last row, the shared
    class of rare patterns, holds."""
    codes = {"h": _HOLD, "r": _REST}
    rows = [[codes.get(x, x) for x in p[1:]] for p in vocabulary]
    return np.array([*rows, [_HOLD] * 3], dtype=np.int64)


def _candidate_pitches(table, beat, nxt):
    """Pitches (-1 silent) of the four 16ths of a beat under every pattern,
    ``(n, n_patterns + 1, 4)``, for beat pitches ``beat`` and next beats
    ``nxt`` (MIDI, -1 a rest), as :func:`_decode_line` writes them."""
    ref = np.where(beat >= 0, beat, nxt)[:, None]
    out = np.empty((len(beat), len(table), GRID), dtype=np.int64)
    out[:, :, 0] = beat[:, None]
    for k in range(GRID - 1):
        code = table[None, :, k]
        hold = (code == _HOLD) | ((code != _REST) & (ref < 0))
        out[:, :, k + 1] = np.where(hold, out[:, :, k], np.where(code == _REST, -1, ref + code))
    return out


def _parallel(a0, a1, b0, b1):
    """Whether two voices move from ``(a0, b0)`` to ``(a1, b1)`` in parallel
    fifths or octaves (all sounding, both moving the same way, the same
    perfect interval class)."""
    gap0, gap1 = np.abs(a0 - b0) % 12, np.abs(a1 - b1) % 12
    sounding = (a0 >= 0) & (a1 >= 0) & (b0 >= 0) & (b1 >= 0)
    move_a, move_b = a1 - a0, b1 - b0
    similar = (np.sign(move_a) == np.sign(move_b)) & (move_a != 0) & (move_b != 0)
    return sounding & similar & (gap0 == gap1) & ((gap0 == 0) | (gap0 == 7))


def _beat_parallels(prev_v, prev_u, cur_u):
    """``(n, END + 1)``: which beat ids of a voice (after ``prev_v``) would move
    in parallel with another voice going from ``prev_u`` to ``cur_u`` (ids)."""

    def pitch(ids):
        return np.where((ids > 0) & (ids < END), ids + _LOWEST_KEY - 1, -1)

    cand = pitch(np.arange(END + 1))[None, :]
    return _parallel(pitch(prev_v)[:, None], cand, pitch(prev_u)[:, None], pitch(cur_u)[:, None])


def _held(seq, before):
    """``seq`` (..., k) with every rest (-1) replaced by the pitch sounding last
    (``before``, broadcast to ``seq[..., 0]``, before the first): a voice is
    heard to move from its last note across a rest, as the slices of
    :func:`skmusic.metrics.voice_leading_counts` compare it when nothing starts
    during the rest."""
    out = seq.copy()
    last = np.broadcast_to(before, seq.shape[:-1])
    for k in range(seq.shape[-1]):
        out[..., k] = np.where(seq[..., k] >= 0, seq[..., k], last)
        last = out[..., k]
    return out


def _grid_parallels(cands, next_v, before_v, line_u, next_u, before_u):
    """``(n, n_patterns + 1)``: which patterns of a voice make parallels with
    voice ``u`` (its four 16ths ``line_u``) inside the beat or into the next;
    ``before_*`` are the pitches the voices sounded last before the beat."""
    after = np.broadcast_to(next_v[:, None, None], (*cands.shape[:2], 1))
    seq_v = _held(np.concatenate([cands, after], -1), before_v[:, None])
    seq_u = _held(np.concatenate([line_u, next_u[:, None]], -1), before_u)[:, None, :]
    return _parallel(seq_v[..., :-1], seq_v[..., 1:], seq_u[..., :-1], seq_u[..., 1:]).any(-1)


def _range_mask(ranges):
    """``(n, 89)``: which beat ids (rest, 88 keys) lie in each row's (low, high)."""
    pitch = np.arange(_N_KEYS + 1) + _LOWEST_KEY - 1
    ok = (pitch[None] >= ranges[:, :1]) & (pitch[None] <= ranges[:, 1:])
    ok[:, 0] = True  # a rest
    return ok


@fill_doc
class ChoraleGenerator(DensityMixin, BaseNeuralEstimator):
    """Four-part chorales: soprano, alto, tenor and bass, sampled or harmonizing a melody.

    A chorale is read as four voices kept apart, top down (the parts of each
    piece ordered by mean pitch), transposed to C major or C minor (the key
    found by Krumhansl-Schmuckler key-finding), on a grid of 16th notes with
    every note's start marked (a held note and a repeated one differ). The
    network (:class:`skmusic.nn.voice_modules.ChoraleNet`) models it on two
    levels:

    * the pitch every voice sounds at every quarter-note **beat**: the
      soprano's beats by a causal LSTM (it ends the chorale by drawing an end
      token); the alto's, tenor's and bass's by a causal LSTM over their own
      past that reads the *whole* soprano line through a bidirectional GRU,
      predicting at each beat the bass, then the alto, then the tenor, each
      given the voices before it. So ``p(chorale) = p(soprano) p(lower voices
      | soprano)``, and :meth:`harmonize` samples the second factor for a given
      melody, seeing where the melody goes as Bach did;
    * the **details** inside each beat on the 16th grid: whether the beat's
      note is struck or held over, then the passing notes, rests and holds of
      the next three 16ths, as one "pattern" from a vocabulary learned in
      ``fit`` (patterns seen fewer than ``min_pattern_count`` times share one
      class, its probability split among every pattern a beat could hold).

    Every beat also gets its metrical position (from :func:`estimate_meter`:
    note-event arrays carry no bar lines) and the mode. Fermatas are not
    used: note-event arrays do not carry them.

    Because the beat level never reads the details, it is itself a
    distribution over the quarter-note frames the JSB-chorales benchmark
    scores (:func:`quarter_frames`): :meth:`score_frames` is a lower bound on
    the log-likelihood of those frames (the probability of the one voicing of
    them the chorale has), comparable with per-key Bernoulli models.

    It is a density estimator in sklearn's sense: :meth:`score` is the mean
    log-likelihood per beat of held-out chorales (beats and details of all four
    voices, key and metre included), so ``GridSearchCV`` tunes it.

    Parameters
    ----------
    embedding_dim : int, default=32
        Size of the embeddings of pitches, positions, modes and patterns.
    hidden_size : int, default=192
        Units of the LSTMs (both directions of a GRU together) and of the
        output layers' hidden layer.
    dropout : float, default=0.3
        On the embeddings, the recurrent outputs and the hidden layers.
    min_pattern_count : int, default=3
        Patterns seen fewer times in ``fit`` share one class.
    {training}

    Attributes
    ----------
    patterns_ : list of tuple
        The pattern vocabulary: ``(struck, x1, x2, x3)``, ``struck`` 1 when the
        beat's note starts at the beat, each ``x`` ``"h"`` (hold), ``"r"`` (a
        rest starts) or the interval in semitones of a new note from the
        beat's pitch.
    mode_log_prior_ : ndarray of shape (2,)
        Log-probabilities of major and minor (training counts plus one).
    position_log_prior_ : ndarray of shape (5,)
        Log-probabilities of the first beat's metrical position.
    shifts_ : ndarray of shape (n_chorales, 2)
        The mode (0 major, 1 minor) and transposition to C of every training
        chorale: :meth:`sample` draws a key from them.
    voice_ranges_ : ndarray of shape (4, 2)
        Lowest and highest MIDI pitch of each voice (soprano first) in the
        training chorales as written.
    transposed_ranges_ : ndarray of shape (4, 2)
        The same in C major / C minor, as the network saw them.
    length_range_ : ndarray of shape (2,)
        Quarter-note beats of the shortest and the longest training chorale.
    n_chorales_ : int
        Training chorales used (pieces that are not four parts are skipped).
    net_ : skorch.NeuralNet
        The fitted net; ``net_.history`` holds the losses per epoch.

    See Also
    --------
    NoteLSTMGenerator : one line of note tokens.
    skmusic.metrics.voice_leading_statistics : parallels, crossings, ranges.

    References
    ----------
    .. [1] G. Hadjeres, F. Pachet and F. Nielsen, "DeepBach: a Steerable Model
       for Bach Chorales Generation", ICML 2017.
    .. [2] N. Boulanger-Lewandowski, Y. Bengio and P. Vincent, "Modeling
       Temporal Dependencies in High-Dimensional Sequences: Application to
       Polyphonic Music Generation and Transcription", ICML 2012.

    Examples
    --------
    >>> from skmusic.datasets import load_corpus
    >>> from skmusic.generation import ChoraleGenerator
    >>> chorales = load_corpus("bach", max_per_class=8, verbose=False).data
    >>> gen = ChoraleGenerator(hidden_size=32, max_epochs=2, random_state=0)
    >>> gen = gen.fit([c for c in chorales if len(set(c["part"])) == 4])
    >>> piece = gen.sample(max_beats=16, random_state=0)[0]
    >>> sorted(set(piece["part"].tolist()))
    [0, 1, 2, 3]
    >>> melody = chorales[0][chorales[0]["part"] == 0]
    >>> chorale = gen.harmonize(melody, random_state=0)
    >>> bool((chorale[chorale["part"] == 0] == melody).all())  # the melody, note for note
    True
    """

    _criterion = SummedNLLLoss
    _split_doc = "whole training chorales, a hymn tune's settings on one side"
    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 2, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "min_pattern_count": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        embedding_dim=32,
        hidden_size=192,
        dropout=0.3,
        min_pattern_count=3,
        max_epochs=30,
        batch_size=16,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=8,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.min_pattern_count = min_pattern_count
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_time = max_time
        self.grad_clip = grad_clip
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    # ------------------------------------------------------------- fitting
    def _build_module(self, n_channels, n_outputs):
        return ChoraleNet(
            len(self.patterns_),
            n_positions=_N_POSITIONS,
            embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size,
            dropout=self.dropout,
        )

    def _pattern_ids(self, patterns):
        other = len(self.patterns_)
        index = {p: k for k, p in enumerate(self.patterns_)}
        return np.array(
            [[index.get(p, other) for p in line] for line in patterns],
            dtype=np.int64,
        )

    def _columns(self, chorale):
        """The ``(10, n_beats + 1)`` ids the network reads (see ChoraleNet)."""
        beats = chorale["beats"]
        n = beats.shape[1]
        cols = np.zeros((10, n + 1), dtype=np.int64)
        cols[:4, :n] = beats
        cols[0, n] = END
        cols[1:4, n] = START
        cols[4] = _positions(chorale["start"], n + 1)
        cols[5] = int(chorale["minor"])
        cols[6:10, :n] = self._pattern_ids(chorale["patterns"])
        return cols

    def _encode_all(self, X, *, fit):
        scores = check_scores(X)
        encoded, skipped = [], []
        for i, notes in enumerate(scores):
            try:
                encoded.append(_encode(notes, i))
            except _NotAChorale as exc:
                if not fit:
                    raise ValueError(
                        f"{exc}; {type(self).__name__} scores four-part chorales only."
                    ) from None
                skipped.append(str(exc))
        if not encoded:
            raise ValueError(
                "No four-part chorale in X: every piece needs exactly four parts "
                "(soprano, alto, tenor, bass), e.g. load_corpus('bach').data; "
                f"{skipped[0]}."
            )
        if skipped:
            warnings.warn(
                f"{len(skipped)} of {len(scores)} pieces skipped, not four-part chorales: "
                + "; ".join(skipped[:5])
                + ("; ..." if len(skipped) > 5 else ""),
                UserWarning,
                stacklevel=4,
            )
        return encoded

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on four-part chorales.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Chorales as note events (e.g. ``load_corpus("bach").data``), each
            with four parts; other pieces are skipped with a warning.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        encoded = self._encode_all(X, fit=True)
        counts = {}
        for chorale in encoded:
            for line in chorale["patterns"]:
                for p in line:
                    if p is not None:
                        counts[p] = counts.get(p, 0) + 1
        kept = sorted(
            (p for p, c in counts.items() if c >= self.min_pattern_count),
            key=lambda p: (-counts[p], str(p)),
        )
        if not kept:  # at least "struck, held three 16ths" and its held twin
            kept = [(1, "h", "h", "h"), (0, "h", "h", "h")]
        self.patterns_ = kept
        minor = np.array([c["minor"] for c in encoded], dtype=np.int64)
        starts = np.array([c["start"] for c in encoded], dtype=np.int64)
        self.mode_log_prior_ = np.log((np.bincount(minor, minlength=2) + 1) / (len(minor) + 2))
        self.position_log_prior_ = np.log(
            (np.bincount(starts, minlength=_N_POSITIONS) + 1) / (len(starts) + _N_POSITIONS)
        )
        self.shifts_ = np.array([[c["minor"], c["shift"]] for c in encoded], dtype=np.int64)
        self.voice_ranges_ = np.array(
            [
                [
                    min(int(c["voices"][v]["pitch"].min()) for c in encoded),
                    max(int(c["voices"][v]["pitch"].max()) for c in encoded),
                ]
                for v in range(4)
            ]
        )
        self.transposed_ranges_ = np.array(
            [
                [
                    min(int(c["voices"][v]["pitch"].min()) + c["shift"] for c in encoded),
                    max(int(c["voices"][v]["pitch"].max()) + c["shift"] for c in encoded),
                ]
                for v in range(4)
            ]
        )
        n_beats = [c["beats"].shape[1] for c in encoded]
        self.length_range_ = np.array([min(n_beats), max(n_beats)])
        self.n_chorales_ = len(encoded)
        Xt, lengths = batch_to_tensors([self._columns(c) for c in encoded], dtype=np.int64)
        if lengths is None:
            lengths = torch.full((len(encoded),), Xt.shape[-1], dtype=torch.long)
        groups = tune_families([c["voices"][0] for c in encoded])
        self._fit_net(SequenceDataset(Xt, lengths), n_channels=10, n_outputs=None, groups=groups)
        return self

    # ------------------------------------------------------------- scoring
    def _parts(self, X):
        """Per chorale: side, beats, lower beats, details, lower details
        log-likelihoods and the beats, an ``(n, 6)`` array."""
        check_is_fitted(self, "net_")
        encoded = self._encode_all(X, fit=False)
        Xt, lengths = batch_to_tensors([self._columns(c) for c in encoded], dtype=np.int64)
        if lengths is None:
            lengths = torch.full((len(encoded),), Xt.shape[-1], dtype=torch.long)
        ll = self._predict_batches(Xt, lengths, forward=_log_likelihoods).double().numpy()
        penalty = np.log(_N_POSSIBLE_PATTERNS - len(self.patterns_))
        side = np.array(
            [
                self.mode_log_prior_[int(c["minor"])] + self.position_log_prior_[c["start"]]
                for c in encoded
            ]
        )
        lower = ll[:, 1:4].sum(1)
        lower_details = ll[:, 5] - penalty * ll[:, 7]
        details = ll[:, 4] - penalty * ll[:, 6] + lower_details
        n_beats = lengths.numpy() - 1.0
        return np.column_stack([side, ll[:, 0] + lower, lower, details, lower_details, n_beats])

    def score_samples(self, X):
        """Log-likelihood per beat of every chorale (beats, details, key, metre).

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Four-part chorales.

        Returns
        -------
        scores : ndarray of shape (n_chorales,)
        """
        p = self._parts(X)
        return (p[:, 0] + p[:, 1] + p[:, 3]) / p[:, 5]

    def score(self, X, y=None):
        """Mean log-likelihood per quarter-note beat of held-out chorales (higher is better).

        Everything the model draws counts: the mode and metrical phase (from
        their training frequencies), every voice's pitch at every beat, the
        end of the chorale, and every voice's 16th-note pattern in every beat.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Four-part chorales.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Natural-log likelihood per beat.
        """
        p = self._parts(X)
        return float((p[:, 0] + p[:, 1] + p[:, 3]).sum() / p[:, 5].sum())

    def score_frames(self, X):
        """Log-likelihood per quarter-note frame of the chorales' JSB-style frames.

        The frames of a chorale (:func:`quarter_frames`: the keys sounding at
        every beat, in C) are a function of its beat-level voices, so the
        probability the model gives the chorale's own voicing of its beats (and
        its mode and metrical phase) is a lower bound on the probability it
        gives its frames: the other voicings of the same frames only add to it.
        ``-score_frames(X)`` is therefore an upper bound on the model's frame
        negative log-likelihood, in nats per frame, the figure reported on JSB
        chorales. The details inside the beats are not counted (the frames do
        not hold them); the end of the chorale is.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Four-part chorales.

        Returns
        -------
        score : float
        """
        p = self._parts(X)
        return float((p[:, 0] + p[:, 1]).sum() / p[:, 5].sum())

    def score_lower_voices(self, X):
        """Log-likelihood per beat of the alto, tenor and bass given the soprano.

        The beats of the lower voices given the whole soprano line, and their
        16th-note patterns given all the beats and the soprano's patterns: the
        distribution :meth:`harmonize` samples.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Four-part chorales.

        Returns
        -------
        score : float
        """
        p = self._parts(X)
        return float((p[:, 2] + p[:, 4]).sum() / p[:, 5].sum())

    # ------------------------------------------------------------ sampling
    def _draw(self, rng, logits, temperature, masks=()):
        """One id per row of ``logits``; ``masks`` (most to least strict) are
        tried in turn for every row, the first leaving a choice is used."""
        logits = logits.double().cpu().numpy() / temperature
        if masks:
            use = masks[-1].copy()
            for mask in reversed(masks[:-1]):
                ok = mask.any(axis=-1)
                use[ok] = mask[ok]
            logits = np.where(use, logits, -np.inf)
        return _draw(rng, np.exp(log_softmax(logits, axis=-1)))

    def _sample_soprano(self, module, rng, pos, mode, lengths, temperature, ranges):
        min_beats, max_beats = lengths
        n = len(mode)
        device = next(module.parameters()).device
        soprano = np.full((n, max_beats + 1), END, dtype=np.int64)
        prev = torch.full((n, 1), START, dtype=torch.long, device=device)
        state, done = None, np.zeros(n, dtype=bool)
        mode_t = torch.as_tensor(mode[:, None], device=device)
        in_range = _range_mask(ranges[:, 0])
        for t in range(max_beats + 1):
            logits, state = module.soprano_step(
                prev, torch.as_tensor(pos[:, t : t + 1], device=device), mode_t, state
            )
            allowed = np.ones((n, logits.shape[-1]), dtype=bool)
            allowed[:, END] = t >= min_beats
            if t == max_beats:
                allowed[:, :END] = False
            strict = allowed.copy()
            strict[:, :END] &= in_range
            ids = self._draw(rng, logits[:, -1], temperature, (strict, allowed))
            ids[done] = END
            soprano[:, t] = ids
            done |= ids == END
            if done.all():
                break
            prev = torch.as_tensor(ids[:, None], device=device)
        lengths = (soprano != END).argmin(axis=1)
        return soprano, lengths

    def _sample_lower(
        self, module, rng, soprano, pos, mode, lengths, temperature, ranges, avoid_parallels
    ):
        """Alto, tenor and bass beats for soprano ids ``(n, L)`` (END after each)."""
        n, L = soprano.shape
        device = next(module.parameters()).device
        tens = torch.as_tensor
        mode_b = np.repeat(mode[:, None], L, axis=1)
        enc = module.encode_soprano(
            tens(soprano, device=device),
            tens(pos, device=device),
            tens(mode_b, device=device),
            tens(lengths + 1),
        )
        beats = np.zeros((n, 4, L), dtype=np.int64)
        beats[:, 0] = soprano
        prev = torch.full((n, 3, 1), START, dtype=torch.long, device=device)
        state = None
        heard = np.zeros((n, 4), dtype=np.int64)  # each voice's last sounding beat (id)
        not_end = np.ones((n, END + 1), dtype=bool)
        not_end[:, END] = False
        in_range = {v: np.c_[_range_mask(ranges[:, v]), np.zeros(n, bool)] for v in (1, 2, 3)}
        for t in range(int(lengths.max())):
            h, state = module.lower_step(prev, enc[:, t : t + 1], state)
            h = h[:, 0]
            drawn = {0: tens(soprano[:, t], device=device)}
            prev4 = tens(beats[:, :, t - 1] if t else np.full((n, 4), START), device=device)
            for voice in DRAW_ORDER[1:]:
                strict = in_range[voice].copy()
                if avoid_parallels and t > 0:
                    for u in drawn:
                        strict &= ~_beat_parallels(heard[:, voice], heard[:, u], beats[:, u, t])
                logits = module.lower_logits(voice, h, drawn[0], drawn.get(3), drawn.get(1), prev4)
                ids = self._draw(rng, logits, temperature, (strict, in_range[voice], not_end))
                beats[:, voice, t] = ids
                drawn[voice] = tens(ids, device=device)
            prev = tens(beats[:, 1:, t : t + 1], device=device)
            sounding = (beats[:, :, t] > 0) & (beats[:, :, t] < END)
            heard = np.where(sounding, beats[:, :, t], heard)
        for i, n_i in enumerate(lengths):
            beats[i, 1:, n_i] = START
            beats[i, :, n_i + 1 :] = START
        return beats

    def _sample_patterns(
        self,
        module,
        rng,
        beats,
        pos,
        mode,
        lengths,
        temperature,
        ranges,
        avoid_parallels,
        soprano=None,
        soprano_grid=None,
    ):
        """Pattern ids ``(n, 4, L)`` of every voice; the soprano's drawn too
        unless given (its pattern ids ``soprano`` and its 16ths ``soprano_grid``,
        MIDI in C)."""
        n, _, L = beats.shape
        device = next(module.parameters()).device
        tens = torch.as_tensor
        mode_b = np.repeat(mode[:, None], L, axis=1)
        ctx = module.encode_chords(
            tens(beats, device=device),
            tens(pos, device=device),
            tens(mode_b, device=device),
            tens(lengths + 1),
        )
        n_pat = len(self.patterns_)
        table = _pattern_table(self.patterns_)
        patterns = np.full((n, 4, L), n_pat + 1, dtype=np.int64)
        some = np.ones((n, n_pat + 1), dtype=bool)
        some[:, n_pat] = False  # never draw the shared class of rare patterns
        midi = np.where((beats > 0) & (beats < END), beats + _LOWEST_KEY - 1, -1)
        # the 16ths drawn so far (MIDI, -1 silent), and one silent step before the first
        grid = np.full((n, 4, L * GRID + 1), -1, dtype=np.int64)
        heard = np.full((n, 4), -1, dtype=np.int64)
        before = np.concatenate([np.full((n, 4, 1), START), beats[:, :, :-1]], axis=2)
        after = np.concatenate([beats[:, :, 1:], np.full((n, 4, 1), END)], axis=2)
        iv_in = interval_ids(tens(before), tens(beats)).to(device)
        iv_out = interval_ids(tens(beats), tens(after)).to(device)
        for t in range(int(lengths.max())):
            g0 = GRID * t
            nxt = midi[:, :, t + 1] if t + 1 < L else np.full((n, 4), -1)
            drawn = {}
            last = heard  # the pitch every voice sounded last before the beat
            for voice in DRAW_ORDER:
                if voice == 0 and soprano is not None:  # given: its own 16ths
                    patterns[:, 0, t] = soprano[:, t]
                    grid[:, 0, g0 : g0 + GRID] = soprano_grid[:, g0 : g0 + GRID]
                    drawn[0] = tens(soprano[:, t], device=device)
                    continue
                cands = _candidate_pitches(table, midi[:, voice, t], nxt[:, voice])
                prev = patterns[:, voice, t - 1] if t else np.full(n, n_pat + 1)
                logits = module.pattern_logits(
                    voice,
                    ctx[:, t],
                    tens(prev, device=device),
                    iv_in[:, voice, t],
                    iv_out[:, voice, t],
                    drawn,
                )
                lo, hi = ranges[:, voice, :1, None], ranges[:, voice, 1:, None]
                fits = ((cands < 0) | ((cands >= lo) & (cands <= hi))).all(-1) & some
                strict = fits.copy()
                if avoid_parallels:
                    for u in drawn:
                        strict &= ~_grid_parallels(
                            cands,
                            nxt[:, voice],
                            last[:, voice],
                            grid[:, u, g0 : g0 + GRID],
                            nxt[:, u],
                            last[:, u],
                        )
                ids = self._draw(rng, logits, temperature, (strict, fits, some))
                patterns[:, voice, t] = ids
                grid[:, voice, g0 : g0 + GRID] = cands[np.arange(n), ids]
                drawn[voice] = tens(ids, device=device)
            heard = _held(grid[:, :, g0 : g0 + GRID], last)[:, :, -1]
        return patterns

    def _ranges(self, shifts, within_ranges):
        """(n, 4, 2) lowest and highest pitch of every voice, in C."""
        if not within_ranges:
            full = np.array([_LOWEST_KEY, _LOWEST_KEY + _N_KEYS - 1])
            return np.broadcast_to(full, (len(shifts), 4, 2)).copy()
        return self.voice_ranges_[None] + np.asarray(shifts)[:, None, None]

    def _notes(self, beats, patterns, n_beats, shift, voices=range(4)):
        """Note events of the chosen voices (transposed back by ``shift``)."""
        out = []
        for v in voices:
            ids = beats[v, :n_beats]
            midi = np.where(ids > 0, ids + _LOWEST_KEY - 1, -1)
            pitch, onset = _decode_line(midi, patterns[v, :n_beats], self.patterns_)
            line = _grid_notes(pitch, onset, v)
            line["pitch"] -= shift
            out.append(line)
        return _sorted(np.concatenate(out))

    def sample(
        self,
        n_samples=1,
        *,
        n_beats=None,
        min_beats=None,
        max_beats=None,
        mode=None,
        tonic=None,
        temperature=1.0,
        within_ranges=True,
        avoid_parallels=True,
        random_state=None,
    ):
        """Draw whole chorales: soprano first, then the lower voices, then the details.

        Parameters
        ----------
        n_samples : int, default=1
        n_beats : int, default=None
            Quarter-note beats of every chorale; ``None`` lets the soprano end
            it, between ``min_beats`` and ``max_beats``.
        min_beats, max_beats : int, default=None
            The shortest and longest chorale the soprano may end; ``None``: the
            shortest and longest training chorale (``length_range_``; the
            shortest no longer than ``max_beats``).
        mode : {"major", "minor"} or None, default=None
            ``None`` draws it from the training chorales' modes.
        tonic : int or None, default=None
            Pitch class of the key (0 = C); ``None`` draws the key of a training
            chorale of the mode (so the voices sit where Bach's do).
        temperature : float, default=1.0
            Every draw's logits are divided by it.
        within_ranges : bool, default=True
            Draw no note outside the range its voice sang in training
            (``voice_ranges_``, moved with the key).
        avoid_parallels : bool, default=True
            Draw no beat or pattern that moves two voices in parallel fifths
            or octaves (as :func:`skmusic.metrics.voice_leading_counts` counts
            them), where another choice is left; the rules of four-part
            writing, applied while sampling as a decoding constraint.
        random_state : int, RandomState instance or None, default=None
            ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        chorales : list of ndarray of dtype NOTE_DTYPE
            Parts 0-3: soprano, alto, tenor, bass.
        """
        check_is_fitted(self, "net_")
        n_samples = check_positive_int("n_samples", n_samples)
        if n_beats is not None:
            min_beats = max_beats = check_positive_int("n_beats", n_beats)
        if max_beats is None:
            max_beats = int(self.length_range_[1])
        max_beats = check_positive_int("max_beats", max_beats)
        if min_beats is None:
            min_beats = min(int(self.length_range_[0]), max_beats)
        min_beats = check_positive_int("min_beats", min_beats)
        if min_beats > max_beats:
            raise ValueError(
                f"min_beats={min_beats} exceeds max_beats={max_beats}; give min_beats <= max_beats."
            )
        if mode not in (None, "major", "minor"):
            raise ValueError(f"mode must be 'major', 'minor' or None, got {mode!r}.")
        if tonic is not None and (not isinstance(tonic, Integral) or isinstance(tonic, bool)):
            raise ValueError(f"tonic must be a pitch class 0-11 or None, got {tonic!r}.")
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        if mode is None:
            minor = rng.random_sample(n_samples) < np.exp(self.mode_log_prior_[1])
        else:
            minor = np.full(n_samples, mode == "minor")
        shifts = np.empty(n_samples, dtype=np.int64)
        for i, m in enumerate(minor):
            if tonic is not None:
                shifts[i] = -(((int(tonic) + 6) % 12) - 6)
            else:
                pool = self.shifts_[self.shifts_[:, 0] == int(m), 1]
                pool = pool if pool.size else self.shifts_[:, 1]
                shifts[i] = rng.choice(pool)
        starts = _draw(rng, np.tile(np.exp(self.position_log_prior_), (n_samples, 1)))
        pos = np.stack([_positions(s, max_beats + 2) for s in starts])
        mode_ids = minor.astype(np.int64)
        module = self.net_.module_
        with inference(module):
            ranges = self._ranges(shifts, within_ranges)
            soprano, lengths = self._sample_soprano(
                module, rng, pos, mode_ids, (min_beats, max_beats), temperature, ranges
            )
            L = int(lengths.max()) + 1
            soprano, pos = soprano[:, :L], pos[:, :L]
            beats = self._sample_lower(
                module, rng, soprano, pos, mode_ids, lengths, temperature, ranges, avoid_parallels
            )
            patterns = self._sample_patterns(
                module, rng, beats, pos, mode_ids, lengths, temperature, ranges, avoid_parallels
            )
        return [
            self._notes(beats[i], patterns[i], int(lengths[i]), int(shifts[i]))
            for i in range(n_samples)
        ]

    def _prepare_melody(self, melody):
        """(melody, transposition to C, minor) of a melody harmonize can take."""
        check_is_fitted(self, "net_")
        melody = check_notes(melody, name="melody")
        if melody.ndim != 1 or melody.shape[0] == 0:
            raise ValueError("melody must be a non-empty 1D note-event array.")
        if len(np.unique(melody["part"])) != 1:
            raise ValueError(
                f"melody has {len(np.unique(melody['part']))} parts; pass one line, e.g. "
                "notes[notes['part'] == 0]."
            )
        on, off = _quantize(melody)
        order = np.argsort(on, kind="stable")
        if (on[order][1:] < off[order][:-1]).any():
            k = int(np.flatnonzero(on[order][1:] < off[order][:-1])[0])
            raise ValueError(
                "melody has notes that overlap (on the 16th-note grid) near quarter "
                f"{on[order][k + 1] / GRID:g}; pass a single line."
            )
        shift, minor = _key_shift(melody)
        # in C the melody must lie where the training sopranos did; of its key's
        # two nearest transpositions (and an octave more), the one that fits
        low, high = (int(v) for v in self.transposed_ranges_[0])
        lo, hi = int(melody["pitch"].min()), int(melody["pitch"].max())
        options = [shift, shift - 12, shift + 12, shift - 24, shift + 24]
        excess = [max(0, low - (lo + s)) + max(0, hi + s - high) for s in options]
        if min(excess) > 0:
            raise ValueError(
                f"melody spans MIDI {lo}-{hi}, which in C major / C minor does not fit "
                f"the range the model's training sopranos sang there (MIDI {low}-{high}); "
                "give a melody of a narrower range."
            )
        return melody, options[int(np.argmin(excess))], minor

    def check_melody(self, melody):
        """Raise a ValueError saying why :meth:`harmonize` cannot take ``melody``.

        Parameters
        ----------
        melody : ndarray of dtype NOTE_DTYPE

        Returns
        -------
        melody : ndarray of dtype NOTE_DTYPE
            The melody, unchanged.
        """
        return self._prepare_melody(melody)[0]

    def harmonize(
        self,
        melody,
        *,
        n_candidates=1,
        temperature=1.0,
        within_ranges=True,
        avoid_parallels=True,
        random_state=None,
    ):
        """Alto, tenor and bass under a given soprano; the melody kept note for note.

        The melody is transposed to C (its own key, by key-finding), put on
        the 16th grid, and its beats and patterns given to the network; the
        lower voices are drawn beat by beat, each seeing the whole melody
        (what comes next included), then their 16th-note patterns. The output's
        part 0 is ``melody`` itself, unchanged.

        Parameters
        ----------
        melody : ndarray of dtype NOTE_DTYPE
            One line, one part, no two notes at once (on the 16th grid); moved to
            C major or C minor it must lie in the range the training sopranos
            sang there (``transposed_ranges_[0]``), by octave if need be
            (:meth:`check_melody` says why not).
        n_candidates : int, default=1
            Harmonizations drawn; the one the model finds most likely (the
            log-likelihood of its lower voices given the melody) is returned.
        temperature : float, default=1.0
        within_ranges : bool, default=True
            Draw no note outside the range its voice sang in training
            (``voice_ranges_``, moved with the melody's key).
        avoid_parallels : bool, default=True
            Draw no beat or pattern that moves two voices in parallel fifths
            or octaves (as :func:`skmusic.metrics.voice_leading_counts` counts
            them), where another choice is left; the rules of four-part
            writing, applied while sampling as a decoding constraint.
        random_state : int, RandomState instance or None, default=None
            ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        chorale : ndarray of dtype NOTE_DTYPE
            Part 0 the melody, parts 1-3 alto, tenor and bass.
        """
        n_candidates = check_positive_int("n_candidates", n_candidates)
        temperature = check_temperature(temperature)
        melody, shift, minor = self._prepare_melody(melody)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        unit, phase = estimate_meter(melody)
        start = _POSITION_IDS[(unit, (-phase) % unit)]
        line = melody.copy()
        line["pitch"] = line["pitch"] + shift
        length = _grid_length(line)
        n = length // GRID
        pitch, onset = _line_grid(line, length)
        at_beats = pitch[::GRID]
        s_ids = np.where(at_beats >= 0, at_beats - _LOWEST_KEY + 1, 0)
        s_patterns = self._pattern_ids(
            [[_pattern(pitch, onset, t, at_beats[t + 1] if t + 1 < n else None) for t in range(n)]]
        )[0]
        k = n_candidates
        soprano = np.tile(np.r_[s_ids, END], (k, 1))
        pos = np.tile(_positions(start, n + 1), (k, 1))
        mode_ids = np.full(k, int(minor))
        lengths = np.full(k, n)
        s_pat = np.tile(np.r_[s_patterns, 0], (k, 1))
        module = self.net_.module_
        with inference(module):
            ranges = self._ranges(np.full(k, shift), within_ranges)
            beats = self._sample_lower(
                module, rng, soprano, pos, mode_ids, lengths, temperature, ranges, avoid_parallels
            )
            patterns = self._sample_patterns(
                module,
                rng,
                beats,
                pos,
                mode_ids,
                lengths,
                temperature,
                ranges,
                avoid_parallels,
                soprano=s_pat,
                soprano_grid=np.tile(np.r_[pitch, np.full(GRID, -1)], (k, 1)),
            )
            best = 0
            if k > 1:
                cols = np.zeros((k, 10, n + 1), dtype=np.int64)
                cols[:, :4] = beats
                cols[:, 4] = pos
                cols[:, 5] = mode_ids[:, None]
                cols[:, 6:10] = patterns
                cols[:, 6:10, n] = 0
                ll = (
                    module.log_likelihoods(torch.as_tensor(cols), torch.full((k,), n + 1))
                    .double()
                    .numpy()
                )
                penalty = np.log(_N_POSSIBLE_PATTERNS - len(self.patterns_))
                best = int(np.argmax(ll[:, 1:4].sum(1) + ll[:, 5] - penalty * ll[:, 7]))
        lower = self._notes(beats[best], patterns[best], n, shift, voices=(1, 2, 3))
        soprano_out = melody.copy()
        soprano_out["part"] = 0
        return _sorted(np.concatenate([soprano_out, lower]))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = False
        return tags


def _sorted(notes):
    """Note events in the package's order: onset, then part, then pitch."""
    return notes[np.lexsort((notes["pitch"], notes["part"], notes["onset"]))]


def _log_likelihoods(module, X, lengths):
    return module.log_likelihoods(X.long(), lengths)
