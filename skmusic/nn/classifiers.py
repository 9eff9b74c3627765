"""The papers' networks as scikit-learn classifiers (skorch underneath).

Every classifier takes a batch -- a 3D array ``(n_sequences, n_channels,
n_timesteps)``, a 2D array ``(n_sequences, n_timesteps)`` read as
single-channel sequences, or a list of 2D arrays of unequal lengths -- and
string or integer labels. The architecture's knobs are plain parameters, so a
grid reads ``{"estimator__hidden_size": [64, 128]}``; the fitted skorch net is
``net_`` (``net_.history`` holds the epoch table).
"""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .base import BaseNeuralClassifier, check_sizes
from .modules import CRNNNet, LSTMNet, RCNNNet, ResNet1DNet, SpectrogramCNNNet

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
]

_TRAINING_DOC = """
    max_epochs : int, default={max_epochs}
        Passes over the training data.
    batch_size : int, default={batch_size}
        Sequences per mini-batch.
    lr : float, default={lr}
        Learning rate.
    optimizer : {{"adam", "adamw", "sgd", "rmsprop", "adadelta"}} or torch optimizer class, \
default="adam"
    validation_fraction : float in (0, 1), default=None
        Share of the training sequences held out (stratified) and scored after
        every epoch (``valid_loss``, ``valid_acc`` in ``net_.history``); the
        weights of the epoch with the lowest validation loss are kept (seed 001).
        ``None`` trains on everything.
    patience : int, default=None
        Stop when the validation loss (training loss without validation) has
        not improved for this many epochs. ``None``: never stop early.
    callbacks : list of skorch callbacks, default=None
        Extra callbacks (copied at every fit), e.g. ``skorch.callbacks.LRScheduler``.
    device : str, default="auto"
        ``"auto"`` uses CUDA when available, else the CPU; or any torch device.
    verbose : int, default=0
        ``1`` prints skorch's epoch table.
    random_state : int, RandomState instance or None, default=None
        Seeds torch (weights, shuffling, dropout) and the validation split; a
        fixed value makes two fits give identical predictions.
"""

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_channels_in_ : int
        Channels of the training sequences.
    n_features_in_ : int
        Timesteps of tabular (2D) training input; only set for such input.
    net_ : skorch.NeuralNetClassifier
        The fitted net; ``net_.module_`` is the torch module, ``net_.history``
        the per-epoch losses and scores.
