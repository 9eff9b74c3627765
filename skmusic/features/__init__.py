"""Feature transformers: audio, symbolic and sequence steps.

Every step takes a batch (a 3D array ``(n_sequences, n_channels, n_timesteps)``,
a list of 2D arrays, or a 2D array of single-channel sequences) and returns one.
"""

from .sequence import slice_sequences

__all__ = ["slice_sequences"]
