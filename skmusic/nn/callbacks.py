"""The training recipe's callbacks: skorch's own where skorch has one.

* the learning-rate schedule is skorch's :class:`~skorch.callbacks.LRScheduler`
  stepping torch's :class:`~torch.optim.lr_scheduler.LambdaLR` every training
  batch with a :class:`WarmupCosine` factor (:func:`lr_schedule`);
* :class:`EarlyStopping` stops on a monitored loss after ``patience`` epochs
  without improvement, never before ``min_epochs``, and restores the best
  epoch's weights; it reads only skorch's public history;
* :class:`TimeBudget` ends ``fit`` once a wall-clock budget is spent, checked
  after every training batch.

How a user's own callbacks compose with the recipe's (``callbacks=[...]``):
they are copied at every ``fit`` and run beside the recipe's; a user's
``LRScheduler`` *replaces* the built-in schedule (the two would otherwise both
set the learning rate), a user's ``EarlyStopping`` (skorch's or this one)
replaces the built-in early stopping and a user's ``GradientNormClipping``
the built-in clipping. Every other callback is added.
"""

import copy
import math
import time

import torch
from skorch.callbacks import Callback, LRScheduler

__all__ = ["EarlyStopping", "TimeBudget", "WarmupCosine", "lr_schedule"]


class WarmupCosine:
    """Multiplier of the base learning rate at training step ``step``.

    Linear warm-up over the first ``warmup`` share of ``total_steps`` from
    ``start`` to 1, then cosine decay to ``end``; the step is clipped to
    ``total_steps`` (an estimate of the steps is fine). A plain picklable
    object, so a fitted model saves with joblib.

    Parameters
    ----------
    total_steps : int
    warmup : float, default=0.05
    start : float, default=0.0
    end : float, default=0.0

    Examples
    --------
    >>> from skmusic.nn.callbacks import WarmupCosine
    >>> f = WarmupCosine(100)
    >>> round(f(0), 3), round(f(5), 3), round(f(100), 3)
    (0.0, 1.0, 0.0)
    """

    def __init__(self, total_steps, warmup=0.05, start=0.0, end=0.0):
        self.total_steps = max(1, int(total_steps))
        self.warmup = warmup
        self.start = start
        self.end = end

    def __call__(self, step):
        total = self.total_steps
        progress = min(step / total, 1.0)
        if progress < self.warmup:
            return self.start + (1 - self.start) * step / max(1.0, self.warmup * total)
        decay = (progress - self.warmup) / (1 - self.warmup)
        return self.end + (1 - self.end) * 0.5 * (1 + math.cos(math.pi * decay))


_POLICIES = {"cosine": (0.05, 0.0, 0.0), "onecycle": (0.3, 1 / 25, 1e-4)}


def lr_schedule(policy, total_steps):
    """The recipe's schedule as skorch's ``LRScheduler``, stepped every batch.

    Parameters
    ----------
    policy : {"cosine", "onecycle"}
        ``"cosine"``: linear warm-up over the first 5 % of the steps, then
        cosine decay to zero; ``"onecycle"``: warm-up over 30 % from
        ``lr / 25``, then cosine decay to ``lr / 1e4`` (the learning rate of
        PyTorch's ``OneCycleLR``).
    total_steps : int
        Training batches of the whole run (``max_epochs`` times the batches
        per epoch).

    Returns
    -------
    callback : skorch.callbacks.LRScheduler
    """
    warmup, start, end = _POLICIES[policy]
    return LRScheduler(
        torch.optim.lr_scheduler.LambdaLR,
        lr_lambda=WarmupCosine(total_steps, warmup, start, end),
        step_every="batch",
    )


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs, not before ``min_epochs``.

    While the learning rate is still high (warm-up, early cosine), the
    validation loss is noisy, so stopping waits for ``min_epochs``; the best
    epoch is tracked from the first epoch on and, with ``load_best``, its
    weights are restored when training ends (however it ends: patience, the
    time budget or ``max_epochs``). Only skorch's public history is read.

    Parameters
    ----------
    monitor : str, default="valid_loss"
        A history column; lower is better.
    patience : int, default=5
    min_epochs : int, default=0
    threshold : float, default=1e-4
        Relative improvement that counts.
    load_best : bool, default=False
    sink : callable, default=print
        Where the stopping message goes (with ``verbose`` on the net).
    """

    def __init__(
        self,
        monitor="valid_loss",
        patience=5,
        min_epochs=0,
        threshold=1e-4,
        load_best=False,
        sink=print,
    ):
        self.monitor = monitor
        self.patience = patience
        self.min_epochs = min_epochs
        self.threshold = threshold
        self.load_best = load_best
        self.sink = sink

    def on_train_begin(self, net, **kwargs):
        self.best_score_ = math.inf
        self.best_epoch_ = None
        self.best_weights_ = None

    def on_epoch_end(self, net, **kwargs):
        score = net.history[-1, self.monitor]
        epoch = len(net.history)
        if score < self.best_score_ * (1 - self.threshold) or self.best_epoch_ is None:
            self.best_score_, self.best_epoch_ = score, epoch
            if self.load_best:
                self.best_weights_ = copy.deepcopy(net.module_.state_dict())
        waited = epoch - self.best_epoch_
        if waited >= self.patience and epoch >= self.min_epochs:
            if net.verbose:
                self.sink(
                    f"Stopping since {self.monitor} has not improved in the last "
                    f"{self.patience} epochs (best: epoch {self.best_epoch_})."
                )
            raise KeyboardInterrupt  # skorch ends fit() cleanly on it

    def on_train_end(self, net, **kwargs):
        if self.load_best and self.best_weights_ is not None:
            net.module_.load_state_dict(self.best_weights_)
            if net.verbose:
                self.sink(f"Restoring the weights of epoch {self.best_epoch_}.")


class TimeBudget(Callback):
    """Stop training once ``seconds`` of wall-clock time have passed.

    Checked after every training batch (a long epoch cannot overrun the
    budget by more than one batch); skorch then ends ``fit`` cleanly and
    :class:`EarlyStopping` restores the best weights. The history records
    ``stopped_by_time`` in the last epoch's row.

    Parameters
    ----------
    seconds : float

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import ResNet1DClassifier
    >>> from skmusic.nn.callbacks import TimeBudget
    >>> X = np.random.RandomState(0).randn(20, 1, 16); y = np.arange(20) % 2
    >>> clf = ResNet1DClassifier(n_filters=4, n_blocks=1, max_epochs=1000,
    ...                          callbacks=[TimeBudget(1e-9)]).fit(X, y)
    >>> len(clf.history_)
    1
    """

    def __init__(self, seconds):
        self.seconds = seconds

    def on_train_begin(self, net, **kwargs):
        self.start_ = time.perf_counter()

    def on_batch_end(self, net, training=False, **kwargs):
        if training and time.perf_counter() - self.start_ > self.seconds:
            net.history.record("stopped_by_time", True)
            raise KeyboardInterrupt  # skorch ends fit() cleanly on it
