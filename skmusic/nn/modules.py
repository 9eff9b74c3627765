"""PyTorch modules of skmusic's classifiers, apart from the estimators that train them.

Every module takes a batch ``X`` of shape ``(batch, n_channels, n_timesteps)``
(channels first, skmusic's convention) and optional true ``lengths`` of shape
``(batch,)`` for zero-padded ragged batches, and returns one row of
``n_outputs`` values (logits) per sequence.

* :class:`LSTMNet` -- stacked (Bi)LSTM layers (each its own size) and a dense
  head; sequences are packed so the output used is the one at each sequence's
  true end (Wang; Bai & Wang; Chen & Wang's NN1).
* :class:`CRNNNet` -- Conv1D and (Bi)LSTM stacks, alternating (Chen & Wang's NN2)
  or convolutions first (NN3); lengths are tracked through convolution/pooling.
* :class:`ResNet1DNet` -- Wang's 1D ResNet with adaptive average pooling.
* :class:`SpectrogramCNNNet` -- 2D CNN on (frequency, frames) images (Zong; Doyle & Lopez).
* :class:`RCNNNet` -- recurrent convolutional network (Liang & Hu 2015; Bai & Wang).
* :class:`InceptionTimeNet` -- InceptionTime (Ismail Fawaz et al. 2020).

Pooling stops where a sequence runs out: a pooling window never exceeds what is
left of the time (or frequency) axis, so the "same"-padded networks take
sequences of any length >= 1.

Padding never reaches a convolution or a pooling: with true ``lengths``, every
layer's input is set to zero past each sequence's end (what a "same"-padded
convolution sees at the end of that sequence alone; ``-inf`` before a max-pool
whose window runs past it), lengths are tracked through every pooling, and the
global pooling is masked. So a sequence's prediction is the same alone and in
any batch.
"""

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from .masking import apply_mask as _apply_mask
from .masking import global_pool as _global_pool
from .masking import pool_image as _pool_image
from .masking import pool_time as _pool_time
from .masking import sequence_mask
from .masking import zero_padding as _zero_padding

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
    "InceptionModule",
    "InceptionTimeNet",
]


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
            self.lstms.append(nn.LSTM(size, hidden, batch_first=True, bidirectional=bidirectional))
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
            seq = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
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

    def __init__(
        self, n_channels, n_outputs, hidden_sizes, *, bidirectional=False, dropout=0.0, dense=()
    ):
        super().__init__()
        self.lstm = LSTMStack(
            n_channels, hidden_sizes, bidirectional=bidirectional, dropout=dropout
        )
        self.head = DenseHead(self.lstm.output_size, dense, n_outputs, dropout=dropout)

    def forward(self, X, lengths=None):
        return self.head(self.lstm(X.transpose(1, 2), lengths))


