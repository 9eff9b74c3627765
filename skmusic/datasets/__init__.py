"""Datasets as sklearn Bunches (``data``, ``target``, ``filenames``, ``DESCR``).

:func:`load_corpus` builds labelled datasets from the music21 corpus that ships
with music21 (the embedded default data, no download); :func:`render_audio`
renders scores to audio offline
(``load_corpus(..., as_audio=True, instrumentation="by_class")`` gives every
class its own ensemble and tempo: a stand-in for genre audio); the folder
loaders read a user's own files.
"""

from ._corpus import CORPUS_DATASETS, ENSEMBLES, get_data_home, load_corpus
from ._folders import labelled_files, load_audio_folder, load_score_folder, load_series_folder
from ._render import TIMBRES, fluidsynth_available, render_audio

__all__ = [
    "load_corpus",
    "load_audio_folder",
    "load_score_folder",
    "load_series_folder",
    "labelled_files",
    "render_audio",
    "fluidsynth_available",
    "get_data_home",
    "CORPUS_DATASETS",
    "ENSEMBLES",
    "TIMBRES",
]
