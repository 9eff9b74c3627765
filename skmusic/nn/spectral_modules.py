"""PyTorch modules of the spectral audio generator, apart from its estimator.

* :class:`ConvBiGRUFrameNet` -- Doyle and Lopez's Conv1D + bidirectional GRU
  body, reading a window of spectrogram frames (``(batch, n_bins, width)``)
  instead of raw samples, with a mixture-density output for the next frame:
  ``n_components`` diagonal Gaussians over the ``n_bins`` values, so a frame
  is *drawn* (:meth:`ConvBiGRUFrameNet.sample`) rather than averaged.
* :class:`MixtureNLLLoss` -- the negative log-likelihood of a frame under that
  mixture, the criterion it is trained with.

No sklearn here: the estimator is :class:`skmusic.generation.SpectralGenerator`.
"""

import math

import torch
from torch import nn

__all__ = ["ConvBiGRUFrameNet", "MixtureNLLLoss", "mixture_log_prob"]

_LOG_STD_MIN, _LOG_STD_MAX = -5.0, 2.0


def _split(params):
    """(log mixing weights (B, K), means (B, K, M), log std (B, K, M)); means
    and log std are (1, K, M) when every frame shares them (a codebook)."""
    if isinstance(params, tuple):
        logits, means, log_std = params
        return torch.log_softmax(logits, dim=-1), means, log_std
    n_bins = (params.shape[-1] - 1) // 2
    logits = params[..., 0]
    means = params[..., 1 : 1 + n_bins]
    log_std = params[..., 1 + n_bins :]
    return torch.log_softmax(logits, dim=-1), means, log_std


def mixture_log_prob(params, frames):
    """Log density of ``frames`` (B, M) under the mixtures ``params``.

    ``params`` is a Tensor (B, K, 1 + 2M) of mixing logits, means and log
    standard deviations, or a tuple (logits (B, K), means (1, K, M), log std
    (1, K, M)) when every frame shares the components (a codebook).

    Returns
    -------
    log_prob : Tensor of shape (B,)
        Summed over the ``M`` values of each frame (nats).
    """
    log_w, means, log_std = _split(params)
    const = 0.5 * frames.shape[-1] * math.log(2 * math.pi)
    if means.shape[0] == 1:
        # shared components: the squared distances to all of them by matmuls
        inv_var = torch.exp(-2 * log_std[0])
        quad = (
            frames.pow(2) @ inv_var.T
            - 2 * frames @ (means[0] * inv_var).T
            + (means[0].pow(2) * inv_var).sum(-1)
        )
        per_component = -0.5 * quad - log_std[0].sum(-1) - const
        return torch.logsumexp(log_w + per_component, dim=-1)
    z = (frames[:, None, :] - means) * torch.exp(-log_std)
    per_component = (-0.5 * z.pow(2) - log_std).sum(-1) - const
    return torch.logsumexp(log_w + per_component, dim=-1)


class MixtureNLLLoss(nn.Module):
    """Mean negative log-likelihood per value of the next frames.

    ``forward(params, frames)``: ``params`` of shape ``(B, K, 1 + 2M)`` from
    :class:`ConvBiGRUFrameNet`, ``frames`` of shape ``(B, M)``.
    """

    def forward(self, params, frames):
        return -mixture_log_prob(params, frames).mean() / frames.shape[-1]


