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
"""

from numbers import Integral

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.validation import validate_data

__all__ = ["check_batch", "validate_batch", "settle_input", "batch_lengths", "is_tabular"]


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
    lengths = batch_lengths(batch)
    if isinstance(min_timesteps, Integral) and lengths.min() < min_timesteps:
        i = int(np.argmin(lengths))
        why = f" ({min_timesteps_reason})" if min_timesteps_reason else ""
        raise ValueError(
            f"Sequence {i} of {name} has {lengths[i]} timesteps, fewer than the "
            f"{min_timesteps} this step needs{why}. Use longer sequences, pad them "
            "(skmusic.features.PadSequences) or change the step's parameters."
        )
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


def validate_batch(estimator, X, *, reset, **check_params):
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
    **check_params : passed to :func:`check_batch`.

    Returns
    -------
    batch : ndarray of shape (n_sequences, n_channels, n_timesteps) or list of ndarray
    """
    X = settle_input(X, type(estimator).__name__)
    if is_tabular(X):
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
    batch = check_batch(X, **check_params)
    n_channels = batch[0].shape[0]
    if reset:
        estimator.n_channels_in_ = n_channels
    elif hasattr(estimator, "n_channels_in_") and n_channels != estimator.n_channels_in_:
        raise ValueError(
            f"X has {n_channels} channel(s), but {type(estimator).__name__} was "
            f"fitted on {estimator.n_channels_in_} channel(s)."
        )
    return batch


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
