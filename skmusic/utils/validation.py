"""Validation of sequence batches, shared by every skmusic estimator.

A *batch* follows skmusic's data convention (see the package README):

* a 3D array ``(n_sequences, n_channels, n_timesteps)`` when all lengths agree;
* a list of 2D arrays ``(n_channels, n_timesteps_i)`` when they do not
  (a list of 1D arrays is read as single-channel sequences);
* a 2D array ``(n_sequences, n_timesteps)`` -- ordinary sklearn input -- read as
  single-channel sequences, so every estimator also takes tabular data.

Tabular (2D) input is validated by sklearn's own ``validate_data`` and so sets
``n_features_in_`` (and ``feature_names_in_`` for a DataFrame) exactly as sklearn
does. Every input sets ``n_channels_in_``.

The *layout* of a batch says how the caller passed it -- ``"list"``, ``"3d"`` or
``"2d"`` (tabular) -- so that a step returns its output the same way:
:func:`validate_batch` gives it with ``return_layout=True`` and
:func:`restore_layout` applies it. :class:`SequenceTransformerMixin` gives a
sequence-to-sequence step the tags that say so (3D input, float32 output), so
meta-estimators ask tags rather than module names.
"""

from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.base import TransformerMixin
from sklearn.utils.validation import validate_data

__all__ = [
    "SequenceTransformerMixin",
    "batch_layout",
    "batch_lengths",
    "check_batch",
    "check_positive_int",
    "check_sizes",
    "check_min_length",
    "is_tabular",
    "restore_layout",
    "settle_input",
    "validate_batch",
]

LAYOUTS = ("list", "3d", "2d")


def is_tabular(X):
    """Whether ``X`` is 2D array-like input (read as single-channel sequences)."""
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        return True
    if isinstance(X, np.ndarray):
        return X.ndim == 2
    if isinstance(X, (list, tuple)) and len(X) and all(np.isscalar(v) for v in X[0:1]):
        return False
    if hasattr(X, "__array__") and not isinstance(X, (list, tuple)):
        return np.asarray(X).ndim == 2
    return False


def _as_sequence(item, i, dtype, name):
    try:
        arr = np.asarray(item, dtype=dtype) if dtype is not None else np.asarray(item)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name}[{i}] is not a numeric sequence: {exc}. Each item of a batch "
            "must be a 2D array (n_channels, n_timesteps) or a 1D array."
        ) from exc
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(
            f"{name}[{i}] has {arr.ndim} dimensions; each sequence of a batch must "
            "be 2D (n_channels, n_timesteps) or 1D (n_timesteps,)."
        )
    return arr


def _check_finite(seq, i, name):
    if not np.isfinite(seq).all():
        raise ValueError(
            f"{name} contains NaN or infinity (in sequence {i}). Impute or drop "
            "those values before this step, e.g. with numpy.nan_to_num."
        )


