"""The data path of skmusic's networks: one padded tensor, whole-batch indexing, one inference loop.

* :func:`batch_to_tensors` pads a validated batch once (the one pad of the
  package) and keeps the true lengths;
* :class:`SequenceDataset` and :class:`BatchIterator` hand skorch whole
  mini-batches of that tensor (a view when unshuffled) instead of collating
  item by item, so training costs little over a plain PyTorch loop;
* :func:`predict_batches` is the one batched-inference loop: items sorted by
  length (each batch pads little), run under :func:`inference`, returned in
  their own order. Classifiers and generators both go through it.
"""

from contextlib import contextmanager
from numbers import Integral

import numpy as np
import torch

from ..utils.validation import batch_lengths

__all__ = [
    "BatchIterator",
    "SequenceDataset",
    "batch_to_tensors",
    "inference",
    "predict_batches",
    "resolve_device",
]


class SequenceDataset(torch.utils.data.Dataset):
    """A batch of (padded) sequences indexed by whole mini-batches.

    ``dataset[idx]`` with an index tensor, array or slice returns a whole
    mini-batch at once: ``(Xb, yb)`` where ``Xb`` is a tensor
    ``(batch, n_channels, n_timesteps)`` or, when lengths are kept, a dict
    ``{"X": tensor, "lengths": tensor}`` (skorch passes a dict to the module's
    ``forward`` as keyword arguments), cut to the longest sequence of the batch.

    Parameters
    ----------
    X : torch.Tensor of shape (n_sequences, n_channels, n_timesteps)
        Zero-padded sequences.
    lengths : torch.Tensor of shape (n_sequences,), dtype int64, default=None
        True lengths; ``None`` when every sequence fills ``n_timesteps``.
    y : torch.Tensor or numpy.ndarray of shape (n_sequences, ...), default=None
        Targets; ``None`` yields placeholder zeros (prediction).
    """

    def __init__(self, X, lengths=None, y=None):
        self.X = X
        self.lengths = lengths
        if y is not None and not isinstance(y, torch.Tensor):
            y = torch.as_tensor(np.asarray(y))
        self.y = y

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, idx):
        single = isinstance(idx, Integral)
        if single:
            idx = slice(idx, idx + 1)
        xb = self.X[idx]
        if self.lengths is not None:
            lb = self.lengths[idx]
            xb = {"X": xb[..., : int(lb.max())], "lengths": lb}
        n = (xb["X"] if isinstance(xb, dict) else xb).shape[0]
        yb = torch.zeros(n) if self.y is None else self.y[idx]
        if single:  # one item, as a per-item Dataset would give it
            xb = {k: v[0] for k, v in xb.items()} if isinstance(xb, dict) else xb[0]
            yb = yb[0]
        return xb, yb


def _unwrap_subset(dataset):
    """The underlying dataset and the index tensor of (nested) Subsets."""
    indices = None
    while isinstance(dataset, torch.utils.data.Subset):
        sub = torch.as_tensor(np.asarray(dataset.indices), dtype=torch.long)
        indices = sub if indices is None else sub[indices]
        dataset = dataset.dataset
    return dataset, indices