class CRNNNet(nn.Module):
    """Conv1D and (Bi)LSTM stacks (Chen & Wang's NN2 and NN3).

    Each convolution is ``Conv1d`` + ReLU + ``MaxPool1d``: without padding and
    with floor pooling as in the paper (``padding="valid"``; every sequence
    needs a minimum length), or "same"-padded with pooling that stops where the
    sequence runs out (``padding="same"``; any length). With
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
    padding : {"valid", "same"}
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        conv_channels,
        hidden_sizes,
        *,
        layout="sequential",
        kernel_size=8,
        pool_size=4,
        bidirectional=True,
        dropout=0.2,
        dense=(),
        padding="valid",
    ):
        super().__init__()
        self.layout = layout
        self.padding = padding
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dropout = nn.Dropout(dropout)
        self.convs = nn.ModuleList()
        self.lstms = nn.ModuleList()
        size = n_channels
        for i, channels in enumerate(conv_channels):
            self.convs.append(
                nn.Conv1d(size, channels, kernel_size, padding=0 if padding == "valid" else "same")
            )
            size = channels
            if layout == "alternating":
                stack = LSTMStack(
                    size, [hidden_sizes[i]], bidirectional=bidirectional, dropout=dropout
                )
                self.lstms.append(stack)
                size = stack.output_size
        if layout != "alternating":
            stack = LSTMStack(size, hidden_sizes, bidirectional=bidirectional, dropout=dropout)
            self.lstms.append(stack)
            size = stack.output_size
        self.pool = nn.MaxPool1d(pool_size) if pool_size > 1 else nn.Identity()
        self.head = DenseHead(size, dense, n_outputs)

    def _conv(self, i, x, lengths):
        x = _zero_padding(x, lengths)
        if self.padding == "same":
            return _pool_time(F.relu(self.convs[i](x)), lengths, self.pool_size)
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

    def forward(self, x, lengths=None):
        x = _zero_padding(x, lengths)
        out = _zero_padding(F.relu(self.bn1(self.conv1(x))), lengths)
        out = F.relu(self.bn2(self.conv2(out)))
        return F.relu(out + x)


class ResNet1DNet(nn.Module):
    """Wang's 1D ResNet (music genre from EEG series).

    A Conv1d of ``n_filters`` kernels (+ BatchNorm + ReLU), ``n_blocks``
    residual blocks with a max-pool after every block but the last (stopping
    where the sequence runs out), adaptive
    average pooling over time (padding ignored) and a linear output layer.
    """

    def __init__(
        self, n_channels, n_outputs, *, n_filters=32, n_blocks=3, kernel_size=3, pool_size=2
    ):
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
        x = self.stem(_zero_padding(X, lengths))
        for i, block in enumerate(self.blocks):
            x = block(x, lengths)
            if i < len(self.blocks) - 1:
                x, lengths = _pool_time(x, lengths, self.pool_size)
        return self.out(_global_pool(x, lengths, "avg"))


_ACTIVATIONS = {"relu": nn.ReLU, "elu": nn.ELU, "leaky_relu": nn.LeakyReLU}


class SpectrogramCNNNet(nn.Module):
    """2D CNN over (frequency, frames) images (Zong; Doyle & Lopez).

    Each sequence ``(n_bins, n_frames)`` is one 1-channel image. Every block is
    Conv2d ("same" padding) + BatchNorm + activation + MaxPool2d + dropout; a
    global pooling over what is left (padding ignored) and a linear layer
    follow. Pooling stops where an axis runs out, so any image size works.

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

    def __init__(
        self,
        n_bins,
        n_outputs,
        channels,
        *,
        kernel_size=3,
        pool_sizes=None,
        activation="relu",
        dropout=0.5,
        global_pool="avg",
    ):
        super().__init__()
        self.pool_sizes = [tuple(p) for p in (pool_sizes or [(2, 2)] * len(channels))]
        self.blocks = nn.ModuleList()
        size = 1
        for out_channels in channels:
            self.blocks.append(
                nn.Sequential(
                    nn.Conv2d(size, out_channels, kernel_size, padding="same"),
                    nn.BatchNorm2d(out_channels),
                )
            )
            size = out_channels
        # every activation here rises monotonically, so it commutes with max-pooling:
        # applied after the pool it computes what it would before, on a quarter of the
        # values; in place on the pool's fresh output, but for ELU, whose in-place
        # gradient (from its output, not its input) rounds differently
        self.activation = _ACTIVATIONS[activation](inplace=activation != "elu")
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        self.global_pool = global_pool
        self.out = nn.Linear(size, n_outputs)
        # channels-last kernels make every map channels-last: on a CPU, oneDNN's
        # convolutions and poolings run faster on them (a fit in 0.65-0.83 of the
        # time, benchmarks/results/music_tasks.md)
        self.to(memory_format=torch.channels_last)

    def __setstate__(self, state):
        super().__setstate__(state)
        if "activation" not in self._modules:
            # pickled before the activation followed the pool (skmusic of 2026-12-07 and
            # earlier): blocks of conv, norm, activation; the same network in this order
            self.activation = self.blocks[0][2]
            for block in self.blocks:
                del block[2]

    def forward(self, X, lengths=None):
        x = X.unsqueeze(1)
        for block, pool in zip(self.blocks, self.pool_sizes, strict=True):
            x, lengths = _pool_image(block(_zero_padding(x, lengths)), lengths, pool)
            x = self.dropout(self.activation(x))
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
        self.recurrent = nn.Conv2d(
            out_channels, out_channels, kernel_size, padding="same", bias=False
        )
        self.norms = nn.ModuleList(nn.BatchNorm2d(out_channels) for _ in range(n_steps + 1))

    def forward(self, u, lengths=None):
        f = self.feedforward(_zero_padding(u, lengths))
        x = F.relu(self.norms[0](f))
        for norm in self.norms[1:]:
            x = F.relu(norm(f + self.recurrent(_zero_padding(x, lengths))))
        return x


