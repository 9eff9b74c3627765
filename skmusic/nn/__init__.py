"""Networks as scikit-learn classifiers: PyTorch modules trained through skorch.

Estimators
----------
LSTMClassifier
    Stacked (Bi)LSTM read at each sequence's true end (Chen & Wang's NN1; Wang; Ke & Wang).
CRNNClassifier
    Conv1D + (Bi)LSTM stacks (Chen & Wang's NN2, NN3).
ResNet1DClassifier
    1D ResNet with adaptive pooling (Wang).
SpectrogramCNNClassifier
    2D CNN on (frequency, frames) images (Zong; Doyle & Lopez).
RCNNClassifier
    Recurrent convolutional network (Ke & Wang).
NoteNetworkClassifier
    Notes with their categories embedded, whole songs read through masked
    dilated convolutions and pooling, song-level histograms beside.
InceptionTimeClassifier
    InceptionTime (Ismail Fawaz et al., 2020), the strongest deep classifier
    on the UCR/UEA archives.

The torch modules live in :mod:`skmusic.nn.modules`; the shared estimator
machinery (batch-indexed data path, seeding, validation split, early stopping)
in :mod:`skmusic.nn.base`.
"""

from .classifiers import (
    CRNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from .notes import NoteNetworkClassifier

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
    "InceptionTimeClassifier",
    "NoteNetworkClassifier",
]
