"""ScoreFeatures: global, named features of every piece, as a registry of groups.

Each feature group is registered once, its column names and the function that
computes them side by side (:class:`FeatureGroup`), so the names of
:func:`score_feature_names` cannot drift from the values of
:func:`score_features`: a group whose function returns a different number of
values than it has names raises an error.
"""

from dataclasses import dataclass
from functools import cache
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ...io.notes import check_notes
from ._base import _ONSET_DECIMALS, _group_starts, _map, _sort_by_time, _StatelessScoreTransformer

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
# music21's spelling of the pitch classes (as in NoteTokenizer's tokens)
_PITCH_CLASSES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B")


@dataclass(frozen=True)
class FeatureGroup:
    """A named group of score features: its column names and how to compute them.

    Parameters
    ----------
    name : str
        The group's name (``"pitch"``, ``"key"``, ...).
    columns : tuple of str
        Names of its output columns, in order.
    compute : callable
        ``compute(score) -> list of float``, one value per column, where
        ``score`` holds the sorted notes of one piece and arrays derived from
        them (``pitch``, ``onset``, ``duration``, ``end``, ``length``,
        ``distinct_onsets``, ``key_weights``).
    description : str
        What the columns hold.
    """

    name: str
    columns: tuple
    compute: object
    description: str


#: Every feature group of :class:`ScoreFeatures`, by name, in output order.
SCORE_FEATURE_GROUPS = {}


def _group(name, columns, description):
    """Register ``compute`` as the feature group ``name`` with these ``columns``."""

    def register(compute):
        SCORE_FEATURE_GROUPS[name] = FeatureGroup(name, tuple(columns), compute, description)
        return compute

    return register


class _Score:
    """One piece's notes, sorted by time, and the arrays several groups use."""

    def __init__(self, notes, key_weights):
        notes = _sort_by_time(notes)
        self.notes = notes
        self.key_weights = key_weights
        self.pitch = notes["pitch"].astype(float)
        self.onset, self.duration = notes["onset"], notes["duration"]
        self.end = self.onset + self.duration
        self.length = max(float(self.end.max()), 1e-9)
        self.distinct_onsets = self.onset[_group_starts(self.onset)]


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


@cache
def _key_profiles(weights):
    """music21's major and minor key weights, shape (2, 12), starting on C."""
    from music21.analysis import discrete

    method = getattr(discrete, weights)()
    return np.array([method.getWeights("major"), method.getWeights("minor")], dtype=float)


def key_correlations(notes, key_weights="KrumhanslSchmuckler"):
    """How well each key fits a score's duration-weighted pitch-class histogram.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
    key_weights : str, default="KrumhanslSchmuckler"
        A key-weight class of ``music21.analysis.discrete``.

    Returns
    -------
    corr : ndarray of shape (2, 12)
        Pearson correlation of the histogram with music21's major (row 0) and
        minor (row 1) profile on every tonic (column, 0 = C); zeros when every
        pitch class weighs the same. The best key is the largest entry.
    """
    weights = np.maximum(notes["duration"], 1e-3)  # grace notes still count a little
    hist = np.bincount(notes["pitch"] % 12, weights=weights, minlength=12)
    if np.ptp(hist) == 0:
        return np.zeros((2, 12))
    profiles = _key_profiles(key_weights)
    # correlation with the profile of every tonic: rotate the histogram
    rotated = hist[(np.arange(12)[:, None] + np.arange(12)) % 12]  # (tonic, pc)
    r = rotated - rotated.mean(axis=1, keepdims=True)
    q = profiles - profiles.mean(axis=1, keepdims=True)
    return (q @ r.T) / np.outer(np.linalg.norm(q, axis=1), np.linalg.norm(r, axis=1))


def best_key(corr):
    """``(tonic, major)`` of the largest entry of :func:`key_correlations`' table."""
    mode, tonic = np.unravel_index(np.argmax(corr), corr.shape)
    return int(tonic), bool(mode == 0)


