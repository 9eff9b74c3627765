"""Reading and writing music files.

Readers are stateless sklearn transformers from a list of file paths to a list of
arrays, so a Pipeline can start from paths: :class:`AudioLoader` (waveforms),
:class:`ScoreLoader` (note events), :class:`SeriesLoader` (CSV/Excel recordings).
Writers: :func:`write_midi`, :func:`write_wav`.
"""

from ._base import ReadError, read_files, split_tune_number
from .audio import AudioLoader, read_audio, write_wav
from .notes import NOTE_DTYPE, check_notes, make_notes
from .scores import ScoreLoader, list_tunes, read_score, write_midi
from .series import SeriesLoader, read_series

__all__ = [
    "AudioLoader",
    "ScoreLoader",
    "SeriesLoader",
    "ReadError",
    "NOTE_DTYPE",
    "make_notes",
    "check_notes",
    "read_audio",
    "read_score",
    "read_series",
    "read_files",
    "list_tunes",
    "split_tune_number",
    "write_midi",
    "write_wav",
]
