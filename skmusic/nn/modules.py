"""PyTorch modules of the papers' networks, apart from the estimators that train them.

Every module takes a batch ``X`` of shape ``(batch, n_channels, n_timesteps)``
(channels first, skmusic's convention) and optional true ``lengths`` of shape
``(batch,)`` for zero-padded ragged batches, and returns one row of
``n_outputs`` values (logits) per sequence.

* :class:`LSTMNet` -- stacked (Bi)LSTM layers (each its own size) and a dense
  head; sequences are packed so the output used is the one at each sequence's
  true end (seed 001, 004, and seed 000's NN1).
* :class:`CRNNNet` -- Conv1D and (Bi)LSTM stacks, alternating (seed 000's NN2)
  or convolutions first (NN3); lengths are tracked through convolution/pooling.
* :class:`ResNet1DNet` -- seed 001's 1D ResNet with adaptive average pooling.
* :class:`SpectrogramCNNNet` -- 2D CNN on (frequency, frames) images (seeds 002, 003).
* :class:`RCNNNet` -- recurrent convolutional network (Liang & Hu 2015; seed 004).
"""

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

__all__ = [
    "LSTMStack",
    "DenseHead",
    "LSTMNet",
    "CRNNNet",
    "ResidualBlock1d",
    "ResNet1DNet",
    "SpectrogramCNNNet",
    "RecurrentConv2d",
    "RCNNNet",
]


def _mask(lengths, size):
    """Boolean (batch, size): True where a timestep is inside the sequence."""
    return torch.arange(size, device=lengths.device)[None, :] < lengths[:, None]


def _global_pool(x, lengths=None, mode="avg"):
    """Pool the last axis (time) of ``x`` (and every axis between channels and
    time) to one value per channel, ignoring padded timesteps."""
    x = x.flatten(2, -2) if x.dim() > 3 else x.unsqueeze(2)  # (B, C, S, T)
    if lengths is None:
        return x.mean(dim=(2, 3)) if mode == "avg" else x.amax(dim=(2, 3))
    mask = _mask(lengths.clamp(min=1), x.shape[-1])[:, None, None, :]
    if mode == "avg":
        total = (x * mask).sum(dim=(2, 3))
        return total / (mask.sum(dim=(2, 3)) * x.shape[2])
    return x.masked_fill(~mask, float("-inf")).amax(dim=(2, 3))


