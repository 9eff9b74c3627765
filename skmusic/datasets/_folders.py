"""Loading a user's folder of labelled files: audio (GTZAN layout), scores, series."""

import os
import warnings
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..io import AudioLoader, ScoreLoader, SeriesLoader, read_files
from ..io.audio import AUDIO_EXTENSIONS
from ..io.scores import SCORE_EXTENSIONS
from ..io.series import SERIES_EXTENSIONS
from ..utils.tunes import tune_families

__all__ = ["load_audio_folder", "load_score_folder", "load_series_folder", "labelled_files"]


def labelled_files(root, extensions):
    """Files of ``root/<label>/...`` with a known extension, and their labels.

    Parameters
    ----------
    root : str or path-like
        A folder with one sub-folder per class (files may sit deeper inside it).
    extensions : set of str
        Extensions to take, lower case with the dot.

    Returns
    -------
    paths : list of str
    labels : list of str
        The name of the sub-folder of ``root`` each file is in.

    Raises
    ------
    FileNotFoundError
        If ``root`` does not exist.
    ValueError
        If ``root`` holds no file with one of ``extensions`` in a sub-folder.
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"Data folder {str(root)!r} does not exist.")
    if not root.is_dir():
        raise ValueError(
            f"{str(root)!r} is a file; give the folder that holds one sub-folder per class."
        )
    paths, labels, ignored = [], [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root)
        if path.name.startswith("."):
            continue
        if path.suffix.lower() not in extensions:
            ignored.append(str(rel))
        elif len(rel.parts) < 2:
            ignored.append(f"{rel} (not in a class sub-folder)")
        else:
            paths.append(str(path))
            labels.append(rel.parts[0])
    if not paths:
        raise ValueError(
            f"No files with extension {', '.join(sorted(extensions))} in class "
            f"sub-folders of {str(root)!r}. Expected the layout root/<label>/<file>"
            + (f"; found only {ignored[:5]}" if ignored else "; the folder is empty")
            + "."
        )
    if ignored:
        warnings.warn(
            f"Ignored {len(ignored)} file(s) of {str(root)!r} that are not "
            f"{'/'.join(sorted(extensions))} files in a class sub-folder: "
            + ", ".join(ignored[:20])
            + (" ..." if len(ignored) > 20 else ""),
            UserWarning,
            stacklevel=3,
        )
    return paths, labels


def _load(paths, labels, loader, on_error, n_jobs, verbose, descr):
    loader._check_params()
    items, kept = read_files(
        paths, loader.read, on_error=on_error, n_jobs=n_jobs, verbose=verbose, desc="loading"
    )
    if not items:
        raise ValueError("None of the files could be read; see the warning for why.")
    target = np.asarray(labels)[kept]
    return Bunch(
        data=items,
        target=target,
        target_names=sorted(set(target.tolist())),
        filenames=np.asarray(paths)[kept],
        DESCR=descr,
    )


def load_audio_folder(
    root,
    *,
    sr=22050,
    mono=True,
    offset=0.0,
    duration=None,
    on_error="raise",
    n_jobs=None,
    verbose=True,
):
    """Load a folder of audio files laid out as GTZAN is: ``root/<label>/*.wav``.

    Parameters
    ----------
    root : str or path-like
        Folder with one sub-folder per class (e.g. ``genres/blues/blues.00000.au``).
    sr, mono, offset, duration
        As :class:`skmusic.io.AudioLoader`.
    on_error : {"raise", "skip"}, default="raise"
        ``"skip"`` leaves unreadable files (and their labels) out, with one
        warning listing each and why.
    n_jobs : int, default=None
        Processes decoding in parallel.
    verbose : bool, default=True
        Show a progress bar.

    Returns
    -------
    data : Bunch
        ``data`` (list of ``(n_channels, n_samples)`` float32 waveforms),
        ``target``, ``target_names``, ``filenames``, ``DESCR``, ``sr``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skmusic.io import write_wav
    >>> from skmusic.datasets import load_audio_folder
    >>> root = tempfile.mkdtemp()
    >>> for label in ("low", "high"):
    ...     os.makedirs(os.path.join(root, label))
    ...     _ = write_wav(np.zeros(800), os.path.join(root, label, "a.wav"), sr=8000)
    >>> songs = load_audio_folder(root, sr=8000, verbose=False)
    >>> songs.target.tolist(), songs.data[0].shape
    (['high', 'low'], (1, 800))
    """
    paths, labels = labelled_files(root, AUDIO_EXTENSIONS)
    loader = AudioLoader(sr=sr, mono=mono, offset=offset, duration=duration)
    bunch = _load(paths, labels, loader, on_error, n_jobs, verbose, f"Audio files of {root}")
    bunch.sr = sr
    return bunch


def load_score_folder(root, *, reader="auto", on_error="raise", n_jobs=None, verbose=True):
    """Load a folder of scores laid out as ``root/<label>/*.mid|xml|mxl|abc|krn``.

    Parameters
    ----------
    root : str or path-like
        Folder with one sub-folder per class.
    reader : {"auto", "music21", "fast"}, default="auto"
        As :class:`skmusic.io.ScoreLoader`.
    on_error : {"raise", "skip"}, default="raise"
        ``"skip"`` leaves unreadable files (and their labels) out, with one
        warning listing each and why.
    n_jobs : int, default=None
    verbose : bool, default=True

    Returns
    -------
    data : Bunch
        ``data`` (list of note-event arrays), ``target``, ``target_names``,
        ``filenames``, ``groups`` (the tune family of every score,
        :func:`skmusic.model_selection.tune_families`: variants of one tune
        share a family; give it to a grouped splitter), ``DESCR``.
    """
    paths, labels = labelled_files(root, SCORE_EXTENSIONS)
    loader = ScoreLoader(reader=reader)
    bunch = _load(paths, labels, loader, on_error, n_jobs, verbose, f"Scores of {root}")
    bunch.groups = tune_families(bunch.data)
    return bunch


def load_series_folder(
    root,
    *,
    labels=None,
    columns=None,
    sep=None,
    on_error="raise",
    n_jobs=None,
    verbose=True,
):
    """Load a folder of multichannel recordings (CSV / Excel, columns = channels).

    Labels come from sub-folders (``root/<label>/*.csv``), or from a CSV file
    with columns ``file`` and ``label`` (``file`` relative to ``root``).

    Parameters
    ----------
    root : str or path-like
    labels : str or path-like, default=None
        The label table; ``None`` takes labels from sub-folders.
    columns, sep
        As :class:`skmusic.io.SeriesLoader`.
    on_error : {"raise", "skip"}, default="raise"
    n_jobs : int, default=None
    verbose : bool, default=True

    Returns
    -------
    data : Bunch
        ``data`` (list of ``(n_channels, n_timesteps)`` float32 arrays of their
        own lengths), ``target``, ``target_names``, ``filenames``, ``DESCR``.
    """
    loader = SeriesLoader(columns=columns, sep=sep)
    if labels is None:
        paths, targets = labelled_files(root, SERIES_EXTENSIONS)
    else:
        import pandas as pd

        if not os.path.isdir(root):
            raise FileNotFoundError(f"Data folder {str(root)!r} does not exist.")
        table = pd.read_csv(labels)
        missing = {"file", "label"} - set(table.columns)
        if missing:
            raise ValueError(
                f"The label table {str(labels)!r} lacks column(s) {sorted(missing)}; "
                "it needs 'file' and 'label'."
            )
        if table.empty:
            raise ValueError(f"The label table {str(labels)!r} is empty.")
        paths = [os.path.join(root, f) for f in table["file"].astype(str)]
        targets = table["label"].astype(str).tolist()
    return _load(paths, targets, loader, on_error, n_jobs, verbose, f"Recordings of {root}")
