"""Convolutional classifiers: ResNet1D, the spectrogram CNN and RCNN."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..utils.validation import check_sizes
from ._recurrent import _check_dropout
from .base import BaseNeuralClassifier, EnsembleMixin, PresetMixin, fill_doc
from .modules import RCNNNet, ResNet1DNet, SpectrogramCNNNet

__all__ = [
    "RCNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
]

_TRAINING_CONSTRAINTS = BaseNeuralClassifier._parameter_constraints


@fill_doc
class ResNet1DClassifier(EnsembleMixin, BaseNeuralClassifier):
    """Wang's 1D ResNet classifier [1]_.

    A Conv1d of ``n_filters`` kernels (with BatchNorm and ReLU), ``n_blocks``
    residual blocks (two Conv1d + BatchNorm + ReLU each, identity shortcut,
    ReLU after the sum) with ``pool_size`` max-pooling after every block but
    the last (stopping where the sequence runs out, so any length works),
    adaptive average pooling over time and a linear output layer. Ragged
    batches are zero-padded and the padding is left out of the average.

    Its ``max_epochs`` default (50) is half the other networks': the cosine
    schedule then gets down to small learning rates before early stopping
    (patience 15) ends a run, where with 100 epochs it stopped half-way down,
    at a still large rate. On PLAID (``benchmarks/results/peers_series.md``)
    that gave 0.903 and 0.870 (``random_state`` 0 and 1) against 0.849
    (``random_state=0``) and 0.872 (an earlier benchmark run) with 100
    epochs, in about the same time; on ArrowHead (36 series, no early
    stopping) it cost 0.013 on average over four seeds.

    Its ``batch_size`` default is ``"auto"``: a training set of fewer than
    320 sequences gets batches of a tenth of it (at least 4), so a small set
    still trains for enough steps. On ArrowHead (36 series) that gave 0.870
    on average over four seeds against 0.830 with batches of 32, on
    BasicMotions (40) 1.000 four times against 1.000-0.975; on OSULeaf (200,
    tried with batches of 20) 0.975 against 0.979; larger sets are unchanged.

    Its ``n_estimators`` default is ``"auto"``: on a small training set
    (under 50,000 timesteps in all) up to five networks of different seeds
    are averaged, since one network's result there hangs on its seed. On
    ArrowHead (36 series of 251 steps: five networks, 31-37 s a fit on one
    thread) that gave 0.886, 0.891, 0.886 and 0.891 at ``random_state`` 0-3,
    against 0.823, 0.903, 0.880 and 0.880 for one network (7 s); BasicMotions
    1.000 either way; PLAID and OSULeaf train one network, as before.

    Parameters
    ----------
    n_filters : int, default=64
    n_blocks : int, default=3
    kernel_size : int, default=7
    pool_size : int, default=2
    {training}
    {attributes}

    References
    ----------
    .. [1] Q. Wang, "Music Genre Classification using LSTM and CNN", Australian
       National University (manuscript).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import ResNet1DClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 2, 32); y = np.arange(40) % 2; X[y == 1] += 1
    >>> clf = ResNet1DClassifier(n_filters=4, max_epochs=10, lr=0.01, random_state=0)
    >>> float(clf.fit(X, y).score(X, y)) > 0.9
    True
    """

    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        **EnsembleMixin._ensemble_constraints,
        "n_filters": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_filters=64,
        *,
        n_blocks=3,
        kernel_size=7,
        pool_size=2,
        n_estimators="auto",
        normalize="series+stats",
        max_timesteps=512,
        augment=None,
        max_epochs=50,
        batch_size="auto",
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=15,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.n_filters = n_filters
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.n_estimators = n_estimators
        self.normalize = normalize
        self.max_timesteps = max_timesteps
        self.augment = augment
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_time = max_time
        self.grad_clip = grad_clip
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
        n_outputs : int

        Returns
        -------
        module : ResNet1DNet
        """
        return ResNet1DNet(
            n_channels,
            n_outputs,
            n_filters=self.n_filters,
            n_blocks=self.n_blocks,
            kernel_size=self.kernel_size,
            pool_size=self.pool_size,
        )

    _build_module = make_module


