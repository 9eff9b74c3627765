"""Reading audio files into waveforms and writing WAV files."""

import os
import sys
import tempfile
import threading
import warnings
from contextlib import contextmanager
from numbers import Real

import numpy as np

from ._base import FileReader, ReadError, check_extension

__all__ = ["AudioLoader", "read_audio", "write_wav", "AUDIO_EXTENSIONS"]

AUDIO_EXTENSIONS = frozenset({".wav", ".flac", ".ogg", ".mp3", ".au", ".aiff", ".aif"})

_STDERR_LOCK = threading.Lock()
_STDERR_STATE = {"depth": 0, "saved": None}


@contextmanager
def _quiet_decoders():
    """Keep the decoders' own chatter off the terminal while a file is decoded.

    libmpg123 (inside libsndfile) prints "Note: Illegal Audio-MPEG-Header ..."
    lines straight to file descriptor 2 when an MP3 is broken, and librosa warns
    when it falls back from soundfile to audioread. A failed read raises a
    :class:`ReadError` that says what went wrong; those lines only bury it.
    File descriptor 2 is pointed at a scratch file (threads share it: the first
    reader in redirects, the last one out restores it).
    """
    fd = 2  # where C libraries write, whatever sys.stderr is now
    try:
        os.fstat(fd)
    except OSError:  # no file descriptor 2 at all
        fd = None
    with _STDERR_LOCK:
        if fd is not None and _STDERR_STATE["depth"] == 0:
            if sys.stderr is not None:
                sys.stderr.flush()
            saved = os.dup(fd)
            scratch = tempfile.TemporaryFile()
            os.dup2(scratch.fileno(), fd)
            scratch.close()
            _STDERR_STATE["saved"] = (fd, saved)
        _STDERR_STATE["depth"] += 1
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PySoundFile failed", category=UserWarning)
            warnings.filterwarnings("ignore", message=r".*__audioread_load", category=FutureWarning)
            yield
    finally:
        with _STDERR_LOCK:
            _STDERR_STATE["depth"] -= 1
            if _STDERR_STATE["depth"] == 0 and _STDERR_STATE["saved"] is not None:
                fd, saved = _STDERR_STATE["saved"]
                os.dup2(saved, fd)
                os.close(saved)
                _STDERR_STATE["saved"] = None


def read_audio(path, *, sr=22050, mono=True, offset=0.0, duration=None):
    """Read one audio file into a 2D waveform.

    Parameters
    ----------
    path : str or path-like
        A .wav, .flac, .ogg, .mp3, .au or .aiff file.
    sr : int or None, default=22050
        Sampling rate to resample to; ``None`` keeps the file's own.
    mono : bool, default=True
        Mix the channels down to one.
    offset : float, default=0.0
        Start reading this many seconds in.
    duration : float, default=None
        Read at most this many seconds.

    Returns
    -------
    waveform : ndarray of shape (n_channels, n_samples), dtype float32
        ``n_channels`` is 1 when ``mono``.

    Raises
    ------
    ReadError
        Naming the file and the reason.
    """
    import librosa

    path = check_extension(str(path), AUDIO_EXTENSIONS, "AudioLoader")
    try:
        with _quiet_decoders():
            y, _ = librosa.load(
                path, sr=sr, mono=mono, offset=offset, duration=duration, dtype=np.float32
            )
    except Exception as exc:
        reason = str(exc) or "no decoder could read it (a broken file, or a format none supports)"
        raise ReadError(f"Cannot read {path!r}: {type(exc).__name__}: {reason}") from exc
    # reshape, not atleast_2d: a stride-0 axis would hash differently from the
    # same waveform read back from a Pipeline(memory=...) cache, missing it.
    y = y.reshape(1, -1) if y.ndim == 1 else y
    if y.shape[1] == 0:
        raise ReadError(f"Cannot read {path!r}: it holds no samples (after offset={offset}).")
    return y


class AudioLoader(FileReader):
    """Read audio files into waveforms, resampled to one rate.

    A stateless transformer: a list of paths in, a list of waveforms out, each
    of shape ``(1, n_samples)`` (``(n_channels, n_samples)`` when
    ``mono=False``), float32. Decoding goes through soundfile (and librosa's
    fallbacks for other formats); resampling through librosa.

    Parameters
    ----------
    sr : int or None, default=22050
        Sampling rate of the output; ``None`` keeps each file's own rate.
    mono : bool, default=True
        Mix channels down to one.
    offset : float, default=0.0
        Seconds to skip at the start of each file.
    duration : float, default=None
        Seconds to read from each file; ``None`` reads to the end.
    n_jobs : int, default=None
        Processes decoding files in parallel (joblib); ``None`` means 1.
    verbose : bool, default=False
        Show a progress bar over files.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from skmusic.io import AudioLoader, write_wav
    >>> tone = np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)[None, :]
    >>> path = write_wav(tone, os.path.join(tempfile.mkdtemp(), "a.wav"), sr=8000)
    >>> AudioLoader(sr=4000).transform([path])[0].shape
    (1, 4000)
    """

    extensions = AUDIO_EXTENSIONS

    def __init__(
        self, *, sr=22050, mono=True, offset=0.0, duration=None, n_jobs=None, verbose=False
    ):
        self.sr = sr
        self.mono = mono
        self.offset = offset
        self.duration = duration
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        super()._check_params()
        if self.sr is not None and (not isinstance(self.sr, Real) or self.sr <= 0):
            raise ValueError(f"sr must be a positive number or None, got {self.sr!r}.")
        if not isinstance(self.offset, Real) or self.offset < 0:
            raise ValueError(f"offset must be a number >= 0, got {self.offset!r}.")
        if self.duration is not None and (
            not isinstance(self.duration, Real) or self.duration <= 0
        ):
            raise ValueError(f"duration must be a positive number or None, got {self.duration!r}.")

    def read(self, path):
        """Read one file; see :func:`read_audio`."""
        return read_audio(
            path, sr=self.sr, mono=self.mono, offset=self.offset, duration=self.duration
        )


def write_wav(waveform, path, *, sr):
    """Write a waveform to a WAV file (32-bit float).

    Parameters
    ----------
    waveform : array-like of shape (n_channels, n_samples) or (n_samples,)
    path : str or path-like
    sr : int
        Sampling rate.

    Returns
    -------
    path : str
    """
    import soundfile

    y = np.asarray(waveform, dtype=np.float32)
    if y.ndim == 1:
        y = y[np.newaxis, :]
    if y.ndim != 2:
        raise ValueError(f"waveform must be 1D or 2D (n_channels, n_samples), got {y.ndim}D.")
    if not np.isfinite(y).all():
        raise ValueError("waveform contains NaN or infinity; cannot write it.")
    path = str(path)
    soundfile.write(path, y.T, int(sr), subtype="FLOAT")
    return path