"""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("{training}", _TRAINING_DOC.format(**cls._defaults))
    cls.__doc__ = cls.__doc__.replace("{attributes}", _ATTRIBUTES_DOC)
    return cls


_TRAINING_CONSTRAINTS = BaseNeuralClassifier._parameter_constraints


class _PresetMixin:
    _presets = {}

    @classmethod
    def from_preset(cls, name, **params):
        """An estimator configured as one of the papers' networks.

        Parameters
        ----------
        name : str
            One of the keys of ``_presets`` (listed in the class docstring).
        **params
            Further parameters, overriding the preset's.

        Returns
        -------
        estimator : instance of this class
        """
        if name not in cls._presets:
            raise ValueError(
                f"Unknown preset {name!r} for {cls.__name__}; choose one of "
                f"{sorted(cls._presets)}."
            )
        return cls(**{**cls._presets[name], **params})


def _check_dropout(value):
    if not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"dropout must be a float in [0, 1), got {value!r}.")


@_doc
class LSTMClassifier(_PresetMixin, BaseNeuralClassifier):
    """Stacked (Bi)LSTM classifier read at each sequence's true end.

    The LSTM reads a sequence ``(n_channels, n_timesteps)`` as ``n_timesteps``
    steps of ``n_channels`` features. Ragged batches (lists of sequences of
    unequal lengths) are zero-padded and packed, so the output used is the
    one at each sequence's real end (seed 001). Dropout follows every LSTM
    layer and every hidden dense layer; the dense layers use ReLU.

    Presets (:meth:`from_preset`): ``"eeg-baseline"`` (seed 001: one LSTM of
    32, dense 32-32-16-32, dropout 0.1 -- the defaults), ``"eeg-3layer"``
    (seed 001: 3 LSTM layers of 64, dense 64-32-64), ``"gtzan"`` (seed 004:
    2 LSTM layers of 80, dense 40), ``"nn1"`` (seed 000: BiLSTM 256-128-64,
    dense 128-64) and ``"nn1-uni"`` (the same, unidirectional).

    Parameters
    ----------
    hidden_size : int or tuple of int, default=32
        Hidden units per direction of each LSTM layer; a tuple gives each
        layer its own size.
    num_layers : int, default=None
        Stacked layers for an int ``hidden_size`` (``None`` means 1); must be
        ``None`` or ``len(hidden_size)`` for a tuple.
    bidirectional : bool, default=False
    dropout : float, default=0.1
    dense : tuple of int, default=(32, 32, 16, 32)
        Hidden dense layers between the LSTM and the output layer.
    {training}
    {attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = [rng.randn(2, n) + (i % 2) for i, n in enumerate(rng.randint(5, 15, 40))]
    >>> y = ["up" if i % 2 else "down" for i in range(40)]
    >>> clf = LSTMClassifier(8, dense=(), max_epochs=20, lr=0.02, random_state=0)
    >>> clf.fit(X, y).predict(X[:4])
    array(['down', 'up', 'down', 'up'], dtype='<U4')
    """

    _defaults = {"max_epochs": 50, "batch_size": 32, "lr": 0.001}
    _presets = {
        "eeg-baseline": {"hidden_size": 32, "dense": (32, 32, 16, 32), "dropout": 0.1},
        "eeg-3layer": {"hidden_size": 64, "num_layers": 3, "dense": (64, 32, 64),
                       "dropout": 0.1},
        "gtzan": {"hidden_size": 80, "num_layers": 2, "dense": (40,), "dropout": 0.0},
        "nn1": {"hidden_size": (256, 128, 64), "bidirectional": True, "dense": (128, 64),
                "dropout": 0.2},
        "nn1-uni": {"hidden_size": (256, 128, 64), "bidirectional": False,
                    "dense": (128, 64), "dropout": 0.2},
    }
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "num_layers": [Interval(Integral, 1, None, closed="left"), None],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
    }

    def __init__(self, hidden_size=32, *, num_layers=None, bidirectional=False, dropout=0.1,
                 dense=(32, 32, 16, 32), max_epochs=50, batch_size=32, lr=0.001,
                 optimizer="adam", validation_fraction=None, patience=None, callbacks=None,
                 device="auto", verbose=0, random_state=None):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense = dense
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _hidden_sizes(self):
        sizes = check_sizes("hidden_size", self.hidden_size)
        if isinstance(self.hidden_size, Integral):
            return sizes * (self.num_layers or 1)
        if self.num_layers is not None and self.num_layers != len(sizes):
            raise ValueError(
                f"num_layers={self.num_layers} does not match hidden_size="
                f"{self.hidden_size!r} ({len(sizes)} layers); leave num_layers=None."
            )
        return sizes

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
            Channels (features per timestep) of the input.
        n_outputs : int
            Number of classes.

        Returns
        -------
        module : LSTMNet
        """
        _check_dropout(self.dropout)
        return LSTMNet(n_channels, n_outputs, self._hidden_sizes(),
                       bidirectional=bool(self.bidirectional), dropout=self.dropout,
                       dense=check_sizes("dense", self.dense, allow_empty=True))

    _build_module = make_module


def _conv_min_length(n_convs, kernel_size, pool_size):
    """Shortest input for which ``n_convs`` of (valid conv, floor pool) leave 1 step."""
    length = 1
    for _ in range(n_convs):
        length = length * pool_size + kernel_size - 1
    return length


@_doc
class CRNNClassifier(_PresetMixin, BaseNeuralClassifier):
    """Conv1D + (Bi)LSTM classifier: seed 000's NN2 and NN3 layouts.

    Each convolution is ``Conv1d(kernel_size)`` without padding, ReLU and
    ``MaxPool1d(pool_size)``. ``layout="alternating"`` puts LSTM ``i`` (and
    dropout) after convolution ``i`` (NN2); ``layout="sequential"`` puts
    dropout after every convolution and all LSTM layers after the last one
    (NN3). The last LSTM is read at each sequence's true end (true lengths of
    ragged batches are carried through the convolutions), then a dense head
    with ReLU. The defaults are NN3 (Bi-NN3).

    Presets (:meth:`from_preset`): ``"nn2"`` (Conv1D 256 / BiLSTM 256, 128/128,
    64/64, dense 32-16), ``"nn3"`` (Conv1D 128-64-32, BiLSTM 16, dense 16), and
    ``"nn2-uni"``, ``"nn3-uni"`` with unidirectional LSTMs.

    Every sequence needs at least
    ``((1 * p + k - 1) * p + k - 1) ...`` timesteps (``n`` times for ``n``
    convolutions, ``k = kernel_size``, ``p = pool_size``): 211 for NN2/NN3.

    Parameters
    ----------
    conv_channels : tuple of int, default=(128, 64, 32)
        Filters of each convolution.
    hidden_size : int or tuple of int, default=16
        Hidden units per direction of each LSTM layer; with
        ``layout="alternating"`` one per convolution (an int is repeated).
    layout : {"sequential", "alternating"}, default="sequential"
    kernel_size : int, default=8
    pool_size : int, default=4
    bidirectional : bool, default=True
    dropout : float, default=0.2
    dense : tuple of int, default=(16,)
    {training}
    {attributes}

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import CRNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 1, 64); y = np.arange(40) % 2; X[y == 1] += 1
    >>> clf = CRNNClassifier(conv_channels=(4, 4), hidden_size=4, kernel_size=3,
    ...                      pool_size=2, dense=(), max_epochs=20, lr=0.02,
    ...                      random_state=0).fit(X, y)
    >>> float(clf.score(X, y)) > 0.9
    True
    """

    _defaults = {"max_epochs": 50, "batch_size": 32, "lr": 0.001}
    _presets = {
        "nn2": {"conv_channels": (256, 128, 64), "hidden_size": (256, 128, 64),
                "layout": "alternating", "dense": (32, 16), "bidirectional": True},
        "nn3": {"conv_channels": (128, 64, 32), "hidden_size": 16,
                "layout": "sequential", "dense": (16,), "bidirectional": True},
    }
    _presets["nn2-uni"] = {**_presets["nn2"], "bidirectional": False}
    _presets["nn3-uni"] = {**_presets["nn3"], "bidirectional": False}

    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "conv_channels": [tuple, list],
        "hidden_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "layout": [StrOptions({"sequential", "alternating"})],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
    }

    def __init__(self, conv_channels=(128, 64, 32), *, hidden_size=16, layout="sequential",
                 kernel_size=8, pool_size=4, bidirectional=True, dropout=0.2, dense=(16,),
                 max_epochs=50, batch_size=32, lr=0.001, optimizer="adam",
                 validation_fraction=None, patience=None, callbacks=None, device="auto",
                 verbose=0, random_state=None):
        self.conv_channels = conv_channels
        self.hidden_size = hidden_size
        self.layout = layout
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense = dense
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _min_timesteps(self):
        n = len(check_sizes("conv_channels", self.conv_channels))
        length = _conv_min_length(n, self.kernel_size, self.pool_size)
        return length, (
            f"{n} convolutions of kernel_size={self.kernel_size}, each followed by "
            f"pool_size={self.pool_size} max-pooling"
        )

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
        n_outputs : int

        Returns
        -------
        module : CRNNNet
        """
        _check_dropout(self.dropout)
        convs = check_sizes("conv_channels", self.conv_channels)
        hidden = check_sizes("hidden_size", self.hidden_size)
        if self.layout == "alternating":
            if len(hidden) == 1:
                hidden = hidden * len(convs)
            if len(hidden) != len(convs):
                raise ValueError(
                    f"layout='alternating' needs one hidden_size per convolution: got "
                    f"{len(hidden)} for {len(convs)} convolutions."
                )
        return CRNNNet(n_channels, n_outputs, convs, hidden, layout=self.layout,
                       kernel_size=self.kernel_size, pool_size=self.pool_size,
                       bidirectional=bool(self.bidirectional), dropout=self.dropout,
                       dense=check_sizes("dense", self.dense, allow_empty=True))

    _build_module = make_module


@_doc
class ResNet1DClassifier(BaseNeuralClassifier):
    """Seed 001's 1D ResNet classifier.

    A Conv1d of ``n_filters`` kernels (with BatchNorm and ReLU), ``n_blocks``
    residual blocks (two Conv1d + BatchNorm + ReLU each, identity shortcut,
    ReLU after the sum) with ``pool_size`` max-pooling after every block but
    the last, adaptive average pooling over time and a linear output layer.
    Ragged batches are zero-padded and the padding is left out of the average.
    Every sequence needs at least ``pool_size ** (n_blocks - 1)`` timesteps.

    Parameters
    ----------
    n_filters : int, default=32
    n_blocks : int, default=3
    kernel_size : int, default=3
    pool_size : int, default=2
    {training}
    {attributes}

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

    _defaults = {"max_epochs": 50, "batch_size": 16, "lr": 0.001}
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "n_filters": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, n_filters=32, *, n_blocks=3, kernel_size=3, pool_size=2,
                 max_epochs=50, batch_size=16, lr=0.001, optimizer="adam",
                 validation_fraction=None, patience=None, callbacks=None, device="auto",
                 verbose=0, random_state=None):
        self.n_filters = n_filters
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def _min_timesteps(self):
        n_pools = max(self.n_blocks - 1, 0)
        return self.pool_size**n_pools, (
            f"{n_pools} max-poolings of pool_size={self.pool_size}"
        )

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
        return ResNet1DNet(n_channels, n_outputs, n_filters=self.n_filters,
                           n_blocks=self.n_blocks, kernel_size=self.kernel_size,
                           pool_size=self.pool_size)

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