def _pool_pairs(pool_size, n_layers):
    """``pool_size`` as one (frequency, time) pair per layer."""

    def pair(p):
        if isinstance(p, Integral) and not isinstance(p, bool) and p >= 1:
            return (int(p), int(p))
        try:
            a, b = p
        except (TypeError, ValueError):
            return None
        if all(isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in (a, b)):
            return (int(a), int(b))
        return None

    single = pair(pool_size)
    if single is not None:
        return [single] * n_layers
    try:
        pairs = [pair(p) for p in pool_size]
    except TypeError:
        pairs = [None]
    if None in pairs or len(pairs) != n_layers:
        raise ValueError(
            f"pool_size must be a positive int, a (frequency, time) pair, or one pair "
            f"per conv layer ({n_layers}), got {pool_size!r}."
        )
    return pairs


@fill_doc
class SpectrogramCNNClassifier(PresetMixin, BaseNeuralClassifier):
    """2D CNN on spectrogram-like sequences (Zong [2]_; Doyle and Lopez [1]_).

    Each sequence ``(n_bins, n_frames)`` -- a mel spectrogram, MFCCs, an STFT --
    is one 1-channel image. Every block is Conv2d ("same" padding) + BatchNorm
    + activation + MaxPool2d + dropout; global pooling (padding of ragged
    batches left out) and a linear layer follow. Pooling stops where an axis
    runs out, so any image size works. The defaults keep the five conv layers of
    Doyle and Lopez [1]_ (max-pooling, batch norm) with the shared training recipe;
    ``from_preset("gtzan")`` is their network as published (dropout 0.5, Adam at
    1e-4). ``from_preset("choi")`` gives Zong's Choi-style blocks (ELU, pools
    (2, 4), (2, 4), (2, 4), (3, 5), (4, 4), no dropout).

    ``max_epochs=50`` (as :class:`ResNet1DClassifier` and
    :class:`InceptionTimeClassifier`): the cosine schedule anneals within the
    run, and the recipe's minimum of 0.3 ``max_epochs`` is 15 epochs, not 30.
    On the music task suite's two audio tasks (``benchmarks/bench_music_tasks.py``,
    18 fits at 10, 20 and 40 songs a class) that took 0.61 of the time of
    ``max_epochs=100`` (slowest fit 120 s against 218 s, 200 songs of 10 s) at
    a mean accuracy of 0.572 / 0.553 / 0.641 against 0.547 / 0.573 / 0.619
    (``benchmarks/results/music_tasks.md``).

    Parameters
    ----------
    channels : tuple of int, default=(32, 64, 64, 64, 32)
        Output channels of each conv block (its length is the depth).
    kernel_size : int, default=3
    pool_size : int, (int, int) or sequence of (int, int), default=2
        Max-pooling (frequency, time) after each block; an int pools both
        axes, a sequence of pairs gives each block its own.
    activation : {"relu", "elu", "leaky_relu"}, default="relu"
    dropout : float, default=0.1
    global_pool : {"avg", "max"}, default="avg"
    {training}
    {attributes}

    References
    ----------
    .. [1] L. Doyle and R. A. Lopez, "Genre Classification and Generation of Music
       Samples via Neural Networks" (manuscript).
    .. [2] Y. Zong, "Chopin Music Generation and Classification", UC San Diego
       (manuscript).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import SpectrogramCNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 8, 16); y = np.arange(40) % 2; X[y == 1, :4] += 1.5
    >>> clf = SpectrogramCNNClassifier((4, 4), dropout=0.0, max_epochs=30, lr=0.01,
    ...                                random_state=0).fit(X, y)
    >>> float(clf.score(X, y)) > 0.9
    True
    """

    _presets = {
        "choi": {
            "channels": (32, 64, 64, 64, 32),
            "activation": "elu",
            "dropout": 0.0,
            "pool_size": ((2, 4), (2, 4), (2, 4), (3, 5), (4, 4)),
            "lr": 0.001,
        },
        "gtzan": {
            "channels": (32, 64, 64, 64, 32),
            "activation": "relu",
            "dropout": 0.5,
            "pool_size": 2,
            "lr": 0.0001,
            "optimizer": "adam",
            "weight_decay": 0.0,
            "lr_schedule": "constant",
        },
    }
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "channels": [tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "activation": [StrOptions({"relu", "elu", "leaky_relu"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "global_pool": [StrOptions({"avg", "max"})],
    }

    def __init__(
        self,
        channels=(32, 64, 64, 64, 32),
        *,
        kernel_size=3,
        pool_size=2,
        activation="relu",
        dropout=0.1,
        global_pool="avg",
        normalize="channel",
        max_timesteps=512,
        augment=None,
        max_epochs=50,
        batch_size=32,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=15,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.channels = channels
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.activation = activation
        self.dropout = dropout
        self.global_pool = global_pool
        self.normalize = normalize
        self.max_timesteps = max_timesteps
        self.augment = augment
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_time = max_time
        self.grad_clip = grad_clip
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _layer_pools(self):
        return _pool_pairs(self.pool_size, len(check_sizes("channels", self.channels)))

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
            Frequency bins (image height).
        n_outputs : int

        Returns
        -------
        module : SpectrogramCNNNet
        """
        _check_dropout(self.dropout)
        return SpectrogramCNNNet(
            n_channels,
            n_outputs,
            check_sizes("channels", self.channels),
            kernel_size=self.kernel_size,
            pool_sizes=self._layer_pools(),
            activation=self.activation,
            dropout=self.dropout,
            global_pool=self.global_pool,
        )

    _build_module = make_module


@fill_doc
class RCNNClassifier(BaseNeuralClassifier):
    """Recurrent convolutional network on spectrogram-like sequences (Bai and Wang [1]_).

    Each sequence ``(n_bins, n_frames)`` is one 1-channel image. ``channels``
    conv blocks (Conv2d + BatchNorm + ReLU + MaxPool2d), then ``n_recurrent``
    recurrent convolutional layers (Liang and Hu [2]_: a convolution whose state
    is refined over ``n_steps`` steps with shared recurrent weights; batch norm
    in place of local response normalisation), each followed by dropout, then
    global max pooling and a linear layer. The defaults are Bai and Wang's 2 conv
    + 3 recurrent conv layers. They are the costliest network here: on 200 songs
    of 10 s (2,000 mel slices) a default fit took 550 s on one CPU core, the
    spectrogram CNN 129 s and the CRNN 38 s (``benchmarks/results/fit_times.md``);
    ``n_recurrent``, ``n_steps`` or ``max_time`` bound it.

    Parameters
    ----------
    channels : tuple of int, default=(32, 64)
        Output channels of each plain conv block; the recurrent layers keep
        ``channels[-1]`` maps.
    n_recurrent : int, default=3
    n_steps : int, default=3
        Recurrent iterations of each recurrent layer.
    kernel_size : int, default=3
    pool_size : int or (int, int), default=2
        Max-pooling (frequency, time) after each plain conv block.
    dropout : float, default=0.2
    {training}
    {attributes}

    References
    ----------
    .. [1] K. Bai and H. Wang, "Music Classification with Neural Network", Tsinghua
       University (manuscript).
    .. [2] M. Liang and X. Hu, "Recurrent convolutional neural network for object
       recognition", CVPR, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import RCNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 8, 16); y = np.arange(40) % 2; X[y == 1, :4] += 1.5
    >>> clf = RCNNClassifier((4,), n_recurrent=1, max_epochs=15, lr=0.01,
    ...                      random_state=0).fit(X, y)
    >>> float(clf.score(X, y)) > 0.9
    True
    """

    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "channels": [tuple, list],
        "n_recurrent": [Interval(Integral, 0, None, closed="left")],
        "n_steps": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        channels=(32, 64),
        *,
        n_recurrent=3,
        n_steps=3,
        kernel_size=3,
        pool_size=2,
        dropout=0.2,
        normalize="channel",
        max_timesteps=512,
        augment=None,
        max_epochs=100,
        batch_size=32,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=15,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.channels = channels
        self.n_recurrent = n_recurrent
        self.n_steps = n_steps
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dropout = dropout
        self.normalize = normalize
        self.max_timesteps = max_timesteps
        self.augment = augment
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_time = max_time
        self.grad_clip = grad_clip
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _layer_pools(self):
        n = len(check_sizes("channels", self.channels))
        pairs = _pool_pairs(self.pool_size, n)
        if len(set(pairs)) > 1:
            raise ValueError("RCNNClassifier takes one pool_size for every conv block.")
        return pairs

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
            Frequency bins (image height).
        n_outputs : int

        Returns
        -------
        module : RCNNNet
        """
        _check_dropout(self.dropout)
        channels = check_sizes("channels", self.channels)
        pool = self._layer_pools()[0] if channels else (1, 1)
        return RCNNNet(
            n_channels,
            n_outputs,
            channels,
            n_recurrent=self.n_recurrent,
            n_steps=self.n_steps,
            kernel_size=self.kernel_size,
            pool_size=pool,
            dropout=self.dropout,
        )

    _build_module = make_module