class RCNNNet(nn.Module):
    """Recurrent convolutional network on (frequency, frames) images (Bai & Wang).

    ``len(channels)`` conv blocks (Conv2d + BatchNorm + ReLU + MaxPool2d), then
    ``n_recurrent`` recurrent convolutional layers of ``channels[-1]`` maps,
    each with dropout, then global max pooling and a linear output layer.
    """

    def __init__(
        self,
        n_bins,
        n_outputs,
        channels,
        *,
        n_recurrent=3,
        n_steps=3,
        kernel_size=3,
        pool_size=(2, 2),
        dropout=0.2,
    ):
        super().__init__()
        self.pool_size = tuple(pool_size)
        self.convs = nn.ModuleList()
        size = 1
        for out_channels in channels:
            self.convs.append(
                nn.Sequential(
                    nn.Conv2d(size, out_channels, kernel_size, padding="same"),
                    nn.BatchNorm2d(out_channels),
                    nn.ReLU(),
                )
            )
            size = out_channels
        layers = []
        for _ in range(n_recurrent):
            layers.append(RecurrentConv2d(size, size, kernel_size, n_steps))
            if dropout:
                layers.append(nn.Dropout(dropout))
        self.recurrent = nn.Sequential(*layers)
        self.out = nn.Linear(size, n_outputs)

    def forward(self, X, lengths=None):
        x = X.unsqueeze(1)
        for conv in self.convs:
            x, lengths = _pool_image(conv(_zero_padding(x, lengths)), lengths, self.pool_size)
        for layer in self.recurrent:
            x = layer(x, lengths) if isinstance(layer, RecurrentConv2d) else layer(x)
        return self.out(_global_pool(x, lengths, "max"))