@_group(
    "pitch",
    ["pitch_mean", "pitch_std", "pitch_min", "pitch_max", "pitch_range"],
    "mean, std, min, max and range of the MIDI pitches",
)
def _pitch(s):
    return [s.pitch.mean(), s.pitch.std(), s.pitch.min(), s.pitch.max(), np.ptp(s.pitch)]


@_group(
    "pitch_class",
    [f"pitch_class_{name}" for name in _PITCH_CLASSES],
    "pitch-class histogram, weighted by duration, summing to 1",
)
def _pitch_class(s):
    weights = np.maximum(s.duration, 1e-3)  # grace notes still count a little
    return list(_normalized_histogram(s.notes["pitch"] % 12, 12, weights))


@_group(
    "interval",
    [f"interval_{k}" for k in range(_MAX_INTERVAL + 1)]
    + [f"interval_gt_{_MAX_INTERVAL}", "interval_mean_abs", "interval_std", "interval_up_fraction"],
    "histogram of melodic steps in semitones, their mean absolute size, std and "
    "the fraction moving up",
)
def _interval(s):
    iv = _melodic_intervals(s.notes)
    steps = np.minimum(np.abs(iv), _MAX_INTERVAL + 1)
    moving = iv[iv != 0]
    return [
        *_normalized_histogram(steps, _MAX_INTERVAL + 2),
        np.abs(iv).mean() if iv.size else 0.0,
        iv.std() if iv.size else 0.0,
        (moving > 0).mean() if moving.size else 0.0,
    ]


@_group(
    "rhythm",
    [f"duration_le_{e:g}" for e in _DURATION_EDGES]
    + [
        f"duration_gt_{_DURATION_EDGES[-1]:g}",
        "duration_mean",
        "duration_std",
        "ioi_mean",
        "ioi_std",
        "note_density",
        "onset_density",
        "length",
        "n_notes",
    ],
    "duration histogram, duration and inter-onset statistics, densities, length",
)
def _rhythm(s):
    bins = np.searchsorted(_DURATION_EDGES, s.duration, side="left")
    ioi = np.diff(s.distinct_onsets)
    n_notes = s.notes.shape[0]
    return [
        *_normalized_histogram(bins, len(_DURATION_EDGES) + 1),
        s.duration.mean(),
        s.duration.std(),
        ioi.mean() if ioi.size else 0.0,
        ioi.std() if ioi.size else 0.0,
        n_notes / s.length,
        s.distinct_onsets.size / s.length,
        s.length,
        float(n_notes),
    ]


@_group(
    "polyphony",
    ["n_parts", "polyphony_mean", "polyphony_max", "chord_fraction"],
    "parts, mean and most notes sounding at once, fraction of onsets that are chords",
)
def _polyphony(s):
    # sounding notes over time: +1 at each onset, -1 at each end
    times = np.r_[s.onset, s.end]
    steps = np.r_[np.ones_like(s.onset), -np.ones_like(s.end)]
    order = np.lexsort((steps, times))  # ends before onsets at equal times
    sounding = np.cumsum(steps[order])
    part_onset = np.round(s.onset, _ONSET_DECIMALS) + s.notes["part"] * (s.length + 1)
    groups_per_part = np.unique(part_onset, return_counts=True)[1]
    return [
        float(np.unique(s.notes["part"]).size),
        s.duration.sum() / s.length,  # time-weighted mean number of sounding notes
        float(sounding.max()),
        (groups_per_part > 1).mean(),
    ]


@_group(
    "key",
    ["key_tonic", "key_major", "key_correlation", "key_clarity"],
    "best-matching key of the pitch-class histogram against music21's key profiles",
)
def _key(s):
    corr = key_correlations(s.notes, s.key_weights)
    ranked = np.sort(corr.ravel())[::-1]
    tonic, major = best_key(corr)
    return [float(tonic), float(major), ranked[0], ranked[0] - ranked[1]]


