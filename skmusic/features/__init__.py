"""Feature transformers: audio, symbolic and sequence steps.

Every step takes a batch (a 3D array ``(n_sequences, n_channels, n_timesteps)``,
a list of 2D arrays, or a 2D array of single-channel sequences) and returns one.
"""

from ._importance import grouped_permutation_importance
from .audio import MFCC, FrequencyCompressor, MelSpectrogram, Spectrogram
from .sequence import ChannelScaler, PadSequences, SequenceStats, slice_sequences
from .symbolic import (
    MelodicViewpoints,
    NoteSequence,
    NoteTokenizer,
    PianoRoll,
    ScoreFeatures,
    notes_to_tokens,
    score_feature_groups,
    score_feature_names,
    score_features,
    tokens_to_notes,
    viewpoint_sequence,
)

__all__ = [
    "Spectrogram",
    "MelSpectrogram",
    "MFCC",
    "FrequencyCompressor",
    "ChannelScaler",
    "SequenceStats",
    "PadSequences",
    "NoteSequence",
    "MelodicViewpoints",
    "NoteTokenizer",
    "PianoRoll",
    "ScoreFeatures",
    "notes_to_tokens",
    "score_features",
    "score_feature_groups",
    "score_feature_names",
    "grouped_permutation_importance",
    "tokens_to_notes",
    "viewpoint_sequence",
    "slice_sequences",
]
