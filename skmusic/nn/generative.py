"""PyTorch modules of skmusic's generators, apart from the estimators that train them.

* :class:`TokenLSTMNet` -- next-token model (Zong's note/chord LSTM): embedding,
  stacked LSTM with dropout, dense layers, one logit per vocabulary token at
  every step (optionally tied to the embedding).
  ``forward`` returns ``(batch, n_tokens, n_timesteps)`` logits, the layout
  ``torch.nn.CrossEntropyLoss`` takes; :meth:`TokenLSTMNet.step` carries the
  recurrent state for fast sampling.
* :class:`ConvLSTMForecastNet` -- Chen and Wang's generator: one Conv1D layer and one
  LSTM read at the end of the window, a linear layer to the next ``horizon``
  values of every channel.
* :class:`ConvBiGRUWaveNet` -- Doyle and Lopez's waveform generator: a strided
  Conv1D over raw audio, a bidirectional GRU, and a linear layer to the next
  ``horizon`` samples or a sample-level GRU over 8-bit μ-law classes.

The dense layers come from :mod:`skmusic.nn.modules` (:class:`DenseHead`).
"""

import torch
from torch import nn
from torch.nn import functional as F

from .modules import DenseHead

__all__ = ["ConvBiGRUWaveNet", "ConvLSTMForecastNet", "TokenLSTMNet"]


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
        Stacked LSTM layers.
    dropout : float
        On the embeddings, between LSTM layers, after the last one and after
        every dense layer.
    dense : sequence of int
        Hidden dense layers (ReLU) before the output layer.
    tie_weights : bool, default=False
        Share the embedding matrix with the output layer (Press and Wolf,
        2017); the last hidden layer is projected to ``embedding_dim`` first.
    """

    def __init__(
        self,
        n_tokens,
        *,
        embedding_dim=64,
        hidden_size=256,
        num_layers=3,
        dropout=0.3,
        dense=(256,),
        tie_weights=False,
    ):
        super().__init__()
        self.embedding = nn.Embedding(n_tokens, embedding_dim)
        self.lstm = nn.LSTM(
            embedding_dim,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        if tie_weights:
            self.head = DenseHead(hidden_size, dense, embedding_dim, dropout=dropout)
            self.out = nn.Linear(embedding_dim, n_tokens)
            self.out.weight = self.embedding.weight
        else:
            self.head = DenseHead(hidden_size, dense, n_tokens, dropout=dropout)
            self.out = nn.Identity()

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
        out, state = self.lstm(self.dropout(self.embedding(ids)), state)
        return self.out(self.head(self.dropout(out))), state

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

    def __init__(
        self, n_channels, horizon, *, conv_channels=32, kernel_size=3, hidden_size=64, dropout=0.0
    ):
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
    """Strided Conv1D over raw audio, a bidirectional GRU, and an output head.

    The convolution (``conv_stride`` samples apart) shortens the context the GRU
    reads by that factor (Doyle and Lopez: it "reduced the number of parameters
    ... and thus sped up training"); the GRU's last forward and first backward
    states summarise the context. Two heads:

    * ``n_classes=None`` (the paper's): a linear layer to the next ``horizon``
      samples, trained with mean squared error. Averaging over the futures a
      context allows, its roll-outs fade toward silence.
    * ``n_classes=256``: a categorical distribution over μ-law classes for every
      next sample, as in WaveNet and SampleRNN. A small GRU decoder, started
      from the context summary, predicts the ``horizon`` samples one at a time,
      each from the ones before it (teacher forcing in training), so sampling
      draws a waveform instead of averaging one.

    Parameters
    ----------
    horizon : int
        Samples predicted per context.
    conv_channels, kernel_size, conv_stride : int
    hidden_size : int
        Units per direction of the GRU.
    num_layers : int
    n_classes : int or None, default=None
        μ-law classes of the categorical head; ``None`` for the regression head.
    decoder_size : int, default=64
        Units of the categorical head's sample-level GRU.
    embedding_dim : int, default=16
        Size of the embedding of the previous sample's class fed to the decoder.
    lookback : int, default=128
        The decoder also reads the last ``lookback`` samples (as values in
        [-1, 1], through a linear layer) at every step, so it can continue a
        periodic waveform -- a pitch period of up to ``lookback`` samples -- as
        a linear predictor would.

    Notes
    -----
    With the categorical head, :meth:`forward` takes class ids (as floats) of
    the context *followed by* the ``horizon`` target samples, shape
    ``(batch, 1, width + horizon)``: the targets are its teacher-forced inputs.
    The body reads the ids scaled to ``[-1, 1]``.
    """

    def __init__(
        self,
        horizon,
        *,
        conv_channels=32,
        kernel_size=16,
        conv_stride=8,
        hidden_size=64,
        num_layers=1,
        n_classes=None,
        decoder_size=64,
        embedding_dim=16,
        lookback=128,
    ):
        super().__init__()
        self.horizon = horizon
        self.n_classes = n_classes
        self.lookback = lookback
        self.conv = nn.Conv1d(1, conv_channels, kernel_size, stride=conv_stride)
        self.gru = nn.GRU(
            conv_channels, hidden_size, num_layers=num_layers, batch_first=True, bidirectional=True
        )
        if n_classes is None:
            self.out = nn.Linear(2 * hidden_size, horizon)
        else:
            self.condition = nn.Linear(2 * hidden_size, decoder_size)
            self.embedding = nn.Embedding(n_classes, embedding_dim)
            self.recent = nn.Linear(lookback, decoder_size)
            self.decoder = nn.GRU(embedding_dim + 2 * decoder_size, decoder_size, batch_first=True)
            self.out = nn.Linear(decoder_size, n_classes)

    def _summary(self, X):
        x = F.relu(self.conv(X))
        _, h = self.gru(x.transpose(1, 2))
        return torch.cat([h[-2], h[-1]], dim=1)

    def _scale(self, ids):
        return ids * (2.0 / (self.n_classes - 1)) - 1.0

    def forward(self, X, lengths=None):
        """Regression head: the next ``horizon`` samples ``(batch, 1, horizon)``
        after waveforms ``X`` of shape ``(batch, 1, width)``. Categorical head:
        logits ``(batch, n_classes, horizon)`` of the last ``horizon`` samples of
        ``X`` (class ids, shape ``(batch, 1, width + horizon)``), each from the
        samples before it."""
        if self.n_classes is None:
            return self.out(self._summary(X)).unsqueeze(1)
        context, prev = X[..., : -self.horizon], X[:, 0, -self.horizon - 1 : -1]
        cond = torch.tanh(self.condition(self._summary(self._scale(context))))
        # the last `lookback` samples before each predicted one (zeros before the start)
        past = self._scale(X[:, 0, :-1])
        past = F.pad(past, (max(self.lookback - past.shape[1] + self.horizon, 0), 0))
        recent = past[:, -(self.horizon + self.lookback - 1) :].unfold(1, self.lookback, 1)
        inputs = torch.cat(
            [
                self.embedding(prev.long()),
                self.recent(recent),
                cond[:, None].expand(-1, self.horizon, -1),
            ],
            dim=2,
        )
        out, _ = self.decoder(inputs, cond[None].contiguous())
        return self.out(out).transpose(1, 2)

    @torch.no_grad()
    def sample(self, context, n_samples, *, temperature=1.0, generator=None):
        """Draw the next ``n_samples`` class ids after ``context`` (categorical head).

        The decoder's GRU is stepped by hand, its input projections of the
        previous sample's embedding, the recent samples and the context summary
        computed once, which makes a step a few small matrix products.

        Parameters
        ----------
        context : Tensor of shape (batch, 1, width)
            Class ids (as floats) the body reads.
        n_samples : int
            At most ``horizon``.
        temperature : float, default=1.0
        generator : torch.Generator, default=None

        Returns
        -------
        ids : LongTensor of shape (batch, n_samples)
        """
        cond = torch.tanh(self.condition(self._summary(self._scale(context))))
        D, E, L = cond.shape[1], self.embedding.embedding_dim, self.lookback
        W_ih, W_hh = self.decoder.weight_ih_l0, self.decoder.weight_hh_l0
        b_ih, b_hh = self.decoder.bias_ih_l0, self.decoder.bias_hh_l0
        from_token = self.embedding.weight @ W_ih[:, :E].T  # (n_classes, 3D)
        W_recent = W_ih[:, E : E + D] @ self.recent.weight  # (3D, L)
        fixed = (
            cond @ W_ih[:, E + D :].T + b_ih + W_ih[:, E : E + D] @ self.recent.bias
        )  # (batch, 3D)
        h = cond
        prev = context[:, 0, -1].long()
        past = self._scale(context[:, 0])
        buffer = torch.zeros(
            context.shape[0], L + n_samples, dtype=past.dtype, device=context.device
        )
        keep = min(L, past.shape[1])
        buffer[:, L - keep : L] = past[:, past.shape[1] - keep :]
        out = torch.empty(context.shape[0], n_samples, dtype=torch.long, device=context.device)
        scale = 2.0 / (self.n_classes - 1)
        for t in range(n_samples):
            gi = from_token[prev] + buffer[:, t : t + L] @ W_recent.T + fixed
            gh = h @ W_hh.T + b_hh
            r = torch.sigmoid(gi[:, :D] + gh[:, :D])
            z = torch.sigmoid(gi[:, D : 2 * D] + gh[:, D : 2 * D])
            n = torch.tanh(gi[:, 2 * D :] + r * gh[:, 2 * D :])
            h = (1 - z) * n + z * h
            logits = self.out(h)
            probs = torch.softmax(logits / temperature, dim=1)
            prev = torch.multinomial(probs, 1, generator=generator)[:, 0]
            out[:, t] = prev
            buffer[:, L + t] = prev * scale - 1.0
        return out
