"""skmusic: scikit-learn compatible classification and generation of music sequences.

Subpackages
-----------
io
    Readers (file paths -> arrays, as transformers) and writers (MIDI, WAV).
datasets
    The embedded music21 corpus datasets, folders of audio or series, rendering.
features
    Audio, symbolic and sequence feature transformers.
nn
    PyTorch modules and their skorch-based sklearn classifiers.
ensemble
    ``VotingSliceClassifier``: whole-song decisions from slice votes.
generation
    Note, sequence and waveform generators with a density-estimator face.
model_selection
    Deep and classical models compared in one search.
"""

from ._version import __version__

__all__ = ["__version__"]
