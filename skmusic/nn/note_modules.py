"""PyTorch modules that read notes: embeddings of categorical rows, masked layers.

No sklearn here; the estimator that trains them is
:class:`skmusic.nn.NoteNetworkClassifier`.

Input: a batch ``X`` of shape ``(batch, n_channels, n_timesteps)`` in the raw
units of the note rows (so a training-time transposition is a plain shift of
the pitch rows) and the true ``lengths`` of shape ``(batch,)`` (or ``None``
when every sequence fills the batch). :class:`NoteInputEncoder`, the first
layer, looks the categorical rows up in their vocabularies (fitted by the
estimator; index 0 for a value unseen there) and standardizes the others.

Padding never reaches a convolution or a pooling: every layer's output is set
to zero past each sequence's end before the next layer reads it (exactly what a
"same"-padded convolution sees at the end of a sequence alone), pooling is
masked, and layer normalization works per timestep. A sequence therefore gets
the same output alone and in any batch.

* :class:`NoteEmbedding` -- one embedding table per categorical row, concatenated,
  plus a linear projection of the continuous rows, summed into ``d_model``.
* :class:`DilatedResidualBlock` -- pre-norm residual block of a dilated
  convolution, GELU and a pointwise convolution.
* :class:`MaskedPooling` -- mean, max and attention pooling over the true notes.
* :class:`CategoryHistograms` -- song-level summaries: each categorical row's
  histogram over its vocabulary and each continuous row's mean, deviation,
  minimum and maximum.
* :class:`NoteNetwork` -- the whole network.
"""

import torch
from torch import nn
from torch.nn import functional as F

from .masking import apply_mask as _zero_padding
from .masking import sequence_mask

__all__ = [
    "NoteInputEncoder",
    "NoteEmbedding",
    "DilatedResidualBlock",
    "MaskedPooling",
    "CategoryHistograms",
    "NoteNetwork",
    "random_window",
]


class NoteInputEncoder(nn.Module):
    """Raw note rows -> vocabulary indices (categorical rows) and standardized values.

    Parameters
    ----------
    n_channels : int
    categorical : sequence of int
        Rows that are categories.
    categories : sequence of array-like
        The sorted values of each categorical row seen in ``fit``; a value is
        coded by its position plus one, 0 when unseen.
    mean, scale : array-like of shape (n_continuous,) or None
        Standardization of the other rows, in order; ``None`` leaves them raw.
    """

    def __init__(self, n_channels, categorical, categories, mean=None, scale=None):
        super().__init__()
        self.categorical = [int(c) for c in categorical]
        self.continuous = [c for c in range(n_channels) if c not in set(self.categorical)]
        for k, values in enumerate(categories):
            self.register_buffer(f"categories_{k}", torch.as_tensor(values, dtype=torch.float32))
        n = len(self.continuous)
        mean = torch.zeros(n) if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        scale = torch.ones(n) if scale is None else torch.as_tensor(scale, dtype=torch.float32)
        self.register_buffer("mean", mean)
        self.register_buffer("scale", scale)

    def forward(self, x):
        out = x.clone()
        for k, c in enumerate(self.categorical):
            values = getattr(self, f"categories_{k}")
            row = x[:, c].contiguous()
            pos = torch.searchsorted(values, row).clamp(max=len(values) - 1)
            found = values[pos] == row
            out[:, c] = torch.where(found, pos + 1, torch.zeros_like(pos)).to(x.dtype)
        if self.continuous:
            out[:, self.continuous] = (x[:, self.continuous] - self.mean[:, None]) / self.scale[
                :, None
            ]
        return out


class NoteEmbedding(nn.Module):
    """Categorical rows embedded, continuous rows projected, summed to ``d_model``.

    Parameters
    ----------
    n_channels : int
        Rows of the input.
    categorical : sequence of int
        Rows that hold vocabulary indices.
    vocab_sizes : sequence of int
        Indices each categorical row can take (its fitted vocabulary plus the
        unseen index 0), in the order of ``categorical``.
    d_model : int
        Output features per note.
    embedding_dim : int
        Size of each row's embedding.
    """

    def __init__(self, n_channels, categorical, vocab_sizes, d_model, embedding_dim):
        super().__init__()
        self.categorical = [int(c) for c in categorical]
        self.continuous = [c for c in range(n_channels) if c not in set(self.categorical)]
        self.embeddings = nn.ModuleList(nn.Embedding(int(v), embedding_dim) for v in vocab_sizes)
        self.embed_proj = (
            nn.Linear(embedding_dim * len(self.categorical), d_model) if self.categorical else None
        )
        self.cont_proj = nn.Linear(len(self.continuous), d_model) if self.continuous else None

    def forward(self, x):
        """``x`` (batch, n_channels, time) -> (batch, d_model, time)."""
        out = 0.0
        if self.categorical:
            codes = x[:, self.categorical].round().long()  # (B, K, T)
            emb = [table(codes[:, k]) for k, table in enumerate(self.embeddings)]  # (B, T, E)
            out = self.embed_proj(torch.cat(emb, dim=-1))
        if self.continuous:
            out = out + self.cont_proj(x[:, self.continuous].transpose(1, 2))
        return out.transpose(1, 2)