class LSTMStack(nn.Module):
    """Stacked (Bi)LSTM layers of possibly different sizes, with dropout after each.

    Parameters
    ----------
    input_size : int
    hidden_sizes : sequence of int
        One size per layer.
    bidirectional : bool
    dropout : float
        Dropout after every layer.

    Attributes
    ----------
    output_size : int
        Features of the output (``2 * hidden_sizes[-1]`` when bidirectional).
    """

    def __init__(self, input_size, hidden_sizes, *, bidirectional=False, dropout=0.0):
        super().__init__()
        self.lstms = nn.ModuleList()
        size = input_size
        for hidden in hidden_sizes:
            self.lstms.append(
                nn.LSTM(size, hidden, batch_first=True, bidirectional=bidirectional)
            )
            size = hidden * (2 if bidirectional else 1)
        self.output_size = size
        self.bidirectional = bidirectional
        self.dropout = dropout

    def _drop(self, out):
        if not (self.training and self.dropout):
            return out
        if isinstance(out, PackedSequence):
            return PackedSequence(
                F.dropout(out.data, self.dropout, True),
                out.batch_sizes,
                out.sorted_indices,
                out.unsorted_indices,
            )
        return F.dropout(out, self.dropout, True)

    def forward(self, x, lengths=None, *, return_sequences=False):
        """Run the stack.

        Parameters
        ----------
        x : Tensor of shape (batch, n_timesteps, input_size)
        lengths : Tensor of shape (batch,), optional
            True lengths; the sequences are packed so that padding is never seen.
        return_sequences : bool
            Return every timestep ``(batch, n_timesteps, output_size)`` (zeros
            past each length) instead of the state at each sequence's end
            ``(batch, output_size)``.
        """
        total = x.shape[1]
        seq = x
        if lengths is not None:
            seq = pack_padded_sequence(
                x, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
        for lstm in self.lstms:
            seq, (h_n, _) = lstm(seq)
            seq = self._drop(seq)
        if return_sequences:
            if isinstance(seq, PackedSequence):
                seq, _ = pad_packed_sequence(seq, batch_first=True, total_length=total)
            return seq
        last = torch.cat([h_n[-2], h_n[-1]], dim=1) if self.bidirectional else h_n[-1]
        return F.dropout(last, self.dropout, self.training) if self.dropout else last


class DenseHead(nn.Module):
    """Linear layers with ReLU (and dropout), then a linear output layer.

    Parameters
    ----------
    input_size : int
    dense : sequence of int
        Hidden layer sizes (may be empty).
    n_outputs : int
    dropout : float, default=0.0
    """

    def __init__(self, input_size, dense, n_outputs, *, dropout=0.0):
        super().__init__()
        layers = []
        for size in dense:
            layers += [nn.Linear(input_size, size), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            input_size = size
        layers.append(nn.Linear(input_size, n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class LSTMNet(nn.Module):
    """(Bi)LSTM stack read at each sequence's true end, then a dense head.

    Parameters
    ----------
    n_channels : int
        Features per timestep.
    n_outputs : int
    hidden_sizes : sequence of int
    bidirectional : bool, default=False
    dropout : float, default=0.0
        After every LSTM layer and every hidden dense layer.
    dense : sequence of int, default=()
    """

    def __init__(self, n_channels, n_outputs, hidden_sizes, *, bidirectional=False,
                 dropout=0.0, dense=()):
        super().__init__()
        self.lstm = LSTMStack(n_channels, hidden_sizes, bidirectional=bidirectional,
                              dropout=dropout)
        self.head = DenseHead(self.lstm.output_size, dense, n_outputs, dropout=dropout)

    def forward(self, X, lengths=None):
        return self.head(self.lstm(X.transpose(1, 2), lengths))


class CRNNNet(nn.Module):
    """Conv1D and (Bi)LSTM stacks (seed 000's NN2 and NN3).

    Each convolution is ``Conv1d`` (no padding) + ReLU + ``MaxPool1d``. With
    ``layout="alternating"`` convolution ``i`` is followed by LSTM ``i`` and
    dropout (NN2); with ``layout="sequential"`` every convolution is followed by
    dropout and all LSTM layers come after the last one (NN3). The last LSTM is
    read at each sequence's true end; a dense head (ReLU, no dropout) follows.

    Parameters
    ----------
    n_channels, n_outputs : int
    conv_channels : sequence of int
    hidden_sizes : sequence of int
        Same length as ``conv_channels`` for ``layout="alternating"``.
    layout : {"alternating", "sequential"}
    kernel_size, pool_size : int
    bidirectional : bool
    dropout : float
    dense : sequence of int
    """

    def __init__(self, n_channels, n_outputs, conv_channels, hidden_sizes, *,
                 layout="sequential", kernel_size=8, pool_size=4, bidirectional=True,
                 dropout=0.2, dense=()):
        super().__init__()
        self.layout = layout
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dropout = nn.Dropout(dropout)
        self.convs = nn.ModuleList()
        self.lstms = nn.ModuleList()
        size = n_channels
        for i, channels in enumerate(conv_channels):
            self.convs.append(nn.Conv1d(size, channels, kernel_size))
            size = channels
            if layout == "alternating":
                stack = LSTMStack(size, [hidden_sizes[i]], bidirectional=bidirectional,
                                  dropout=dropout)
                self.lstms.append(stack)
                size = stack.output_size
        if layout != "alternating":
            stack = LSTMStack(size, hidden_sizes, bidirectional=bidirectional,
                              dropout=dropout)
            self.lstms.append(stack)
            size = stack.output_size
        self.pool = nn.MaxPool1d(pool_size) if pool_size > 1 else nn.Identity()
        self.head = DenseHead(size, dense, n_outputs)

    def _conv(self, i, x, lengths):
        x = self.pool(F.relu(self.convs[i](x)))
        if lengths is not None:
            lengths = ((lengths - self.kernel_size + 1) // self.pool_size).clamp(min=1)
        return x, lengths

    def forward(self, X, lengths=None):
        x = X
        n = len(self.convs)
        if self.layout == "alternating":
            for i in range(n):
                x, lengths = self._conv(i, x, lengths)
                last = i == n - 1
                x = self.lstms[i](x.transpose(1, 2), lengths, return_sequences=not last)
                if not last:
                    x = x.transpose(1, 2)
        else:
            for i in range(n):
                x, lengths = self._conv(i, x, lengths)
                x = self.dropout(x)
            x = self.lstms[0](x.transpose(1, 2), lengths)
        return self.head(x)


class ResidualBlock1d(nn.Module):
    """Two (Conv1d + BatchNorm + ReLU) layers plus an identity shortcut, then ReLU."""

    def __init__(self, channels, kernel_size=3):
        super().__init__()
        self.conv1 = nn.Conv1d(channels, channels, kernel_size, padding="same", bias=False)
        self.bn1 = nn.BatchNorm1d(channels)
        self.conv2 = nn.Conv1d(channels, channels, kernel_size, padding="same", bias=False)
        self.bn2 = nn.BatchNorm1d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        return F.relu(out + x)


class ResNet1DNet(nn.Module):
    """Seed 001's 1D ResNet.

    A Conv1d of ``n_filters`` kernels (+ BatchNorm + ReLU), ``n_blocks``
    residual blocks with a max-pool after every block but the last, adaptive
    average pooling over time (padding ignored) and a linear output layer.
    """

    def __init__(self, n_channels, n_outputs, *, n_filters=32, n_blocks=3,
                 kernel_size=3, pool_size=2):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv1d(n_channels, n_filters, kernel_size, padding="same", bias=False),
            nn.BatchNorm1d(n_filters),
            nn.ReLU(),
        )
        self.blocks = nn.ModuleList(
            ResidualBlock1d(n_filters, kernel_size) for _ in range(n_blocks)
        )
        self.pool_size = pool_size
        self.out = nn.Linear(n_filters, n_outputs)

    def forward(self, X, lengths=None):
        x = self.stem(X)
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i < len(self.blocks) - 1 and self.pool_size > 1:
                x = F.max_pool1d(x, self.pool_size)
                if lengths is not None:
                    lengths = lengths // self.pool_size
        return self.out(_global_pool(x, lengths, "avg"))


_ACTIVATIONS = {"relu": nn.ReLU, "elu": nn.ELU, "leaky_relu": nn.LeakyReLU}


class SpectrogramCNNNet(nn.Module):
    """2D CNN over (frequency, frames) images (seeds 002 and 003).

    Each sequence ``(n_bins, n_frames)`` is one 1-channel image. Every block is
    Conv2d ("same" padding) + BatchNorm + activation + MaxPool2d + dropout; a
    global pooling over what is left (padding ignored) and a linear layer
    follow, so any image at least as large as the pooling needs works.

    Parameters
    ----------
    n_bins, n_outputs : int
    channels : sequence of int
        Output channels of each conv block.
    kernel_size : int
    pool_sizes : sequence of (int, int)
        (frequency, time) pooling of each block.
    activation : {"relu", "elu", "leaky_relu"}
    dropout : float
    global_pool : {"avg", "max"}
    """

    def __init__(self, n_bins, n_outputs, channels, *, kernel_size=3, pool_sizes=None,
                 activation="relu", dropout=0.5, global_pool="avg"):
        super().__init__()
        pool_sizes = pool_sizes or [(2, 2)] * len(channels)
        blocks = []
        size = 1
        for out_channels, pool in zip(channels, pool_sizes):
            blocks += [
                nn.Conv2d(size, out_channels, kernel_size, padding="same"),
                nn.BatchNorm2d(out_channels),
                _ACTIVATIONS[activation](),
            ]
            if tuple(pool) != (1, 1):
                blocks.append(nn.MaxPool2d(tuple(pool)))
            if dropout:
                blocks.append(nn.Dropout(dropout))
            size = out_channels
        self.blocks = nn.Sequential(*blocks)
        self.time_pool = 1
        for pool in pool_sizes:
            self.time_pool *= pool[1]
        self.global_pool = global_pool
        self.out = nn.Linear(size, n_outputs)

    def forward(self, X, lengths=None):
        x = self.blocks(X.unsqueeze(1))
        if lengths is not None:
            lengths = lengths // self.time_pool
        return self.out(_global_pool(x, lengths, self.global_pool))


class RecurrentConv2d(nn.Module):
    """A recurrent convolutional layer (Liang & Hu, CVPR 2015).

    The feed-forward response ``f = conv_f(u)`` is refined over ``n_steps``
    steps with shared recurrent weights: ``x(0) = ReLU(BN_0(f))``,
    ``x(t) = ReLU(BN_t(f + conv_r(x(t-1))))``. (Batch normalisation replaces
    the paper's local response normalisation.)
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, n_steps=3):
        super().__init__()
        self.feedforward = nn.Conv2d(in_channels, out_channels, kernel_size, padding="same")
        self.recurrent = nn.Conv2d(out_channels, out_channels, kernel_size,
                                   padding="same", bias=False)
        self.norms = nn.ModuleList(nn.BatchNorm2d(out_channels) for _ in range(n_steps + 1))

    def forward(self, u):
        f = self.feedforward(u)
        x = F.relu(self.norms[0](f))
        for norm in self.norms[1:]:
            x = F.relu(norm(f + self.recurrent(x)))
        return x


class RCNNNet(nn.Module):
    """Recurrent convolutional network on (frequency, frames) images (seed 004).

    ``len(channels)`` conv blocks (Conv2d + BatchNorm + ReLU + MaxPool2d), then
    ``n_recurrent`` recurrent convolutional layers of ``channels[-1]`` maps,
    each with dropout, then global max pooling and a linear output layer.
    """

    def __init__(self, n_bins, n_outputs, channels, *, n_recurrent=3, n_steps=3,
                 kernel_size=3, pool_size=(2, 2), dropout=0.2):
        super().__init__()
        layers = []
        size = 1
        for out_channels in channels:
            layers += [
                nn.Conv2d(size, out_channels, kernel_size, padding="same"),
                nn.BatchNorm2d(out_channels),
                nn.ReLU(),
            ]
            if tuple(pool_size) != (1, 1):
                layers.append(nn.MaxPool2d(tuple(pool_size)))
            size = out_channels
        for _ in range(n_recurrent):
            layers.append(RecurrentConv2d(size, size, kernel_size, n_steps))
            if dropout:
                layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)
        self.time_pool = pool_size[1] ** len(channels)
        self.out = nn.Linear(size, n_outputs)

    def forward(self, X, lengths=None):
        x = self.layers(X.unsqueeze(1))
        if lengths is not None:
            lengths = lengths // self.time_pool
        return self.out(_global_pool(x, lengths, "max"))
