"""The internal validation split of skmusic's networks, as skorch ``ValidSplit`` objects.

Early stopping scores a held-out share (``validation_fraction``) of the
training data after every epoch. :func:`validation_indices` chooses it --
stratified by class for classifiers, whole groups (songs, or the training
sequences whose overlapping windows a generator trains on) when groups are
given -- and :func:`validation_split` hands it to skorch as its own
``ValidSplit`` over a :class:`sklearn.model_selection.PredefinedSplit`.
"""

import warnings

import numpy as np
from sklearn.model_selection import (
    PredefinedSplit,
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
)
from sklearn.utils import check_random_state
from skorch.dataset import ValidSplit

__all__ = [
    "held_out_groups",
    "split_valid_indices",
    "validation_indices",
    "validation_split",
]


def held_out_groups(n_groups, fraction, seed):
    """Ids of ``round(fraction * n_groups)`` groups (at least one, never all), at random.

    Parameters
    ----------
    n_groups : int
        At least 2.
    fraction : float in (0, 1)
    seed : int, RandomState instance or None

    Returns
    -------
    held : ndarray of int
    """
    n_valid = min(max(round(fraction * n_groups), 1), n_groups - 1)
    return check_random_state(seed).permutation(n_groups)[:n_valid]


def _group_validation(y, groups, fraction, seed, *, stratify):
    """Indices of whole groups, about ``fraction`` of the items, or None if too few.

    Stratified: the first fold of sklearn's ``StratifiedGroupKFold`` with
    ``round(1 / fraction)`` folds (at most one a group) whose held-out part
    leaves at least one group of every class to train on.
    """
    codes, group_ids = np.unique(groups, return_inverse=True)
    n_groups = len(codes)
    if not stratify:
        if n_groups < 2:
            return None
        return np.flatnonzero(np.isin(group_ids, held_out_groups(n_groups, fraction, seed)))
    # a group's class: its most common label (ties: the first class)
    classes, y_codes = np.unique(y, return_inverse=True)
    counts = np.zeros((n_groups, len(classes)), dtype=int)
    np.add.at(counts, (group_ids, y_codes), 1)
    group_y = counts.argmax(axis=1)
    _, per_class = np.unique(group_y, return_counts=True)
    if n_groups < 2 * len(per_class) or per_class.min() < 2:
        return None
    n_splits = min(max(2, int(round(1 / fraction))), n_groups)
    splitter = StratifiedGroupKFold(n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # classes with fewer groups than folds are expected
        warnings.simplefilter("ignore", UserWarning)
        for _, valid in splitter.split(np.zeros(len(y)), y, group_ids):
            held = np.unique(group_ids[valid])
            kept = np.setdiff1d(np.arange(n_groups), held)
            if len(held) and len(np.unique(group_y[kept])) == len(per_class):
                return np.sort(valid)
    return None


def validation_indices(n_items, fraction, seed, *, y=None, groups=None, stratify=False):
    """Items held out for early stopping, or None (no fraction, too little data).

    Parameters
    ----------
    n_items : int
    fraction : float in (0, 1) or None
    seed : int or None
    y : array-like of shape (n_items,), default=None
        Class labels; needed with ``stratify``.
    groups : array-like of shape (n_items,), default=None
        Whole groups are held out (stratified by class where the groups
        allow), so items of one group never straddle the split.
    stratify : bool, default=False

    Returns
    -------
    valid : ndarray of int, sorted, or None
    """
    if fraction is None or (stratify and y is None):
        return None
    if groups is not None:
        return _group_validation(y, np.asarray(groups), fraction, seed, stratify=stratify)
    n_valid = int(round(fraction * n_items))
    if stratify:
        y = np.asarray(y)
        _, counts = np.unique(y, return_counts=True)
        # a validation set of fewer than two sequences per class only adds noise
        if n_valid < 2 * len(counts) or counts.min() < 3:
            return None
        splitter = StratifiedShuffleSplit(1, test_size=n_valid, random_state=seed)
        _, valid = next(splitter.split(np.zeros(n_items), y))
        return np.sort(valid)
    if n_valid < 2 or n_items - n_valid < 1:
        return None
    return np.sort(np.random.RandomState(seed).permutation(n_items)[:n_valid])


def validation_split(valid, n_items):
    """skorch's ``ValidSplit`` holding out the items ``valid`` (None: no split).

    Parameters
    ----------
    valid : array-like of int or None
    n_items : int

    Returns
    -------
    split : skorch.dataset.ValidSplit or None
    """
    if valid is None:
        return None
    test_fold = np.full(n_items, -1)
    test_fold[np.asarray(valid, dtype=int)] = 0
    return ValidSplit(PredefinedSplit(test_fold), stratified=False)


def split_valid_indices(split):
    """The items a :func:`validation_split` holds out (for inspection and tests)."""
    return np.flatnonzero(split.cv.test_fold == 0)
