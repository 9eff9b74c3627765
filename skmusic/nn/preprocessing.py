"""Input preprocessing of the networks: categorical vocabularies.

A categorical row (a pitch class, a scale degree, a duration class, ...) is
never normalized: its values are looked up in a vocabulary fitted in ``fit``
and the network embeds the index. Index 0 is kept for values unseen in
``fit``, so prediction never fails on a new category.
"""

import numpy as np

__all__ = ["CategoryVocabulary", "resolve_categorical", "AUTO_MAX_CATEGORY"]

#: ``categorical="auto"`` takes rows whose values are all whole numbers in 0..AUTO_MAX_CATEGORY.
AUTO_MAX_CATEGORY = 127


class CategoryVocabulary:
    """The values of one categorical row seen in ``fit``, as indices 1..K (0: unseen).

    Attributes
    ----------
    categories_ : ndarray of shape (K,)
        Sorted values seen in ``fit``.
    n_codes_ : int
        ``K + 1``: the indices :meth:`transform` can return.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn.preprocessing import CategoryVocabulary
    >>> vocab = CategoryVocabulary().fit(np.array([7.0, 2.0, 7.0, 11.0]))
    >>> vocab.transform(np.array([2.0, 11.0, 5.0])).tolist(), vocab.n_codes_
    ([1.0, 3.0, 0.0], 4)
    """

    def fit(self, values):
        """Learn the categories (the distinct values).

        Parameters
        ----------
        values : ndarray of shape (n_values,)

        Returns
        -------
        self : CategoryVocabulary
        """
        self.categories_ = np.unique(np.asarray(values, dtype=np.float64))
        self.n_codes_ = len(self.categories_) + 1
        return self

    def transform(self, values):
        """Index of every value in the vocabulary (1..K), 0 where unseen in ``fit``.

        Parameters
        ----------
        values : ndarray of shape (n_values,)

        Returns
        -------
        codes : ndarray of shape (n_values,), float32
            Whole numbers, kept as floats to travel in the network's input tensor.
        """
        values = np.asarray(values, dtype=np.float64)
        pos = np.searchsorted(self.categories_, values)
        pos = np.minimum(pos, len(self.categories_) - 1)
        found = self.categories_[pos] == values
        return np.where(found, pos + 1, 0).astype(np.float32)


def _is_code_row(values):
    return bool(
        values.size
        and np.all(values == np.round(values))
        and values.min() >= 0
        and values.max() <= AUTO_MAX_CATEGORY
    )


def resolve_categorical(categorical, batch, n_channels):
    """The categorical rows, as sorted indices, from an estimator's ``categorical``.

    Parameters
    ----------
    categorical : "auto", array-like of int or bool, or None
        ``"auto"``: rows whose values in ``batch`` are all whole numbers from
        0 to :data:`AUTO_MAX_CATEGORY`; indices; a boolean mask of length
        ``n_channels``; ``None``: none.
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
    n_channels : int

    Returns
    -------
    rows : list of int

    Raises
    ------
    ValueError
        For indices out of range, a mask of the wrong length, or a categorical
        row holding values that are not whole numbers.
    """
    if categorical is None:
        return []
    if isinstance(categorical, str):  # "auto" (the only string the constraints let in)
        return [
            c
            for c in range(n_channels)
            if _is_code_row(np.concatenate([np.ravel(seq[c]) for seq in batch]))
        ]
    rows = np.asarray(categorical)
    if rows.dtype == bool:
        if rows.shape != (n_channels,):
            raise ValueError(
                f"categorical as a boolean mask needs one entry per input row "
                f"({n_channels}), got {rows.shape[0] if rows.ndim else 0}."
            )
        rows = np.flatnonzero(rows)
    if rows.size and (
        rows.dtype.kind not in "iu" or rows.ndim != 1 or rows.min() < 0 or rows.max() >= n_channels
    ):
        raise ValueError(
            f"categorical must hold row indices in 0..{n_channels - 1} (or a boolean "
            f"mask, 'auto' or None), got {categorical!r}."
        )
    rows = sorted({int(r) for r in rows})
    for c in rows:
        values = np.concatenate([np.ravel(seq[c]) for seq in batch])
        if not np.all(values == np.round(values)):
            raise ValueError(
                f"Row {c} is declared categorical but holds values that are not whole "
                "numbers (categories are integer codes, e.g. NoteSequence's "
                "'pitch_class' or 'duration_class')."
            )
    return rows
