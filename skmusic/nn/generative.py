"""PyTorch modules of skmusic's generators, apart from the estimators that train them.

* :class:`TokenLSTMNet` -- next-token model (seed 002): embedding, stacked LSTM
  with dropout, dense layers, one logit per vocabulary token at every step.
  ``forward`` returns ``(batch, n_tokens, n_timesteps)`` logits, the layout
  ``torch.nn.CrossEntropyLoss`` takes; :meth:`TokenLSTMNet.step` carries the
  recurrent state for fast sampling.
* :class:`ConvLSTMForecastNet` -- seed 000's generator: one Conv1D layer and one
  LSTM read at the end of the window, a linear layer to the next ``horizon``
  values of every channel.
* :class:`ConvBiGRUWaveNet` -- seed 003's waveform generator: a strided Conv1D
  over raw audio, a bidirectional GRU, a linear layer to the next ``horizon``
  samples.

The dense layers come from :mod:`skmusic.nn.modules` (:class:`DenseHead`).
"""

import torch
from torch import nn
from torch.nn import functional as F

from .modules import DenseHead

__all__ = ["TokenLSTMNet", "ConvLSTMForecastNet", "ConvBiGRUWaveNet"]


class TokenLSTMNet(nn.Module):
    """Embedding, stacked LSTM and dense layers over token ids.

    Parameters
    ----------
    n_tokens : int
        Vocabulary size (ids ``0 .. n_tokens - 1``).
    embedding_dim : int
    hidden_size : int
        Units of every LSTM layer.
    num_layers : int
        Stacked LSTM layers (seed 002: 3).
    dropout : float
        Between LSTM layers, after the last one and after every dense layer.
    dense : sequence of int
        Hidden dense layers (ReLU) before the output layer.
    """

    def __init__(self, n_tokens, *, embedding_dim=64, hidden_size=256, num_layers=3,
                 dropout=0.3, dense=(256,)):
        super().__init__()
        self.embedding = nn.Embedding(n_tokens, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_size, num_layers=num_layers,
                            batch_first=True, dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.head = DenseHead(hidden_size, dense, n_tokens, dropout=dropout)

    def step(self, ids, state=None):
        """Logits for the token after each of ``ids``, and the new state.

        Parameters
        ----------
        ids : LongTensor of shape (batch, n_timesteps)
        state : tuple of Tensor or None
            The LSTM's ``(h, c)`` from the previous call.

        Returns
        -------
        logits : Tensor of shape (batch, n_timesteps, n_tokens)
        state : tuple of Tensor
        """
        out, state = self.lstm(self.embedding(ids), state)
        return self.head(self.dropout(out)), state

    def forward(self, X, lengths=None):
        """Logits ``(batch, n_tokens, n_timesteps)`` for ids ``X`` of shape
        ``(batch, 1, n_timesteps)`` (float or int; padding at the end is harmless:
        the LSTM is causal, so no real step sees it)."""
        logits, _ = self.step(X[:, 0].long())
        return logits.transpose(1, 2)


class ConvLSTMForecastNet(nn.Module):
    """One Conv1D layer and one LSTM, then a linear layer to the next values.

    Parameters
    ----------
    n_channels : int
    horizon : int
        Values predicted per channel.
    conv_channels : int
    kernel_size : int
        "same" padding, so any window of at least one step works.
    hidden_size : int
    dropout : float
    """

    def __init__(self, n_channels, horizon, *, conv_channels=32, kernel_size=3,
                 hidden_size=64, dropout=0.0):
        super().__init__()
        self.n_channels = n_channels
        self.horizon = horizon
        self.conv = nn.Conv1d(n_channels, conv_channels, kernel_size, padding="same")
        self.lstm = nn.LSTM(conv_channels, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_size, n_channels * horizon)

    def forward(self, X, lengths=None):
        """Next values ``(batch, n_channels, horizon)`` after windows ``X`` of shape
        ``(batch, n_channels, window)``."""
        x = F.relu(self.conv(X))
        _, (h, _) = self.lstm(x.transpose(1, 2))
        out = self.out(self.dropout(h[-1]))
        return out.view(-1, self.n_channels, self.horizon)


class ConvBiGRUWaveNet(nn.Module):
    """Strided Conv1D over raw audio, a bidirectional GRU, a linear layer.

    The convolution (``conv_stride`` samples apart) shortens the context the GRU
    reads by that factor (seed 003: "reduced the number of parameters ... and
    thus sped up training"); the GRU's last forward and first backward states
    feed a linear layer to ``horizon`` samples.

    Parameters
    ----------
    horizon : int
        Samples predicted.
    conv_channels, kernel_size, conv_stride : int
    hidden_size : int
        Units per direction of the GRU.
    num_layers : int
    """

    def __init__(self, horizon, *, conv_channels=32, kernel_size=16, conv_stride=8,
                 hidden_size=64, num_layers=1):
        super().__init__()
        self.horizon = horizon
        self.conv = nn.Conv1d(1, conv_channels, kernel_size, stride=conv_stride)
        self.gru = nn.GRU(conv_channels, hidden_size, num_layers=num_layers,
                          batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden_size, horizon)

    def forward(self, X, lengths=None):
        """Next ``horizon`` samples ``(batch, 1, horizon)`` after waveforms ``X`` of
        shape ``(batch, 1, context)``."""
        x = F.relu(self.conv(X))
        _, h = self.gru(x.transpose(1, 2))
        last = torch.cat([h[-2], h[-1]], dim=1)
        return self.out(last).unsqueeze(1)