class ConvBiGRUFrameNet(nn.Module):
    """Conv1D + bidirectional GRU over spectrogram frames; a mixture for the next frame.

    Parameters
    ----------
    n_bins : int
        Values per frame (mel bands).
    conv_channels : int, default=64
    kernel_size : int, default=3
        Frames per convolution ("same" padding, ReLU).
    hidden_size : int, default=64
        Units per GRU direction.
    num_layers : int, default=1
    n_components : int, default=4
        Gaussians of the output mixture.
    dropout : float, default=0.0
        Before the output layer.
    codebook : Tensor of shape (n_codes, n_bins), default=None
        Fixed component means: the network then predicts only the mixing
        weights over these ``n_codes`` frames (a categorical next frame), and
        ``n_components`` is ``n_codes``.
    codebook_log_std : Tensor of shape (n_codes, n_bins), default=None
        Fixed log standard deviations of the codebook's components (zeros
        when omitted).

    Notes
    -----
    Without a codebook the means are predicted relative to the window's last
    frame (a residual), so an untrained network already continues its input.
    With one, every drawn frame is near a frame of the codebook (k-means
    centroids of the training frames in
    :class:`skmusic.generation.SpectralGenerator`), so a roll-out cannot
    blur into frames that no training audio had.
    """

    def __init__(
        self,
        n_bins,
        *,
        conv_channels=64,
        kernel_size=3,
        hidden_size=64,
        num_layers=1,
        n_components=4,
        dropout=0.0,
        codebook=None,
        codebook_log_std=None,
    ):
        super().__init__()
        self.n_bins = n_bins
        if codebook is not None:
            codebook = torch.as_tensor(codebook, dtype=torch.float32)
            if codebook_log_std is None:
                codebook_log_std = torch.zeros_like(codebook)
            codebook_log_std = torch.as_tensor(codebook_log_std, dtype=torch.float32)
            self.register_buffer("codebook", codebook)
            self.register_buffer("codebook_log_std", codebook_log_std)
            n_components = codebook.shape[0]
        else:
            self.codebook = None
        self.n_components = n_components
        self.conv = nn.Conv1d(n_bins, conv_channels, kernel_size, padding=kernel_size // 2)
        self.gru = nn.GRU(
            conv_channels,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=True,
        )
        self.dropout = nn.Dropout(dropout)
        per_component = 1 if codebook is not None else 1 + 2 * n_bins
        self.out = nn.Linear(2 * hidden_size, n_components * per_component)

    def forward(self, X):
        """Mixture parameters ``(batch, n_components, 1 + 2 * n_bins)`` of the
        frame after the window ``X`` of shape ``(batch, n_bins, width)``:
        mixing logit, means, log standard deviations; with a codebook the
        tuple (logits ``(batch, n_codes)``, codebook ``(1, n_codes, n_bins)``,
        its log standard deviations ``(1, n_codes, n_bins)``)."""
        h = torch.relu(self.conv(X)).transpose(1, 2)
        _, last = self.gru(h)
        summary = torch.cat([last[-2], last[-1]], dim=-1)  # top layer, both directions
        if self.codebook is not None:
            log_std = self.codebook_log_std.clamp(_LOG_STD_MIN, _LOG_STD_MAX)
            return self.out(self.dropout(summary)), self.codebook[None], log_std[None]
        params = self.out(self.dropout(summary)).view(-1, self.n_components, 1 + 2 * self.n_bins)
        logits = params[..., :1]
        means = params[..., 1 : 1 + self.n_bins] + X[:, None, :, -1]
        log_std = params[..., 1 + self.n_bins :].clamp(_LOG_STD_MIN, _LOG_STD_MAX)
        return torch.cat([logits, means, log_std], dim=-1)

    @torch.no_grad()
    def sample(self, X, *, temperature=1.0, generator=None):
        """Draw the frame after each window ``X`` (batch, n_bins, width).

        A component is drawn from the mixing weights (logits divided by
        ``temperature``), then a frame from its Gaussian with the standard
        deviation times ``temperature``.

        Returns
        -------
        frames : Tensor of shape (batch, n_bins)
        """
        log_w, means, log_std = _split(self(X))
        means = means.expand(X.shape[0], -1, -1)
        log_std = log_std.expand(X.shape[0], -1, -1)
        probs = torch.softmax(log_w / temperature, dim=-1)
        k = torch.multinomial(probs, 1, generator=generator)[:, 0]
        rows = torch.arange(X.shape[0], device=X.device)
        noise = torch.randn(means.shape[0], means.shape[-1], generator=generator, device=X.device)
        return means[rows, k] + temperature * torch.exp(log_std[rows, k]) * noise
