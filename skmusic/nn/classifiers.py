"""skmusic's networks as scikit-learn classifiers (skorch underneath).

Every classifier takes a batch -- a 3D array ``(n_sequences, n_channels,
n_timesteps)``, a 2D array ``(n_sequences, n_timesteps)`` read as
single-channel sequences, or a list of 2D arrays of unequal lengths -- and
string or integer labels. The architecture's knobs are plain parameters, so a
grid reads ``{"estimator__hidden_size": [64, 128]}``; the fitted skorch net is
``net_`` (``net_.history`` holds the epoch table). The classes live in
:mod:`skmusic.nn._recurrent`, :mod:`skmusic.nn._convolutional` and
:mod:`skmusic.nn._inception`.
"""

from ._convolutional import RCNNClassifier, ResNet1DClassifier, SpectrogramCNNClassifier
from ._inception import InceptionTimeClassifier
from ._recurrent import CRNNClassifier, LSTMClassifier

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
    "InceptionTimeClassifier",
]
