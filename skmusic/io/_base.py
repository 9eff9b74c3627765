"""What every file reader shares: path checks, errors that name the file, parallel
reading with a progress bar, and the stateless transformer face."""

import os
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from tqdm.auto import tqdm

from ..utils.parallel import parallel_map

__all__ = ["FileReader", "ReadError", "check_paths", "read_files", "split_tune_number"]


class ReadError(ValueError):
    """A file could not be read; the message names the file and the reason."""


def split_tune_number(path):
    """Split a path naming one tune of a collection into the file and the number.

    ``"collection.abc#12"`` is tune 12 of ``collection.abc`` (as
    :func:`skmusic.io.list_tunes` names them); any other path has no number.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    file : str
        The path of the file itself.
    number : int or None
        The tune's number, ``None`` for a plain path.

    Examples
    --------
    >>> from skmusic.io import split_tune_number
    >>> split_tune_number("tunes/oneills.abc#12"), split_tune_number("bach.mid")
    (('tunes/oneills.abc', 12), ('bach.mid', None))
    """
    base, sep, number = str(path).rpartition("#")
    if sep and number.isdigit() and base:
        return base, int(number)
    return str(path), None


def check_paths(X, *, name="X"):
    """Validate a list of file paths (str or ``os.PathLike``).

    Parameters
    ----------
    X : list of str or path-like, or 1D array-like of str
    name : str, default="X"

    Returns
    -------
    paths : list of str
    """
    if isinstance(X, (str, bytes, os.PathLike)):
        raise ValueError(
            f"{name} is a single path ({X!r}); pass a list of paths, e.g. [{str(X)!r}]."
        )
    if hasattr(X, "to_numpy"):
        X = X.to_numpy()
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(
            f"{name} has shape {X.shape}; a file reader takes a 1D list of file paths."
        )
    try:
        paths = list(X)
    except TypeError as exc:
        raise ValueError(f"{name} is not a list of file paths: {exc}") from exc
    if not paths:
        raise ValueError(f"{name} is empty: give at least one file path.")
    bad = [p for p in paths if not isinstance(p, (str, os.PathLike, np.str_))]
    if bad:
        raise ValueError(
            f"{name} must hold file paths (str or pathlib.Path); got "
            f"{type(bad[0]).__name__} {bad[0]!r}. Readers in skmusic.io take paths, "
            "feature steps take the arrays they return."
        )
    return [os.fspath(p) for p in paths]


def _read_one(read, path):
    try:
        return True, read(path)
    except ReadError as exc:
        return False, str(exc)
    except Exception as exc:  # any parser failure becomes a message naming the file
        return False, f"Cannot read {path!r}: {type(exc).__name__}: {exc}"


def read_files(paths, read, *, on_error="raise", n_jobs=None, verbose=False, desc="reading"):
    """Read many files with ``read(path)``, optionally in parallel.

    Parameters
    ----------
    paths : list of str
    read : callable
        ``read(path) -> item``; raises on failure.
    on_error : {"raise", "skip"}, default="raise"
        ``"raise"``: the first unreadable file raises a :class:`ReadError`
        naming it. ``"skip"``: unreadable files are left out, and one warning
        lists every one of them with its reason.
    n_jobs : int, default=None
        Processes for joblib; ``None`` means 1.
    verbose : bool, default=False
        Show a progress bar over files.
    desc : str
        Label of the progress bar.

    Returns
    -------
    items : list
        What ``read`` returned, for the files that were read.
    kept : ndarray of shape (n_paths,), dtype bool
        Which paths were read.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}.")
    outcomes = parallel_map(
        partial(_read_one, read),
        paths,
        n_jobs,
        prefer="processes",
        limit_inner_threads=False,
        lazy=True,
    )
    results = []
    with tqdm(total=len(paths), desc=desc, unit="file", disable=not verbose, delay=0.5) as bar:
        for ok, value in outcomes:
            if not ok and on_error == "raise":
                raise ReadError(value)
            results.append((ok, value))
            bar.update(1)
    kept = np.array([ok for ok, _ in results], dtype=bool)
    failures = [value for ok, value in results if not ok]
    if failures:
        warnings.warn(
            f"Skipped {len(failures)} of {len(paths)} file(s) that could not be read:\n  "
            + "\n  ".join(failures),
            UserWarning,
            stacklevel=2,
        )
    return [value for ok, value in results if ok], kept


def check_extension(path, extensions, reader_name):
    """Raise a :class:`ReadError` unless ``path`` exists with a known extension."""
    base, _ = split_tune_number(path)
    ext = Path(base).suffix.lower()
    if ext not in extensions:
        raise ReadError(
            f"Cannot read {path!r}: unknown extension {ext or '(none)'!r}; "
            f"{reader_name} reads {', '.join(sorted(extensions))}."
        )
    if not os.path.exists(base):
        raise ReadError(f"Cannot read {path!r}: no such file.")
    if os.path.isdir(base):
        raise ReadError(f"Cannot read {path!r}: it is a folder, not a file.")
    return base


class FileReader(TransformerMixin, BaseEstimator):
    """Base of the stateless readers: a list of paths in, a list of arrays out.

    Subclasses define ``extensions`` and ``read(path)``. ``fit`` only checks
    the parameters; ``transform`` reads every path, and raises a
    :class:`ReadError` naming the first file that cannot be read. (To skip
    unreadable files instead, use the dataset loaders of
    :mod:`skmusic.datasets` with ``on_error="skip"``: they drop a file and its
    label together, where a transformer in a Pipeline could not.)
    """

    extensions = frozenset()

    def _check_params(self):
        """Validate parameters; subclasses extend it."""
        n_jobs = getattr(self, "n_jobs", None)
        if n_jobs is not None and (not isinstance(n_jobs, int) or n_jobs == 0):
            raise ValueError(f"n_jobs must be None or a non-zero int, got {n_jobs!r}.")

    def fit(self, X=None, y=None):
        """Check the parameters; nothing is learned.

        Parameters
        ----------
        X : list of str, default=None
            Ignored.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_params()
        return self

    def transform(self, X):
        """Read every file of ``X``.

        Parameters
        ----------
        X : list of str or path-like of length n_files

        Returns
        -------
        items : list of ndarray of length n_files
        """
        self._check_params()
        paths = check_paths(X)
        items, _ = read_files(
            paths,
            self.read,
            n_jobs=getattr(self, "n_jobs", None),
            verbose=getattr(self, "verbose", False),
            desc=type(self).__name__,
        )
        return items

    def set_output(self, *, transform=None):
        """Accept a Pipeline's ``set_output``; a list of arrays stays a list.

        Readers return one array per file, which no table format can hold, so
        this changes nothing; it lets ``Pipeline.set_output(transform="pandas")``
        configure the tabular steps that follow.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None
            Ignored.

        Returns
        -------
        self : object
        """
        return self

    def __sklearn_is_fitted__(self):
        return True  # stateless

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = []
        return tags
