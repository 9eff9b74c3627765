"""Generators with a scikit-learn face: ``fit(X)``, ``sample(...)``, ``score(X)``.

They follow sklearn's density estimators (``KernelDensity``, ``GaussianMixture``):
``score`` is the mean log-likelihood per step (the negative mean squared error
for the regressors), so ``GridSearchCV`` tunes a generator by held-out score.

NoteLSTMGenerator
    Next-token LSTM over NoteTokenizer ids (after Zong's Chopin generator).
NGramTokenGenerator
    n-gram model of token sequences: additive, Kneser-Ney or PPM smoothing (variable order).
ViewpointGenerator
    Multiple-viewpoint model of melodies (IDyOM): variable-order models of pitch,
    interval, scale degree, duration, ... combined by entropy; a generator and,
    through ClassConditionalGenerator, a classifier.
SequenceForecaster
    Conv1D + LSTM regression of the next values of a note-feature sequence (Chen and Wang).
WaveformGenerator
    Conv1D + bidirectional GRU on raw audio with a sampled 8-bit mu-law output, rolled
    forward (Doyle and Lopez's network).
SpectralGenerator
    Conv1D + bidirectional GRU over log-mel frames, a drawn (mixture-density) next
    frame, rolled forward and turned into sound by Griffin-Lim; MeanSpectrumGenerator
    is its trivial baseline.
ChoraleGenerator
    Four voices (soprano, alto, tenor, bass) on a 16th-note grid: samples whole
    chorales, or harmonizes a given melody (``harmonize``).
ClassConditionalGenerator
    One fitted clone of a generator per class (Doyle and Lopez: one network per genre).

Helpers: :func:`write_tokens_midi` (sampled ids to a MIDI file),
:func:`skmusic.plotting.plot_forecast` draws a forecast against the truth.
"""

from ._conditional import ClassConditionalGenerator
from ._ngram import NGramTokenGenerator
from ._note_lstm import NoteLSTMGenerator
from ._regression import SequenceForecaster, WaveformGenerator
from ._spectral import (
    MeanSpectrumGenerator,
    SpectralGenerator,
    mel_to_stft_power,
    mel_to_waveform,
)
from ._tokens import write_tokens_midi
from ._viewpoints import ViewpointGenerator
from ._voices import ChoraleGenerator, estimate_meter, quarter_frames

__all__ = [
    "ChoraleGenerator",
    "ClassConditionalGenerator",
    "MeanSpectrumGenerator",
    "NGramTokenGenerator",
    "NoteLSTMGenerator",
    "SequenceForecaster",
    "SpectralGenerator",
    "ViewpointGenerator",
    "WaveformGenerator",
    "estimate_meter",
    "mel_to_stft_power",
    "mel_to_waveform",
    "quarter_frames",
    "write_tokens_midi",
]