class BatchIterator:
    """Iterate a :class:`SequenceDataset` by whole mini-batches.

    Used as skorch's ``iterator_train`` and ``iterator_valid`` in place of
    ``torch.utils.data.DataLoader``: each batch is one indexing of the padded
    tensor (a view when unshuffled), not ``batch_size`` item lookups followed by
    ``default_collate``. Takes skorch's ``Subset`` splits (``ValidSplit``).

    Parameters
    ----------
    dataset : SequenceDataset or torch.utils.data.Subset of one
    batch_size : int, default=128
    shuffle : bool, default=False
        Draw a new order every epoch from torch's (seeded) global generator.
    drop_last : bool, default=False
    augment : callable, default=None
        ``augment(X, lengths) -> (X, lengths)`` applied to every batch (the
        training iterator's augmentation, see :mod:`skmusic.nn.augment`).
    **kwargs : ignored (DataLoader arguments such as ``num_workers``).
    """

    def __init__(
        self, dataset, batch_size=128, shuffle=False, drop_last=False, augment=None, **kwargs
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.augment = augment

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        base, indices = _unwrap_subset(self.dataset)
        n = len(base) if indices is None else len(indices)
        bs = self.batch_size
        order = torch.randperm(n) if self.shuffle else None
        if order is not None and indices is not None:
            order = indices[order]
        elif order is None:
            order = indices
        stop = n - n % bs if self.drop_last else n
        for start in range(0, stop, bs):
            if order is None:
                batch = base[start : start + bs]
            else:
                batch = base[order[start : start + bs]]
            yield batch if self.augment is None else self._augmented(*batch)

    def _augmented(self, xb, yb):
        X, lengths = (xb["X"], xb["lengths"]) if isinstance(xb, dict) else (xb, None)
        X, lengths = self.augment(X, lengths)
        return (X if lengths is None else {"X": X, "lengths": lengths}), yb


def batch_to_tensors(batch, *, dtype=np.float32):
    """A validated batch as one zero-padded tensor and its true lengths.

    The one pad of skmusic's networks: classifiers, generators and the token
    models all reach their modules through it.

    Parameters
    ----------
    batch : ndarray of shape (n, C, T) or list of ndarray of shape (C, T_i)
        As returned by :func:`skmusic.utils.validation.validate_batch` (or
        a list of 1D arrays, padded along their one axis).
    dtype : numpy dtype, default=numpy.float32
        ``numpy.int64`` for token ids.

    Returns
    -------
    X : torch.Tensor of shape (n, C, max T_i) (or (n, max T_i) for 1D items)
    lengths : torch.Tensor of shape (n,), int64, or None
        ``None`` when all sequences have the same length.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn.data import batch_to_tensors
    >>> X, lengths = batch_to_tensors([np.ones((1, 3)), np.ones((1, 1))])
    >>> X[:, 0].tolist(), lengths.tolist()
    ([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]], [3, 1])
    """
    if isinstance(batch, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(batch, dtype=dtype)), None
    lengths = batch_lengths(batch)
    if (lengths == lengths[0]).all():
        return torch.from_numpy(np.stack(batch).astype(dtype, copy=False)), None
    X = np.zeros((len(batch), *batch[0].shape[:-1], lengths.max()), dtype=dtype)
    for i, seq in enumerate(batch):
        X[i, ..., : seq.shape[-1]] = seq
    return torch.from_numpy(X), torch.from_numpy(lengths.astype(np.int64))


def resolve_device(device):
    """``"auto"`` -> ``"cuda"`` when a GPU is available, else ``"cpu"``."""
    if device == "auto" or device is None:
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


@contextmanager
def inference(module):
    """Run ``module`` for inference: evaluation mode, no autograd; restored after.

    The one place skmusic's estimators and generators switch a module to
    inference (dropout off, batch norm on its running statistics).

    Parameters
    ----------
    module : torch.nn.Module

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.data import inference
    >>> layer = torch.nn.Dropout(0.5)
    >>> with inference(layer):
    ...     out = layer(torch.ones(3))
    >>> out.tolist(), layer.training
    ([1.0, 1.0, 1.0], True)
    """
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            yield module
    finally:
        module.train(was_training)


def _call(module, xb, lb):
    return module(xb) if lb is None else module(X=xb, lengths=lb)


def predict_batches(module, X, lengths=None, *, batch_size, forward=None):
    """Run ``module`` over every item of ``X`` in mini-batches; the one inference loop.

    Items of unequal lengths go through sorted by length (so each batch is cut
    to its own longest item and pads little) and come back in their own order.
    The module runs under :func:`inference` on its own device; results come
    back on the CPU.

    Parameters
    ----------
    module : torch.nn.Module
        E.g. a fitted net's ``net_.module_``.
    X : torch.Tensor of shape (n_items, ..., n_timesteps)
        Padded inputs (:func:`batch_to_tensors`); time on the last axis.
    lengths : torch.Tensor of shape (n_items,) or None, default=None
        True lengths; ``None`` when every item fills ``X``.
    batch_size : int
    forward : callable, default=None
        ``forward(module, Xb, lengths_b) -> tensor`` of shape ``(batch, ...)``;
        by default ``module(Xb)``, or ``module(X=Xb, lengths=lengths_b)`` when
        lengths are kept (the classifiers' ``forward`` signature).

    Returns
    -------
    out : torch.Tensor of shape (n_items, ...) or list of torch.Tensor
        A tensor when every batch gives the same trailing shape; otherwise
        (outputs that follow each batch's length) one tensor per item, cut to
        its batch's length.

    Examples
    --------
    >>> import torch
    >>> from skmusic.nn.data import predict_batches
    >>> class Last(torch.nn.Module):
    ...     def forward(self, X, lengths=None):
    ...         return X[torch.arange(len(X)), 0, lengths - 1]
    >>> X = torch.tensor([[[1.0, 2.0, 3.0]], [[4.0, 0.0, 0.0]]])
    >>> predict_batches(Last(), X, torch.tensor([3, 1]), batch_size=1).tolist()
    [3.0, 4.0]
    """
    forward = forward or _call
    device = next(iter(module.parameters()), torch.zeros(0)).device
    order = None if lengths is None else torch.argsort(lengths, stable=True)
    outs = []
    with inference(module):
        for start in range(0, len(X), batch_size):
            idx = slice(start, start + batch_size)
            if order is None:
                xb, lb = X[idx], None
            else:
                lb = lengths[order[idx]]
                xb = X[order[idx]][..., : int(lb.max())]
                lb = lb.to(device)
            outs.append(forward(module, xb.to(device), lb).cpu())
    if len({o.shape[1:] for o in outs}) == 1:
        out = torch.cat(outs)
        return out if order is None else out[torch.argsort(order)]
    items = [row for o in outs for row in o]
    if order is None:
        return items
    back = [None] * len(items)
    for position, i in enumerate(order.tolist()):
        back[i] = items[position]
    return back