class DilatedResidualBlock(nn.Module):
    """``x + pointwise(GELU(dilated_conv(LayerNorm(x))))``, padding zeroed between layers.

    Dropout zeroes whole channels of a song (:class:`torch.nn.Dropout1d`, the
    spatial dropout of temporal convolutional networks, Bai et al. 2018), after
    the GELU and on the residual branch. One random number per channel instead
    of one per note and channel: on a CPU, drawing the element-wise masks took
    about a fifth of a note network's fit (38 of 195 s under a profiler; 640
    songs, five networks: 151-157 s instead of 191 s), and the music task
    suite's tasks scored the same either way (``benchmarks/results/music_tasks.md``).

    Parameters
    ----------
    channels : int
    kernel_size : int
    dilation : int
    dropout : float
        Probability of zeroing a channel of a song.
    """

    def __init__(self, channels, kernel_size, dilation, dropout):
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.conv = nn.Conv1d(
            channels, channels, kernel_size, dilation=dilation, padding="same", padding_mode="zeros"
        )
        self.pointwise = nn.Conv1d(channels, channels, 1)
        self.dropout = nn.Dropout1d(dropout)

    def forward(self, x, mask=None):
        h = self.norm(x.transpose(1, 2)).transpose(1, 2)
        h = _zero_padding(h, mask)  # the convolution reads zeros past the end, as alone
        h = self.pointwise(self.dropout(F.gelu(self.conv(h))))
        return _zero_padding(x + self.dropout(h), mask)


class MaskedPooling(nn.Module):
    """Mean, max and attention pooling over the true timesteps of every sequence.

    Parameters
    ----------
    channels : int

    Attributes
    ----------
    output_size : int
        ``3 * channels``.
    """

    def __init__(self, channels):
        super().__init__()
        self.score = nn.Conv1d(channels, 1, 1)
        self.output_size = 3 * channels

    def forward(self, x, mask=None):
        if mask is None:
            mask = torch.ones(x.shape[0], x.shape[-1], dtype=torch.bool, device=x.device)
        m = mask[:, None, :]
        count = m.sum(dim=-1).clamp(min=1)
        mean = (x * m).sum(dim=-1) / count
        peak = x.masked_fill(~m, float("-inf")).amax(dim=-1)
        weights = torch.softmax(self.score(x).masked_fill(~m, float("-inf")), dim=-1)
        attended = (x * weights).sum(dim=-1)
        return torch.cat([mean, peak, attended], dim=1)


class CategoryHistograms(nn.Module):
    """Song-level summaries: histograms of the categorical rows, moments of the others.

    Each categorical row becomes its share of notes per vocabulary index (a
    normalized histogram over the true notes); each continuous row its mean,
    standard deviation, minimum and maximum over them (a song's range, e.g. of
    pitch, tells an instrument or a tune book apart); and the song's length, as
    ``log(n_notes) / 5``.
    With ``mean`` and ``scale`` (fitted on the training songs by the estimator)
    every summary is standardized, as a ``StandardScaler`` before a linear model.

    Parameters
    ----------
    n_channels : int
    categorical : sequence of int
    vocab_sizes : sequence of int
    mean, scale : array-like of shape (output_size,) or None
        Standardization of the summaries; ``None`` leaves them raw.

    Attributes
    ----------
    output_size : int
    """

    def __init__(self, n_channels, categorical, vocab_sizes, mean=None, scale=None):
        super().__init__()
        self.categorical = [int(c) for c in categorical]
        self.continuous = [c for c in range(n_channels) if c not in set(self.categorical)]
        self.vocab_sizes = [int(v) for v in vocab_sizes]
        self.output_size = sum(self.vocab_sizes) + 4 * len(self.continuous) + 1
        n = self.output_size
        mean = torch.zeros(n) if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        scale = torch.ones(n) if scale is None else torch.as_tensor(scale, dtype=torch.float32)
        self.register_buffer("mean", mean)
        self.register_buffer("scale", scale)

    def forward(self, x, mask=None):
        if mask is None:
            mask = torch.ones(x.shape[0], x.shape[-1], dtype=torch.bool, device=x.device)
        w = mask.to(x.dtype)
        count = w.sum(dim=1, keepdim=True).clamp(min=1)
        parts = [torch.log(count) / 5]
        for k, c in enumerate(self.categorical):
            codes = x[:, c].round().long().clamp(0, self.vocab_sizes[k] - 1)
            hist = torch.zeros(x.shape[0], self.vocab_sizes[k], dtype=x.dtype, device=x.device)
            hist.scatter_add_(1, codes, w)
            parts.append(hist / count)
        if self.continuous:
            v = x[:, self.continuous]
            mean = (v * w[:, None]).sum(-1) / count
            var = (((v - mean[..., None]) ** 2) * w[:, None]).sum(-1) / count
            inside = mask[:, None].expand_as(v)
            big = torch.finfo(v.dtype).max
            low = v.masked_fill(~inside, big).amin(-1)
            high = v.masked_fill(~inside, -big).amax(-1)
            empty = ~mask.any(dim=1, keepdim=True)
            low, high = low.masked_fill(empty, 0.0), high.masked_fill(empty, 0.0)
            parts += [mean, torch.sqrt(var + 1e-6), low, high]
        return (torch.cat(parts, dim=1) - self.mean) / self.scale