def check_batch(
    X,
    *,
    name="X",
    dtype=np.float32,
    ensure_all_finite=True,
    min_timesteps=1,
    min_timesteps_reason=None,
):
    """Validate a batch of sequences without any estimator state.

    Parameters
    ----------
    X : array-like of shape (n_sequences, n_channels, n_timesteps), \
            (n_sequences, n_timesteps), or list of array-like
        The batch. A list keeps its items' own lengths (ragged batch).
    name : str, default="X"
        Name used in error messages.
    dtype : numpy dtype or None, default=np.float32
        dtype of the returned arrays; ``None`` keeps it.
    ensure_all_finite : bool, default=True
        Raise a ``ValueError`` on NaN or infinity.
    min_timesteps : int, default=1
        Minimum length of every sequence.
    min_timesteps_reason : str, optional
        Why that minimum (e.g. ``"n_fft=1024"``), quoted in the error.

    Returns
    -------
    batch : ndarray of shape (n_sequences, n_channels, n_timesteps) or list of ndarray
        A 3D array for array input, a list of 2D arrays for list input.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.validation import check_batch
    >>> check_batch(np.zeros((4, 100))).shape
    (4, 1, 100)
    >>> [s.shape for s in check_batch([np.zeros((2, 5)), np.zeros((2, 7))])]
    [(2, 5), (2, 7)]
    """
    if isinstance(X, (str, bytes)):
        raise ValueError(
            f"{name} is a string; expected a batch of numeric sequences. Load files "
            "first, e.g. with skmusic.io.AudioLoader or ScoreLoader."
        )
    if isinstance(X, (list, tuple)) and len(X) and not np.isscalar(X[0]):
        first = np.asarray(X[0]) if not isinstance(X[0], np.ndarray) else X[0]
        if first.dtype.kind in "USO" and first.ndim == 0:
            raise ValueError(
                f"{name} holds {type(X[0]).__name__} items, not numeric sequences. "
                "Load files first, e.g. with skmusic.io.AudioLoader or ScoreLoader."
            )
        batch = [_as_sequence(item, i, dtype, name) for i, item in enumerate(X)]
        channels = {s.shape[0] for s in batch}
        if len(channels) > 1:
            raise ValueError(
                f"The sequences of {name} have different numbers of channels "
                f"{sorted(channels)}; every sequence of a batch needs the same."
            )
    else:
        if hasattr(X, "to_numpy"):
            X = X.to_numpy()
        try:
            arr = np.asarray(X, dtype=dtype) if dtype is not None else np.asarray(X)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} is not a numeric batch of sequences: {exc}") from exc
        if arr.ndim == 2:
            arr = arr[:, np.newaxis, :]
        if arr.ndim != 3:
            raise ValueError(
                f"{name} has {arr.ndim} dimension(s); expected a batch: a 3D array "
                "(n_sequences, n_channels, n_timesteps), a 2D array (n_sequences, "
                "n_timesteps) of single-channel sequences, or a list of 2D arrays."
            )
        batch = arr
    if len(batch) == 0:
        raise ValueError(f"{name} is empty: a batch needs at least one sequence.")
    if not isinstance(batch, list) and batch.shape[1] == 0:
        raise ValueError(f"{name} has 0 channels.")
    if isinstance(min_timesteps, Integral):
        check_min_length(batch, min_timesteps, reason=min_timesteps_reason, name=name)
    if ensure_all_finite:
        if isinstance(batch, list):
            for i, s in enumerate(batch):
                _check_finite(s, i, name)
        elif not np.isfinite(batch).all():
            bad = np.where(~np.isfinite(batch).all(axis=(1, 2)))[0][0]
            _check_finite(batch[bad], int(bad), name)
    return batch


def settle_input(X, name):
    """Settle what :func:`check_batch` alone would misread, as sklearn expects.

    A sparse matrix raises a ``TypeError``; a 1D numeric array a ``ValueError``
    that says how to reshape it; an empty list a ``ValueError``; a list of
    equal-length lists of numbers (``X.tolist()`` of a table) is the 2D array it
    is. (A list of 1D *arrays* stays a batch of single-channel sequences.)
    """
    if issparse(X):
        raise TypeError(
            f"{name} does not accept sparse input: pass dense sequences, e.g. X.toarray()."
        )
    if isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind in "biuf":
        raise ValueError(
            f"{name} expects a batch of sequences, got a 1D array. Reshape your "
            "data: X.reshape(1, -1) for one single-channel sequence, "
            "X.reshape(-1, 1) for sequences of one timestep each."
        )
    if isinstance(X, (list, tuple)):
        if not len(X):
            raise ValueError(f"X is empty: {name} needs at least one sequence.")
        if all(isinstance(row, (list, tuple)) for row in X) and len({len(r) for r in X}) == 1:
            if all(np.isscalar(v) and not isinstance(v, str) for row in X for v in row):
                return np.asarray(X)
    return X


