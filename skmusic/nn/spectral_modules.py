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
    """(log mixing weights (B, K), means (B, K, M), log std (B, K, M))."""
    n_bins = (params.shape[-1] - 1) // 2
    logits = params[..., 0]
    means = params[..., 1 : 1 + n_bins]
    log_std = params[..., 1 + n_bins :]
    return torch.log_softmax(logits, dim=-1), means, log_std


def mixture_log_prob(params, frames):
    """Log density of ``frames`` (B, M) under the mixtures ``params`` (B, K, 1 + 2M).

    Returns
    -------
    log_prob : Tensor of shape (B,)
        Summed over the ``M`` values of each frame (nats).
    """
    log_w, means, log_std = _split(params)
    z = (frames[:, None, :] - means) * torch.exp(-log_std)
    per_component = -0.5 * z.pow(2) - log_std - 0.5 * math.log(2 * math.pi)
    return torch.logsumexp(log_w + per_component.sum(-1), dim=-1)


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

    Notes
    -----
    The means are predicted relative to the window's last frame (a residual),
    so an untrained network already continues its input.
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
    ):
        super().__init__()
        self.n_bins = n_bins
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
        self.out = nn.Linear(2 * hidden_size, n_components * (1 + 2 * n_bins))

    def forward(self, X):
        """Mixture parameters ``(batch, n_components, 1 + 2 * n_bins)`` of the
        frame after the window ``X`` of shape ``(batch, n_bins, width)``:
        mixing logit, means, log standard deviations."""
        h = torch.relu(self.conv(X)).transpose(1, 2)
        _, last = self.gru(h)
        summary = torch.cat([last[-2], last[-1]], dim=-1)  # top layer, both directions
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
        probs = torch.softmax(log_w / temperature, dim=-1)
        k = torch.multinomial(probs, 1, generator=generator)[:, 0]
        rows = torch.arange(X.shape[0], device=X.device)
        noise = torch.randn(means.shape[0], means.shape[-1], generator=generator, device=X.device)
        return means[rows, k] + temperature * torch.exp(log_std[rows, k]) * noise