def random_window(x, lengths, length):
    """A random window of at most ``length`` steps of every sequence of ``x``.

    Parameters
    ----------
    x : torch.Tensor of shape (batch, channels, time)
    lengths : torch.Tensor of shape (batch,) or None
    length : int

    Returns
    -------
    x, lengths : the windows (zero past each one's end) and their lengths.
    """
    n, total = x.shape[0], x.shape[-1]
    if total <= length:
        return x, lengths
    if lengths is None:
        lengths = torch.full((n,), total, dtype=torch.long, device=x.device)
    new = lengths.clamp(max=length)
    start = (torch.rand(n, device=x.device) * (lengths - new + 1).double()).long()
    width = int(new.max())
    steps = torch.arange(width, device=x.device)
    index = (start[:, None] + steps[None, :]).clamp(max=total - 1)
    out = x.gather(-1, index[:, None, :].expand(n, x.shape[1], width))
    out = out * (steps[None, :] < new[:, None]).to(x.dtype)[:, None, :]
    return out, new


class NoteNetwork(nn.Module):
    """Embeddings -> dilated residual convolutions -> masked pooling (+ summaries) -> logits.

    Parameters
    ----------
    n_channels : int
        Rows of the input.
    n_outputs : int
        Logits per sequence.
    categorical : sequence of int
        Rows that are categories.
    categories : sequence of array-like
        Sorted values of every categorical row seen in ``fit``.
    mean, scale : array-like or None
        Standardization of the continuous rows (see :class:`NoteInputEncoder`).
    d_model : int, default=64
    embedding_dim : int, default=16
    n_blocks : int, default=4
        Residual blocks; block ``i`` has dilation ``2 ** i``.
    kernel_size : int, default=3
    dropout : float, default=0.2
    summaries : bool, default=True
        Also feed :class:`CategoryHistograms` of the whole song to the head.
    summary_mean, summary_scale : array-like or None
        Standardization of the summaries (see :class:`CategoryHistograms`).
    max_train_notes : int or None, default=None
        In training mode, the layers after the summaries read a random window
        of at most this many notes of every longer song (the summaries always
        read the whole song). ``None``: whole songs.
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        categorical=(),
        categories=(),
        mean=None,
        scale=None,
        *,
        d_model=64,
        embedding_dim=16,
        n_blocks=4,
        kernel_size=3,
        dropout=0.2,
        summaries=True,
        summary_mean=None,
        summary_scale=None,
        max_train_notes=None,
    ):
        super().__init__()
        self.max_train_notes = max_train_notes
        vocab_sizes = [len(values) + 1 for values in categories]
        self.encode = NoteInputEncoder(n_channels, categorical, categories, mean, scale)
        self.embed = NoteEmbedding(n_channels, categorical, vocab_sizes, d_model, embedding_dim)
        self.blocks = nn.ModuleList(
            DilatedResidualBlock(d_model, kernel_size, 2**i, dropout) for i in range(n_blocks)
        )
        self.norm = nn.LayerNorm(d_model)
        self.pool = MaskedPooling(d_model)
        size = self.pool.output_size
        self.summaries = None
        if summaries:
            self.summaries = CategoryHistograms(
                n_channels, categorical, vocab_sizes, summary_mean, summary_scale
            )
            self.summary_proj = nn.Sequential(
                nn.Linear(self.summaries.output_size, d_model), nn.GELU(), nn.Dropout(dropout)
            )
            size += d_model
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(size, n_outputs))

    def forward(self, X, lengths=None):
        mask = sequence_mask(lengths, X.shape[-1], device=X.device)
        X = self.encode(X)
        summary = None if self.summaries is None else self.summaries(X, mask)
        if self.training and self.max_train_notes is not None:
            X, lengths = random_window(X, lengths, self.max_train_notes)
            mask = sequence_mask(lengths, X.shape[-1], device=X.device)
        h = _zero_padding(self.embed(X), mask)
        for block in self.blocks:
            h = block(h, mask)
        h = self.norm(h.transpose(1, 2)).transpose(1, 2)
        features = [self.pool(h, mask)]
        if summary is not None:
            features.append(self.summary_proj(summary))
        return self.head(torch.cat(features, dim=1))
