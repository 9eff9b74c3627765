"""Validation of score batches and what the score transformers share."""

import os
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context

from ...io.notes import check_notes
from ...utils.parallel import parallel_map

# Decimal places at which two onsets count as the same time (a chord).
_ONSET_DECIMALS = 6


# --------------------------------------------------------------------------
# validation and shared helpers
# --------------------------------------------------------------------------


def check_scores(X, *, name="X", min_notes=1):
    """Validate a batch of scores (note-event arrays); return it as a list.

    Parameters
    ----------
    X : list of ndarray of dtype :data:`~skmusic.io.notes.NOTE_DTYPE`
        The scores, e.g. from :class:`skmusic.io.ScoreLoader`.
    name : str, default="X"
        Name used in error messages.
    min_notes : int, default=1
        Fewest notes a score may have.

    Returns
    -------
    scores : list of ndarray of dtype NOTE_DTYPE

    Raises
    ------
    ValueError
        If ``X`` is empty, a single score, file paths, numeric arrays, or holds
        a score with too few notes or non-finite / negative times.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.features.symbolic import check_scores
    >>> len(check_scores([make_notes([60, 64], [0, 1], [1, 1])]))
    1
    """
    if isinstance(X, (str, bytes, os.PathLike)):
        raise ValueError(
            f"{name} is a path ({X!r}), not scores. Read scores first, e.g. "
            "Pipeline([('load', ScoreLoader()), ...]) on a list of paths."
        )
    if isinstance(X, np.ndarray) and X.dtype.names is not None:
        raise ValueError(
            f"{name} is a single score (one note-event array); pass a list of scores, e.g. [notes]."
        )
    if isinstance(X, np.ndarray) and X.dtype.kind != "O":
        raise ValueError(
            f"{name} is a numeric array of shape {X.shape}, not a list of scores "
            "(note-event arrays). Read scores with skmusic.io.ScoreLoader or build "
            "them with skmusic.io.notes.make_notes."
        )
    if hasattr(X, "to_numpy") and not hasattr(X, "columns"):  # pandas Series
        X = X.to_numpy()
    try:
        scores = list(X)
    except TypeError:
        raise ValueError(
            f"{name} is a {type(X).__name__}, not a list of scores (note-event "
            "arrays). Read scores with skmusic.io.ScoreLoader."
        ) from None
    if not scores:
        raise ValueError(f"{name} is empty: pass at least one score.")
    for i, notes in enumerate(scores):
        item = f"{name}[{i}]"
        if isinstance(notes, (str, bytes, os.PathLike)):
            raise ValueError(
                f"{item} is a path ({notes!r}), not note events. Read scores first, "
                "e.g. Pipeline([('load', ScoreLoader()), ...])."
            )
        check_notes(notes, name=item)
        if notes.ndim != 1:
            raise ValueError(f"{item} has shape {notes.shape}; a score is 1D (n_notes,).")
        if notes.shape[0] < min_notes:
            raise ValueError(
                f"{item} has {notes.shape[0]} note(s), fewer than the {min_notes} "
                "needed. Drop empty scores (or scores without pitched notes) first."
            )
        times = np.concatenate([notes["onset"], notes["duration"]]).astype(float)
        if not np.isfinite(times).all():
            raise ValueError(f"{item} has NaN or infinite onsets or durations.")
        if (times < 0).any():
            raise ValueError(f"{item} has negative onsets or durations.")
    return scores


def _select_part(notes, part, i):
    """The notes of one part (``part`` int) or of all parts (``None``)."""
    if part is None:
        return notes
    selected = notes[notes["part"] == part]
    if selected.shape[0] == 0:
        raise ValueError(
            f"Score {i} has no notes in part {part}; its parts are "
            f"{np.unique(notes['part']).tolist()}. Use part=None to merge all parts."
        )
    return selected


def _sort_by_time(notes):
    """Notes sorted by onset, then pitch (parts merged)."""
    return notes[np.lexsort((notes["pitch"], notes["onset"]))]


def _group_starts(onsets):
    """Boolean mask: True where a new onset (a new chord) starts."""
    rounded = np.round(onsets, _ONSET_DECIMALS)
    return np.r_[True, rounded[1:] != rounded[:-1]]


def _call_indexed(func, kwargs, pair):
    i, item = pair
    return func(item, i=i, **kwargs)


def _map(func, items, n_jobs, *, indexed=False, **kwargs):
    """``[func(item, **kwargs) for item in items]`` on ``n_jobs`` joblib workers.

    With ``indexed``, ``func`` also gets the item's position as ``i`` (for
    error messages that name the score).
    """
    if indexed:
        return parallel_map(
            partial(_call_indexed, func, kwargs), list(enumerate(items)), n_jobs, prefer="processes"
        )
    return parallel_map(partial(func, **kwargs), items, n_jobs, prefer="processes")


class _ScoreTransformerMixin(TransformerMixin):
    """Tags shared by transformers whose input is a list of note-event arrays."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags


class _StatelessScoreTransformer(_ScoreTransformerMixin, BaseEstimator):
    """A transformer that learns nothing: ``fit`` only validates."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate the parameters and ``X``; learn nothing.

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
        self._check_params()
        check_scores(X)
        return self

    def _check_params(self):
        pass

    def _validated(self, X):
        self._validate_params()
        self._check_params()
        return check_scores(X)

    def __sklearn_is_fitted__(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags
