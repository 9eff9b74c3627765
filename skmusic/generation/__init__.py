"""Generators with a scikit-learn face: ``fit(X)``, ``sample(...)``, ``score(X)``.

They follow sklearn's density estimators (``KernelDensity``, ``GaussianMixture``):
``score`` is the mean log-likelihood per step (the negative mean squared error
for the regressors), so ``GridSearchCV`` tunes a generator by held-out score.

NoteLSTMGenerator
    Next-token LSTM over NoteTokenizer ids (seed 002).
NGramTokenGenerator
    Unigram/bigram/n-gram baseline with additive smoothing.
SequenceForecaster
    Conv1D + LSTM regression of the next values of a note-feature sequence (seed 000).
WaveformGenerator
    Conv1D + bidirectional GRU on raw audio, rolled forward (seed 003).
ClassConditionalGenerator
    One fitted clone of a generator per class (seed 003: one network per genre).

Helpers: :func:`write_tokens_midi` (sampled ids to a MIDI file),
:func:`skmusic.plotting.plot_forecast` draws a forecast against the truth.
"""

from ._conditional import ClassConditionalGenerator
from ._note_lstm import NGramTokenGenerator, NoteLSTMGenerator, write_tokens_midi
from ._regression import SequenceForecaster, WaveformGenerator

__all__ = [
    "NoteLSTMGenerator",
    "NGramTokenGenerator",
    "SequenceForecaster",
    "WaveformGenerator",
    "ClassConditionalGenerator",
    "write_tokens_midi",
]
