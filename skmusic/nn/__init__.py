"""The papers' networks: PyTorch modules and their skorch-based sklearn classifiers.

Estimators
----------
LSTMClassifier
    Stacked (Bi)LSTM read at each sequence's true end (seeds 000 NN1, 001, 004).
CRNNClassifier
    Conv1D + (Bi)LSTM stacks (seed 000 NN2, NN3).
ResNet1DClassifier
    1D ResNet with adaptive pooling (seed 001).
SpectrogramCNNClassifier
    2D CNN on (frequency, frames) images (seeds 002, 003).
RCNNClassifier
    Recurrent convolutional network (seed 004).

The torch modules live in :mod:`skmusic.nn.modules`; the shared estimator
machinery (batch-indexed data path, seeding, validation split, early stopping)
in :mod:`skmusic.nn.base`.
"""

from .classifiers import (
    CRNNClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
]
