"""Reading multichannel recordings (e.g. EEG) from CSV and Excel files."""

from pathlib import Path

import numpy as np

from ._base import FileReader, ReadError, check_extension

__all__ = ["SeriesLoader", "read_series", "SERIES_EXTENSIONS"]

SERIES_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xls"})


def read_series(path, *, columns=None, sep=None, header="infer"):
    """Read one recording: a table whose columns are channels, rows timesteps.

    Parameters
    ----------
    path : str or path-like
        A .csv, .tsv or .txt (delimited text) or .xlsx / .xls file.
    columns : list of str or int, default=None
        Channels to keep, by column name or position; ``None`` keeps all.
    sep : str, default=None
        Delimiter of text files; ``None`` means ``","`` (``"\\t"`` for .tsv).
    header : int, "infer" or None, default="infer"
        As :func:`pandas.read_csv`; ``None`` when the file has no header row.

    Returns
    -------
    series : ndarray of shape (n_channels, n_timesteps), dtype float32

    Raises
    ------
    ReadError
        Naming the file and the reason: a missing file, an unknown extension, a
        column that is not numeric, missing values, an unknown column.
    """
    import pandas as pd

    path = check_extension(str(path), SERIES_EXTENSIONS, "SeriesLoader")
    ext = Path(path).suffix.lower()
    try:
        if ext in (".xlsx", ".xls"):
            frame = pd.read_excel(path, header=0 if header == "infer" else header)
        else:
            frame = pd.read_csv(path, sep=sep or ("\t" if ext == ".tsv" else ","), header=header)
    except Exception as exc:
        raise ReadError(f"Cannot read {path!r}: {type(exc).__name__}: {exc}") from exc
    if columns is not None:
        try:
            by_position = all(isinstance(c, int) for c in columns)
            frame = frame.iloc[:, list(columns)] if by_position else frame[list(columns)]
        except (KeyError, IndexError) as exc:
            raise ReadError(
                f"Cannot read {path!r}: column(s) {columns!r} not found; it has "
                f"{list(frame.columns)}."
            ) from exc
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ReadError(f"Cannot read {path!r}: the table is empty.")
    non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise ReadError(
            f"Cannot read {path!r}: column(s) {non_numeric} are not numeric; choose "
            "the channel columns with columns=[...]."
        )
    values = frame.to_numpy(dtype=np.float32).T
    if not np.isfinite(values).all():
        bad = [c for c in frame.columns if not np.isfinite(frame[c].to_numpy(dtype=float)).all()]
        raise ReadError(
            f"Cannot read {path!r}: missing or infinite values in column(s) {bad}; "
            "fill them (e.g. pandas interpolate) before loading."
        )
    return values


class SeriesLoader(FileReader):
    """Read multichannel recordings (a file per recording, columns = channels).

    A stateless transformer: a list of CSV/Excel paths in, a list of arrays of
    shape ``(n_channels, n_timesteps)`` out, float32; recordings may differ in
    length (a ragged batch), as Wang's EEG recordings [1]_ do.

    Parameters
    ----------
    columns : list of str or int, default=None
        Channels to keep; ``None`` keeps every column.
    sep : str, default=None
        Delimiter of text files (``","``; ``"\\t"`` for .tsv).
    header : int, "infer" or None, default="infer"
        Header row, as :func:`pandas.read_csv`.
    n_jobs : int, default=None
        Processes reading files in parallel; ``None`` means 1.
    verbose : bool, default=False
        Show a progress bar over files.

    References
    ----------
    .. [1] Q. Wang, "Music Genre Classification using LSTM and CNN", Research
       School of Computer Science, Australian National University, report
       (undated; cites work up to 2020).

    Examples
    --------
    >>> import os, tempfile
    >>> from skmusic.io import SeriesLoader
    >>> path = os.path.join(tempfile.mkdtemp(), "rec.csv")
    >>> _ = open(path, "w").write("Fp1,Fp2\\n0.1,0.2\\n0.3,0.4\\n0.5,0.6\\n")
    >>> SeriesLoader().transform([path])[0].shape
    (2, 3)
    """

    extensions = SERIES_EXTENSIONS

    def __init__(self, *, columns=None, sep=None, header="infer", n_jobs=None, verbose=False):
        self.columns = columns
        self.sep = sep
        self.header = header
        self.n_jobs = n_jobs
        self.verbose = verbose

    def read(self, path):
        """Read one file; see :func:`read_series`."""
        return read_series(path, columns=self.columns, sep=self.sep, header=self.header)