class _ImageMixin:
    """Min sizes of 2D CNNs that read each sequence as a (n_channels, n_timesteps) image."""

    def _pool_totals(self):
        pairs = self._layer_pools()
        freq = time = 1
        for f, t in pairs:
            freq, time = freq * f, time * t
        return freq, time

    def _min_timesteps(self):
        return self._pool_totals()[1], f"time pooling {self._pool_desc()}"

    def _check_n_channels(self, n_channels):
        freq = self._pool_totals()[0]
        if n_channels < freq:
            raise ValueError(
                f"{type(self).__name__} reads each sequence as an image of "
                f"(n_channels={n_channels}, n_timesteps) but its frequency pooling "
                f"{self._pool_desc()} needs at least {freq} channels (frequency bins). "
                "Use more bins (e.g. n_mels) or a smaller pool_size."
            )

    def _pool_desc(self):
        return f"pool_size={self.pool_size!r} over {len(self._layer_pools())} layers"


@_doc
class SpectrogramCNNClassifier(_ImageMixin, _PresetMixin, BaseNeuralClassifier):
    """2D CNN on spectrogram-like sequences (seeds 002 and 003).

    Each sequence ``(n_bins, n_frames)`` -- a mel spectrogram, MFCCs, an STFT --
    is one 1-channel image. Every block is Conv2d ("same" padding) + BatchNorm
    + activation + MaxPool2d + dropout; global pooling (padding of ragged
    batches left out) and a linear layer follow, so any image at least as large
    as the pooling works. The defaults follow seed 003 (five conv layers each
    with max-pooling, batch norm, dropout 0.5, Adam at 1e-4).
    ``from_preset("choi")`` gives seed 002's Choi-style blocks (ELU, pools
    (2, 4), (2, 4), (2, 4), (3, 5), (4, 4), no dropout).

    Parameters
    ----------
    channels : tuple of int, default=(32, 64, 64, 64, 32)
        Output channels of each conv block (its length is the depth).
    kernel_size : int, default=3
    pool_size : int, (int, int) or sequence of (int, int), default=2
        Max-pooling (frequency, time) after each block; an int pools both
        axes, a sequence of pairs gives each block its own.
    activation : {"relu", "elu", "leaky_relu"}, default="relu"
    dropout : float, default=0.5
    global_pool : {"avg", "max"}, default="avg"
    {training}
    {attributes}

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

    _defaults = {"max_epochs": 50, "batch_size": 32, "lr": 0.0001}
    _presets = {
        "choi": {"channels": (32, 64, 64, 64, 32), "activation": "elu", "dropout": 0.0,
                 "pool_size": ((2, 4), (2, 4), (2, 4), (3, 5), (4, 4)), "lr": 0.001},
        "gtzan": {"channels": (32, 64, 64, 64, 32), "activation": "relu", "dropout": 0.5,
                  "pool_size": 2, "lr": 0.0001},
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

    def __init__(self, channels=(32, 64, 64, 64, 32), *, kernel_size=3, pool_size=2,
                 activation="relu", dropout=0.5, global_pool="avg", max_epochs=50,
                 batch_size=32, lr=0.0001, optimizer="adam", validation_fraction=None,
                 patience=None, callbacks=None, device="auto", verbose=0,
                 random_state=None):
        self.channels = channels
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.activation = activation
        self.dropout = dropout
        self.global_pool = global_pool
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
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
        return SpectrogramCNNNet(n_channels, n_outputs, check_sizes("channels", self.channels),
                                 kernel_size=self.kernel_size, pool_sizes=self._layer_pools(),
                                 activation=self.activation, dropout=self.dropout,
                                 global_pool=self.global_pool)

    _build_module = make_module


@_doc
class RCNNClassifier(_ImageMixin, BaseNeuralClassifier):
    """Recurrent convolutional network on spectrogram-like sequences (seed 004).

    Each sequence ``(n_bins, n_frames)`` is one 1-channel image. ``channels``
    conv blocks (Conv2d + BatchNorm + ReLU + MaxPool2d), then ``n_recurrent``
    recurrent convolutional layers (Liang & Hu 2015: a convolution whose state
    is refined over ``n_steps`` steps with shared recurrent weights; batch norm
    in place of local response normalisation), each followed by dropout, then
    global max pooling and a linear layer. The defaults are seed 004's 2 conv
    + 3 recurrent conv layers.

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

    _defaults = {"max_epochs": 50, "batch_size": 32, "lr": 0.001}
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "channels": [tuple, list],
        "n_recurrent": [Interval(Integral, 0, None, closed="left")],
        "n_steps": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "pool_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, channels=(32, 64), *, n_recurrent=3, n_steps=3, kernel_size=3,
                 pool_size=2, dropout=0.2, max_epochs=50, batch_size=32, lr=0.001,
                 optimizer="adam", validation_fraction=None, patience=None, callbacks=None,
                 device="auto", verbose=0, random_state=None):
        self.channels = channels
        self.n_recurrent = n_recurrent
        self.n_steps = n_steps
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.dropout = dropout
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
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
        return RCNNNet(n_channels, n_outputs, channels, n_recurrent=self.n_recurrent,
                       n_steps=self.n_steps, kernel_size=self.kernel_size,
                       pool_size=pool, dropout=self.dropout)

    _build_module = make_module