class InceptionModule(nn.Module):
    """One inception module of InceptionTime (Ismail Fawaz et al., 2020).

    A 1x1 bottleneck convolution, then three "same"-padded convolutions of
    decreasing kernel size in parallel, beside a max-pool (3, stride 1) + 1x1
    convolution branch; the four outputs are concatenated, batch-normalized and
    passed through ReLU.

    It reads and returns maps of shape ``(batch, channels, 1, time)`` in
    channels-last memory (:meth:`InceptionTimeNet.forward` makes them): a
    1-D network written as a 2-D one of height 1, because torch's CPU
    convolutions and max-pool are two to three times as fast in that layout
    for these narrow, long kernels (torch 2.13, one thread: a 16-to-16
    convolution of 19 steps over a ``(32, 16, 448)`` batch, forward and
    backward, 6 ms against 18 ms as ``Conv1d``).

    Parameters
    ----------
    in_channels : int
    n_filters : int
        Filters of each branch (the output has ``4 * n_filters`` channels).
    kernel_sizes : sequence of int
        The parallel convolutions' kernel sizes (odd sizes keep "same" symmetric).
    bottleneck : int
        Channels of the bottleneck (0: none; also skipped for 1-channel input).
    nonnegative_input : bool, default=False
        Whether every input value is >= 0 (a ReLU's output, as in every module
        but the first): the max-pool's window past a sequence's end may then
        read the zeros of the padding instead of ``-inf`` (the same maximum),
        which saves a masking pass.
    """

    def __init__(
        self,
        in_channels,
        n_filters,
        kernel_sizes=(39, 19, 9),
        bottleneck=32,
        *,
        nonnegative_input=False,
    ):
        super().__init__()
        use_bottleneck = bottleneck and in_channels > 1
        self.bottleneck = (
            nn.Conv2d(in_channels, bottleneck, 1, bias=False) if use_bottleneck else nn.Identity()
        )
        width = bottleneck if use_bottleneck else in_channels
        self.convs = nn.ModuleList(
            nn.Conv2d(width, n_filters, (1, k), padding="same", bias=False) for k in kernel_sizes
        )
        self.pool_conv = nn.Conv2d(in_channels, n_filters, 1, bias=False)
        self.norm = nn.BatchNorm2d(n_filters * (len(kernel_sizes) + 1))
        self.nonnegative_input = nonnegative_input

    def forward(self, x, lengths=None):
        mask = sequence_mask(lengths, x.shape[-1], device=x.device)
        x = _apply_mask(x, mask)
        z = self.bottleneck(x)
        if mask is None or self.nonnegative_input:
            # no input below 0: the padding's zeros never win a max-pool window
            # that holds a true timestep, and the 1x1 convolution has no bias,
            # so zeroing its output past the end is zeroing its input there
            pooled = _apply_mask(self.pool_conv(_max_pool3(x)), mask)
        else:
            # the max-pool's window past a sequence's end sees -inf, as it does
            # alone; zeroed again before the convolution (0 * inf is nan)
            past = _apply_mask(x, mask, float("-inf"))
            pooled = self.pool_conv(_apply_mask(_max_pool3(past), mask))
        out = torch.cat([conv(z) for conv in self.convs] + [pooled], dim=1)
        # (torch cannot tell the layouts of a 1-channel map apart and returns the
        # first module's convolutions in the default one; a no-op after that)
        return F.relu(self.norm(out.contiguous(memory_format=torch.channels_last)))


def _max_pool3(x):
    """Max over each timestep and its two neighbours (``-inf`` past both ends)."""
    return F.max_pool2d(x, (1, 3), stride=1, padding=(0, 1))


class InceptionTimeNet(nn.Module):
    """InceptionTime's network (Ismail Fawaz et al., 2020).

    ``depth`` inception modules with a residual shortcut (1x1 convolution +
    batch norm) around every three, global average pooling over time (padding
    of ragged batches left out) and a linear output layer. Every convolution is
    "same"-padded, so sequences of any length work. Inside, the series runs as
    a ``(batch, channels, 1, time)`` map in channels-last memory (see
    :class:`InceptionModule`).

    Parameters
    ----------
    n_channels, n_outputs : int
    n_filters : int, default=32
    depth : int, default=6
    kernel_sizes : sequence of int, default=(39, 19, 9)
    bottleneck : int, default=32
    residual : bool, default=True
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        *,
        n_filters=32,
        depth=6,
        kernel_sizes=(39, 19, 9),
        bottleneck=32,
        residual=True,
    ):
        super().__init__()
        width = n_filters * (len(kernel_sizes) + 1)
        self.inceptions = nn.ModuleList()
        self.shortcuts = nn.ModuleList()
        size = n_channels
        res_size = n_channels
        for d in range(depth):
            self.inceptions.append(
                InceptionModule(size, n_filters, kernel_sizes, bottleneck, nonnegative_input=d > 0)
            )
            size = width
            if residual and d % 3 == 2:
                self.shortcuts.append(
                    nn.Sequential(nn.Conv2d(res_size, width, 1, bias=False), nn.BatchNorm2d(width))
                )
                res_size = width
        self.residual = residual
        self.out = nn.Linear(size, n_outputs)

    def forward(self, X, lengths=None):
        x = res = X.unsqueeze(2).contiguous(memory_format=torch.channels_last)
        shortcut = iter(self.shortcuts)
        for d, module in enumerate(self.inceptions):
            x = module(x, lengths)
            if self.residual and d % 3 == 2:
                res = next(shortcut)(res).contiguous(memory_format=torch.channels_last)
                x = res = F.relu(x + res)
        return self.out(_global_pool(x, lengths, "avg"))