def validate_batch(
    estimator, X, *, reset, return_layout=False, check_n_channels=True, **check_params
):
    """Validate ``X`` for ``estimator`` and record or check its input shape.

    Sparse input raises a ``TypeError``, a 1D array a ``ValueError`` saying how
    to reshape it, and a list of equal-length lists of numbers is read as a table.

    With ``reset=True`` (in ``fit``) it sets ``n_channels_in_``, and for tabular
    input also sklearn's ``n_features_in_`` / ``feature_names_in_``. With
    ``reset=False`` it checks new input against them with sklearn's messages.

    Parameters
    ----------
    estimator : BaseEstimator
    X : batch, see :func:`check_batch`
    reset : bool
    return_layout : bool, default=False
        Also return how ``X`` was passed (see :func:`batch_layout`), for
        :func:`restore_layout` to give the output the same form.
    check_n_channels : bool, default=True
        With ``reset=False``, raise if the number of channels differs from
        ``fit``'s (steps that average channels away pass ``False``).
    **check_params : passed to :func:`check_batch`.

    Returns
    -------
    batch : ndarray of shape (n_sequences, n_channels, n_timesteps) or list of ndarray
    layout : {"list", "3d", "2d"}
        Only with ``return_layout=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from skmusic.utils.validation import validate_batch
    >>> est = BaseEstimator()
    >>> batch, layout = validate_batch(est, np.zeros((4, 100)), reset=True, return_layout=True)
    >>> batch.shape, layout, est.n_channels_in_, est.n_features_in_
    ((4, 1, 100), '2d', 1, 100)
    """
    X = settle_input(X, type(estimator).__name__)
    tabular = is_tabular(X)
    if tabular:
        X = validate_data(
            estimator,
            X,
            reset=reset,
            dtype=check_params.get("dtype", np.float32) or None,
            ensure_all_finite=check_params.get("ensure_all_finite", True),
            ensure_min_features=1,
        )
    elif reset:
        for attr in ("n_features_in_", "feature_names_in_"):
            if attr in vars(estimator):
                delattr(estimator, attr)
    min_timesteps = check_params.pop("min_timesteps", 1)
    reason = check_params.pop("min_timesteps_reason", None)
    batch = check_batch(X, **check_params)
    if isinstance(min_timesteps, Integral):
        check_min_length(
            batch, min_timesteps, reason=reason, name=check_params.get("name", "X"), tabular=tabular
        )
    n_channels = batch[0].shape[0]
    if reset:
        estimator.n_channels_in_ = n_channels
    elif (
        check_n_channels
        and hasattr(estimator, "n_channels_in_")
        and n_channels != estimator.n_channels_in_
    ):
        raise ValueError(
            f"X has {n_channels} channel(s), but {type(estimator).__name__} was "
            f"fitted on {estimator.n_channels_in_} channel(s)."
        )
    if return_layout:
        return batch, "list" if isinstance(batch, list) else ("2d" if tabular else "3d")
    return batch


def batch_layout(X, batch):
    """How the caller passed ``X``: ``"list"``, ``"3d"`` or ``"2d"`` (tabular).

    Parameters
    ----------
    X : the input as passed (after :func:`settle_input`)
    batch : its validated batch (:func:`check_batch`)

    Returns
    -------
    layout : {"list", "3d", "2d"}

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.validation import batch_layout, check_batch
    >>> X = np.zeros((3, 10))
    >>> batch_layout(X, check_batch(X))
    '2d'
    """
    if isinstance(batch, list):
        return "list"
    return "2d" if is_tabular(X) else "3d"


def restore_layout(items, layout):
    """Per-sequence results in the layout the input came in.

    A list stays a list; a 3D array gives a 3D array; a 2D array (single-channel
    sequences) gives a 2D array when every result has one channel, else a 3D one.

    Parameters
    ----------
    items : list of ndarray of shape (n_channels_out, n_timesteps_i), or ndarray \
            of shape (n_sequences, n_channels_out, n_timesteps)
        One result per input sequence (equal shapes unless ``layout="list"``).
    layout : {"list", "3d", "2d"}
        From :func:`validate_batch` (``return_layout=True``) or :func:`batch_layout`.

    Returns
    -------
    Xt : list of ndarray, or ndarray of shape (n_sequences, n_channels_out, \
            n_timesteps) or (n_sequences, n_timesteps)

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.validation import restore_layout
    >>> items = [np.ones((1, 5)), np.zeros((1, 5))]
    >>> restore_layout(items, "2d").shape, restore_layout(items, "3d").shape
    ((2, 5), (2, 1, 5))
    >>> type(restore_layout(items, "list")).__name__
    'list'
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}.")
    if layout == "list":
        return list(items)
    out = np.stack(items) if not isinstance(items, np.ndarray) else items
    if layout == "2d" and out.shape[1] == 1:
        return out[:, 0, :]
    return out


def check_min_length(batch, min_timesteps, *, reason=None, name="X", tabular=False, advice=None):
    """Raise skmusic's one ``ValueError`` for a sequence shorter than a step needs.

    Parameters
    ----------
    batch : ndarray of shape (n_sequences, n_channels, n_timesteps) or list of ndarray
        A validated batch.
    min_timesteps : int
        Fewest timesteps every sequence must have.
    reason : str, optional
        Why (e.g. ``"n_fft=2048"``), quoted in the message.
    name : str, default="X"
        The input's name in the message.
    tabular : bool, default=False
        The batch came as a 2D array: the message says that its columns are
        the timesteps of one single-channel sequence per row.
    advice : str, optional
        What to do, in place of the general advice.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.utils.validation import check_min_length
    >>> check_min_length([np.zeros((1, 8)), np.zeros((1, 3))], 4, reason="width=4")
    Traceback (most recent call last):
    ...
    ValueError: Sequence 1 of X has 3 timesteps, fewer than the 4 this step needs (width=4). \
