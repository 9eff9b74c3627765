"""Masks over padded time: the one place skmusic's networks keep padding out.

A ragged batch reaches a network zero-padded to its longest sequence, with the
true ``lengths``. Every layer that looks along time -- a convolution, a
pooling, a global pooling -- must see a sequence as it would alone; these
helpers give the mask, zero what lies past each sequence's end, and pool
without ever reading padding.
"""

import torch
from torch.nn import functional as F

__all__ = ["sequence_mask", "apply_mask", "zero_padding", "global_pool", "pool_time", "pool_image"]


def sequence_mask(lengths, size, *, device=None):
    """Boolean ``(batch, size)``: True on the timesteps inside each sequence.

    ``lengths=None`` (every sequence fills ``size``) gives ``None``.

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.masking import sequence_mask
    >>> sequence_mask(torch.tensor([1, 3]), 3).tolist()
    [[True, False, False], [True, True, True]]
    """
    if lengths is None:
        return None
    lengths = lengths.to(device) if device is not None else lengths
    return torch.arange(size, device=lengths.device)[None, :] < lengths[:, None]


def zero_padding(x, lengths):
    """``x`` (batch, ..., time) with the timesteps past each sequence's length set to 0.

    What a "same"-padded convolution sees at the end of that sequence alone.
    ``lengths=None`` returns ``x`` unchanged.
    """
    return apply_mask(x, sequence_mask(lengths, x.shape[-1], device=x.device))


def apply_mask(x, mask, value=0.0):
    """``x`` (batch, ..., time) set to ``value`` where ``mask`` (batch, time) is False.

    ``mask=None`` returns ``x`` unchanged. The result keeps ``x``'s memory
    layout (a channels-last map stays channels-last).
    """
    if mask is None:
        return x
    mask = mask.view(mask.shape[0], *([1] * (x.dim() - 2)), mask.shape[1])
    # clone, then fill: torch's masked_fill returns a copy in the default
    # layout, clone keeps a channels-last map channels-last
    return x.clone().masked_fill_(~mask, value)


def global_pool(x, lengths=None, mode="avg"):
    """Pool the last axis (time) of ``x`` (and every axis between channels and
    time) to one value per channel, ignoring padded timesteps."""
    x = x.flatten(2, -2) if x.dim() > 3 else x.unsqueeze(2)  # (B, C, S, T)
    if lengths is None:
        return x.mean(dim=(2, 3)) if mode == "avg" else x.amax(dim=(2, 3))
    mask = sequence_mask(lengths.clamp(min=1), x.shape[-1], device=x.device)[:, None, None, :]
    if mode == "avg":
        total = (x * mask).sum(dim=(2, 3))
        return total / (mask.sum(dim=(2, 3)) * x.shape[2])
    return x.masked_fill(~mask, float("-inf")).amax(dim=(2, 3))


def pool_time(x, lengths, pool_size):
    """Max-pool the last axis by ``pool_size``, or by what is left of it if shorter."""
    k = min(pool_size, x.shape[-1])
    if k <= 1:
        return x, lengths
    x = F.max_pool1d(x, k)
    if lengths is not None:
        lengths = (lengths // k).clamp(min=1)
    return x, lengths


def pool_image(x, lengths, pool):
    """Max-pool (frequency, time) of a (B, C, F, T) map, never past either axis' end."""
    kf, kt = min(pool[0], x.shape[-2]), min(pool[1], x.shape[-1])
    if kf <= 1 and kt <= 1:
        return x, lengths
    x = F.max_pool2d(x, (kf, kt))
    if lengths is not None and kt > 1:
        lengths = (lengths // kt).clamp(min=1)
    return x, lengths