@_group(
    "meter",
    ["onset_on_beat", "onset_on_eighth"] + [f"onset_autocorr_{lag}" for lag in _METER_LAGS],
    "onsets on the beat and on off-beat eighths, autocorrelation of the onset grid",
)
def _meter(s):
    frac = s.distinct_onsets % 1.0
    on_beat = np.isclose(frac, 0.0, atol=1e-6) | np.isclose(frac, 1.0, atol=1e-6)
    on_eighth = np.isclose(frac, 0.5, atol=1e-6)
    grid = np.bincount(np.round(s.distinct_onsets * 4).astype(np.int64)).astype(float)
    grid -= grid.mean()
    energy = (grid**2).sum()
    autocorr = [
        (grid[: -lag * 4] * grid[lag * 4 :]).sum() / energy
        if energy > 0 and grid.size > lag * 4
        else 0.0
        for lag in _METER_LAGS
    ]
    return [on_beat.mean(), on_eighth.mean(), *autocorr]


@_group("velocity", ["velocity_mean", "velocity_std"], "mean and std of the velocities")
def _velocity(s):
    velocity = s.notes["velocity"].astype(float)
    return [velocity.mean(), velocity.std()]


def _check_groups(groups):
    if groups is None:
        return tuple(SCORE_FEATURE_GROUPS)
    groups = (groups,) if isinstance(groups, str) else tuple(groups)
    unknown = [g for g in groups if g not in SCORE_FEATURE_GROUPS]
    if unknown or not groups:
        raise ValueError(
            f"groups must be None or a non-empty tuple of {tuple(SCORE_FEATURE_GROUPS)}; "
            f"got {groups!r}."
        )
    return groups


def score_feature_names(groups=None):
    """Names of the columns :func:`score_features` returns.

    Parameters
    ----------
    groups : tuple of str, default=None
        Feature groups; ``None`` is all of them.

    Returns
    -------
    names : list of str

    Examples
    --------
    >>> from skmusic.features import score_feature_names
    >>> score_feature_names(("pitch", "velocity"))
    ['pitch_mean', 'pitch_std', 'pitch_min', 'pitch_max', 'pitch_range', 'velocity_mean', \
'velocity_std']
    """
    return [name for g in _check_groups(groups) for name in SCORE_FEATURE_GROUPS[g].columns]


def score_feature_groups(groups=None):
    """Which columns of :func:`score_features` each group fills.

    For grouped importance: pass the result as ``groups`` to
    :func:`skmusic.features.grouped_permutation_importance`.

    Parameters
    ----------
    groups : tuple of str, default=None
        Feature groups; ``None`` is all of them.

    Returns
    -------
    columns : dict of str to list of int
        Group name -> positions of its columns in the output.

    Examples
    --------
    >>> from skmusic.features import score_feature_groups
    >>> score_feature_groups(("velocity", "key"))
    {'velocity': [0, 1], 'key': [2, 3, 4, 5]}
    """
    out, start = {}, 0
    for g in _check_groups(groups):
        n = len(SCORE_FEATURE_GROUPS[g].columns)
        out[g] = list(range(start, start + n))
        start += n
    return out


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

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features import score_features
    >>> score_features(make_notes([60, 67], [0, 1], [1, 1]), groups=("pitch",))
    array([63.5,  3.5, 60. , 67. ,  7. ])
    """
    groups = _check_groups(groups)
    notes = check_notes(notes)
    if notes.shape[0] == 0:
        raise ValueError("A score needs at least one note for its features.")
    score = _Score(notes, key_weights)
    out = []
    for g in groups:
        group = SCORE_FEATURE_GROUPS[g]
        values = group.compute(score)
        if len(values) != len(group.columns):
            raise RuntimeError(
                f"Feature group {g!r} computed {len(values)} values for its "
                f"{len(group.columns)} column names."
            )
        out += values
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
    grouped_permutation_importance : which groups of these features matter
        (with :func:`score_feature_groups`); single features are redundant, so
        :func:`sklearn.inspection.permutation_importance` finds them all
        unimportant.

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