Use longer sequences, pad them (skmusic.features.PadSequences) or change the step's parameters.
    """
    lengths = batch_lengths(batch)
    if lengths.min() >= min_timesteps:
        return
    i = int(np.argmin(lengths))
    why = f" ({reason})" if reason else ""
    what = (
        f" ({lengths[i]} feature(s): a 2D X holds one single-channel sequence per row)"
        if tabular
        else ""
    )
    advice = advice or (
        "Use longer sequences, pad them (skmusic.features.PadSequences) or change the "
        "step's parameters."
    )
    raise ValueError(
        f"Sequence {i} of {name} has {lengths[i]} timesteps{what}, fewer than the "
        f"{min_timesteps} this step needs{why}. {advice}"
    )


class SequenceTransformerMixin(TransformerMixin):
    """Mixin of skmusic's sequence transformers: batches in, float32 out.

    Sets the tags that say so -- ``input_tags.three_d_array`` (the step takes a
    3D batch ``(n_sequences, n_channels, n_timesteps)``, so a meta-estimator
    such as :class:`skmusic.ensemble.VotingSliceClassifier` hands it slices
    unflattened) and ``transformer_tags.preserves_dtype = ["float32"]``.

    Examples
    --------
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn.utils import get_tags
    >>> from skmusic.utils.validation import SequenceTransformerMixin
    >>> class Identity(SequenceTransformerMixin, BaseEstimator):
    ...     def fit(self, X, y=None):
    ...         return self
    ...     def transform(self, X):
    ...         return X
    >>> tags = get_tags(Identity())
    >>> tags.input_tags.three_d_array, tags.transformer_tags.preserves_dtype
    (True, ['float32'])
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def batch_lengths(batch):
    """Number of timesteps of every sequence of a validated batch.

    Parameters
    ----------
    batch : ndarray of shape (n_sequences, n_channels, n_timesteps) or list of ndarray

    Returns
    -------
    lengths : ndarray of shape (n_sequences,), dtype int
    """
    if isinstance(batch, np.ndarray):
        return np.full(batch.shape[0], batch.shape[-1], dtype=int)
    return np.array([s.shape[-1] for s in batch], dtype=int)


def check_positive_int(name, value, *, allow_none=False):
    """``value`` as a positive int (``None`` passes with ``allow_none``), else a ValueError.

    The one positive-integer check of skmusic.

    Examples
    --------
    >>> from skmusic.utils.validation import check_positive_int
    >>> check_positive_int("n_steps", 3)
    3
    >>> check_positive_int("n_steps", 0)
    Traceback (most recent call last):
    ...
    ValueError: n_steps must be a positive integer, got 0.
    """
    if value is None and allow_none:
        return None
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"{name} must be a positive integer{' or None' if allow_none else ''}, got {value!r}."
        )
    return int(value)


def check_sizes(name, value, *, allow_empty=False):
    """A positive int or a sequence of them, as a tuple; else a ValueError.

    Examples
    --------
    >>> from skmusic.utils.validation import check_sizes
    >>> check_sizes("dense", 8), check_sizes("dense", (), allow_empty=True)
    ((8,), ())
    """
    values = (value,) if isinstance(value, Integral) else value
    try:
        values = tuple(values)
        if not values and not allow_empty:
            raise ValueError
        return tuple(check_positive_int(name, v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a positive integer or a sequence of positive integers"
            f"{' (may be empty)' if allow_empty else ''}, got {value!r}."
        ) from None
