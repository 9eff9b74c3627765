"""skmusic's networks as scikit-learn classifiers (skorch underneath).

Every classifier takes a batch -- a 3D array ``(n_sequences, n_channels,
n_timesteps)``, a 2D array ``(n_sequences, n_timesteps)`` read as
single-channel sequences, or a list of 2D arrays of unequal lengths -- and
string or integer labels. The architecture's knobs are plain parameters, so a
grid reads ``{"estimator__hidden_size": [64, 128]}``; the fitted skorch net is
``net_`` (``net_.history`` holds the epoch table).
"""

import inspect
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .base import (
    TRAINING_DEFAULTS,
    BaseNeuralClassifier,
    PresetMixin,
    check_sizes,
    training_params_doc,
)
from .modules import (
    CRNNNet,
    InceptionTimeNet,
    LSTMNet,
    RCNNNet,
    ResNet1DNet,
    SpectrogramCNNNet,
)

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
    "InceptionTimeClassifier",
]

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_channels_in_ : int
        Channels of the training sequences.
    n_features_in_ : int
        Timesteps of tabular (2D) training input; only set for such input.
    input_mean_, input_scale_ : ndarray or None
        Statistics of the training data: per channel (``normalize="channel"``),
        or of the per-series means and log deviations (``"series+stats"``).
    input_stride_ : int
        Time stride of the averaging that shortens inputs to ``max_timesteps``
        (1: none).
    net_ : skorch.NeuralNetClassifier
        The fitted net; ``net_.module_`` is the torch module, ``net_.history``
        the per-epoch losses and scores.
"""

_INPUT_DOC = """
    normalize : {{"series+stats", "series", "channel"}} or None, default={normalize!r}
        Input normalization inside the estimator. ``"series"`` scales each
        sequence and channel by its own mean and standard deviation (padding
        excluded), so recordings of different scale look alike;
        ``"series+stats"`` does the same and gives the network each sequence's
        per-channel mean and log standard deviation (standardized over the
        training data) as extra constant channels, so level and scale still
        count; ``"channel"`` standardizes each channel with statistics of the
        training data; ``None`` feeds raw values. Statistics learned in ``fit``
        are stored with the model.
    max_timesteps : int or None, default={max_timesteps}
        Inputs longer than this are averaged over non-overlapping windows of
        one stride, fixed in ``fit`` from the longest training sequence, so
        long sequences train fast; ``None`` keeps every timestep.
    augment : augmenter or list of augmenters, default=None
        Training-time augmentation from :mod:`skmusic.nn.augment`, e.g.
        ``[RandomTranspose(channels=0), RandomCrop(0.5)]`` for note series
        whose first row is the pitch; applied to training batches only."""


def _doc(cls):
    defaults = {
        k: v.default
        for k, v in inspect.signature(cls.__init__).parameters.items()
        if k in TRAINING_DEFAULTS
    }
    extra = {
        k: inspect.signature(cls.__init__).parameters[k].default
        for k in ("normalize", "max_timesteps")
    }
    cls.__doc__ = cls.__doc__.replace(
        "{training}", _INPUT_DOC.format(**extra) + training_params_doc(**defaults)
    )
    cls.__doc__ = cls.__doc__.replace("{attributes}", _ATTRIBUTES_DOC)
    return cls


_TRAINING_CONSTRAINTS = BaseNeuralClassifier._parameter_constraints


def _check_dropout(value):
    if not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"dropout must be a float in [0, 1), got {value!r}.")


@_doc
class LSTMClassifier(PresetMixin, BaseNeuralClassifier):
    """Stacked (Bi)LSTM classifier read at each sequence's true end.

    The LSTM reads a sequence ``(n_channels, n_timesteps)`` as ``n_timesteps``
    steps of ``n_channels`` features. Ragged batches (lists of sequences of
    unequal lengths) are zero-padded and packed, so the output used is the
    one at each sequence's real end (as in [2]_). Dropout follows every LSTM
    layer and every hidden dense layer; the dense layers use ReLU.

    Presets (:meth:`from_preset`): ``"eeg-baseline"`` ([2]_: one LSTM of
    32, dense 32-32-16-32, dropout 0.1), ``"eeg-3layer"``
    ([2]_: 3 LSTM layers of 64, dense 64-32-64), ``"gtzan"`` ([3]_:
    2 LSTM layers of 80, dense 40), ``"nn1"`` ([1]_: BiLSTM 256-128-64,
    dense 128-64) and ``"nn1-uni"`` (the same, unidirectional).

    Parameters
    ----------
    hidden_size : int or tuple of int, default=64
        Hidden units per direction of each LSTM layer; a tuple gives each
        layer its own size.
    num_layers : int, default=2
        Stacked layers for an int ``hidden_size`` (``None`` means 1); must be
        ``None`` or ``len(hidden_size)`` for a tuple.
    bidirectional : bool, default=True
    dropout : float, default=0.1
    dense : tuple of int, default=()
        Hidden dense layers between the LSTM and the output layer.
    {training}
    {attributes}

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT (manuscript).
    .. [2] Q. Wang, "Music Genre Classification using LSTM and CNN", Australian
       National University (manuscript).
    .. [3] B. Ke and H. Wang, "Music Classification with Neural Network", Tsinghua
       University (manuscript).

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

    _presets = {
        "eeg-baseline": {
            "hidden_size": 32,
            "num_layers": None,
            "bidirectional": False,
            "dense": (32, 32, 16, 32),
            "dropout": 0.1,
        },
        "eeg-3layer": {
            "hidden_size": 64,
            "num_layers": 3,
            "bidirectional": False,
            "dense": (64, 32, 64),
            "dropout": 0.1,
        },
        "gtzan": {
            "hidden_size": 80,
            "num_layers": 2,
            "bidirectional": False,
            "dense": (40,),
            "dropout": 0.0,
        },
        "nn1": {
            "hidden_size": (256, 128, 64),
            "num_layers": None,
            "bidirectional": True,
            "dense": (128, 64),
            "dropout": 0.2,
        },
        "nn1-uni": {
            "hidden_size": (256, 128, 64),
            "num_layers": None,
            "bidirectional": False,
            "dense": (128, 64),
            "dropout": 0.2,
        },
    }
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "hidden_size": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "num_layers": [Interval(Integral, 1, None, closed="left"), None],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
    }

    def __init__(
        self,
        hidden_size=64,
        *,
        num_layers=2,
        bidirectional=True,
        dropout=0.1,
        dense=(),
        normalize="series+stats",
        max_timesteps=128,
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
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense = dense
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
        return LSTMNet(
            n_channels,
            n_outputs,
            self._hidden_sizes(),
            bidirectional=bool(self.bidirectional),
            dropout=self.dropout,
            dense=check_sizes("dense", self.dense, allow_empty=True),
        )

    _build_module = make_module


def _conv_min_length(n_convs, kernel_size, pool_size):
    """Shortest input for which ``n_convs`` of (valid conv, floor pool) leave 1 step."""
    length = 1
    for _ in range(n_convs):
        length = length * pool_size + kernel_size - 1
    return length


@_doc
class CRNNClassifier(PresetMixin, BaseNeuralClassifier):
    """Conv1D + (Bi)LSTM classifier, with Chen and Wang's NN2 and NN3 layouts [1]_.

    Each convolution is ``Conv1d(kernel_size)``, ReLU and
    ``MaxPool1d(pool_size)``: "same"-padded with pooling that stops where the
    sequence runs out by default (any length works), or without padding and
    with floor pooling as in the paper (``padding="valid"``, the presets).
    ``layout="alternating"`` puts LSTM ``i`` (and
    dropout) after convolution ``i`` (NN2); ``layout="sequential"`` puts
    dropout after every convolution and all LSTM layers after the last one
    (NN3). The last LSTM is read at each sequence's true end (true lengths of
    ragged batches are carried through the convolutions), then a dense head
    with ReLU. The defaults are an NN3-like stack sized for any data set.

    Presets (:meth:`from_preset`): ``"nn2"`` (Conv1D 256 / BiLSTM 256, 128/128,
    64/64, dense 32-16), ``"nn3"`` (Conv1D 128-64-32, BiLSTM 16, dense 16), and
    ``"nn2-uni"``, ``"nn3-uni"`` with unidirectional LSTMs.

    With ``padding="valid"`` every sequence needs at least
    ``((1 * p + k - 1) * p + k - 1) ...`` timesteps (``n`` times for ``n``
    convolutions, ``k = kernel_size``, ``p = pool_size``): 211 for NN2/NN3.

    Parameters
    ----------
    conv_channels : tuple of int, default=(64, 64, 64)
        Filters of each convolution.
    hidden_size : int or tuple of int, default=64
        Hidden units per direction of each LSTM layer; with
        ``layout="alternating"`` one per convolution (an int is repeated).
    layout : {"sequential", "alternating"}, default="sequential"
    kernel_size : int, default=5
    pool_size : int, default=2
    padding : {"same", "valid"}, default="same"
    bidirectional : bool, default=True
    dropout : float, default=0.2
    dense : tuple of int, default=()
    {training}
    {attributes}

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT (manuscript).

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

    _presets = {
        "nn2": {
            "conv_channels": (256, 128, 64),
            "hidden_size": (256, 128, 64),
            "layout": "alternating",
            "dense": (32, 16),
            "bidirectional": True,
            "kernel_size": 8,
            "pool_size": 4,
            "padding": "valid",
            "dropout": 0.2,
        },
        "nn3": {
            "conv_channels": (128, 64, 32),
            "hidden_size": 16,
            "layout": "sequential",
            "dense": (16,),
            "bidirectional": True,
            "kernel_size": 8,
            "pool_size": 4,
            "padding": "valid",
            "dropout": 0.2,
        },
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
        "padding": [StrOptions({"same", "valid"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
    }

    def __init__(
        self,
        conv_channels=(64, 64, 64),
        *,
        hidden_size=64,
        layout="sequential",
        kernel_size=5,
        pool_size=2,
        padding="same",
        bidirectional=True,
        dropout=0.2,
        dense=(),
        normalize="series+stats",
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
        self.conv_channels = conv_channels
        self.hidden_size = hidden_size
        self.layout = layout
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.padding = padding
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense = dense
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

    def _min_timesteps(self):
        if self.padding == "same":
            return 1, None
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
        return CRNNNet(
            n_channels,
            n_outputs,
            convs,
            hidden,
            layout=self.layout,
            kernel_size=self.kernel_size,
            pool_size=self.pool_size,
            bidirectional=bool(self.bidirectional),
            dropout=self.dropout,
            dense=check_sizes("dense", self.dense, allow_empty=True),
            padding=self.padding,
        )

    _build_module = make_module


@_doc
class ResNet1DClassifier(BaseNeuralClassifier):
    """Wang's 1D ResNet classifier [1]_.

    A Conv1d of ``n_filters`` kernels (with BatchNorm and ReLU), ``n_blocks``
    residual blocks (two Conv1d + BatchNorm + ReLU each, identity shortcut,
    ReLU after the sum) with ``pool_size`` max-pooling after every block but
    the last (stopping where the sequence runs out, so any length works),
    adaptive average pooling over time and a linear output layer. Ragged
    batches are zero-padded and the padding is left out of the average.

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
        normalize="series+stats",
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
        self.n_filters = n_filters
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.pool_size = pool_size
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


@_doc
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


@_doc
class RCNNClassifier(BaseNeuralClassifier):
    """Recurrent convolutional network on spectrogram-like sequences (Ke and Wang [1]_).

    Each sequence ``(n_bins, n_frames)`` is one 1-channel image. ``channels``
    conv blocks (Conv2d + BatchNorm + ReLU + MaxPool2d), then ``n_recurrent``
    recurrent convolutional layers (Liang and Hu [2]_: a convolution whose state
    is refined over ``n_steps`` steps with shared recurrent weights; batch norm
    in place of local response normalisation), each followed by dropout, then
    global max pooling and a linear layer. The defaults are Ke and Wang's 2 conv
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

    References
    ----------
    .. [1] B. Ke and H. Wang, "Music Classification with Neural Network", Tsinghua
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


@_doc
class InceptionTimeClassifier(PresetMixin, BaseNeuralClassifier):
    """InceptionTime: inception modules with residual shortcuts (Ismail Fawaz et al., 2020).

    ``depth`` inception modules -- a 1x1 bottleneck, three parallel "same"-padded
    convolutions of decreasing kernel size beside a max-pool + 1x1 branch,
    batch norm and ReLU -- with a residual shortcut around every three, global
    average pooling over time (padding of ragged batches left out) and a linear
    output layer. Any length works. The strongest deep classifier on the UCR/UEA
    archives in its authors' comparison [1]_. Presets (:meth:`from_preset`):
    ``"paper"``, the published sizes. The paper's ensemble of five networks
    is left to sklearn (e.g. :class:`~sklearn.ensemble.VotingClassifier` over
    clones with different ``random_state``).

    Parameters
    ----------
    n_filters : int, default=16
        Filters of each of the four branches of a module (the paper's 32, in
        ``from_preset("paper")``, costs about four times as much on a CPU).
    depth : int, default=6
        Inception modules.
    kernel_size : int, default=40
        Longest kernel; the three convolutions use ``kernel_size // 2**i``,
        rounded down to an odd size (39, 19, 9 for 40).
    bottleneck : int, default=16
        Channels of the 1x1 bottleneck (0: none).
    residual : bool, default=True
    {training}
    {attributes}

    References
    ----------
    .. [1] H. Ismail Fawaz, B. Lucas, G. Forestier, C. Pelletier, D. F. Schmidt,
       J. Weber, G. I. Webb, L. Idoumghar, P.-A. Muller and F. Petitjean,
       "InceptionTime: Finding AlexNet for time series classification", Data
       Mining and Knowledge Discovery 34, 1936-1962, 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import InceptionTimeClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(40, 2, 32); y = np.arange(40) % 2; X[y == 1, :, ::4] += 2
    >>> clf = InceptionTimeClassifier(n_filters=4, depth=3, max_epochs=20,
    ...                               random_state=0).fit(X, y)
    >>> float(clf.score(X, y)) > 0.9
    True
    """

    _presets = {
        # the published network: 32 filters a branch, bottleneck 32, batches of 64
        "paper": {
            "n_filters": 32,
            "depth": 6,
            "kernel_size": 40,
            "bottleneck": 32,
            "residual": True,
            "batch_size": 64,
            "max_timesteps": None,
        },
    }
    _parameter_constraints = {
        **_TRAINING_CONSTRAINTS,
        "n_filters": [Interval(Integral, 1, None, closed="left")],
        "depth": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "bottleneck": [Interval(Integral, 0, None, closed="left")],
        "residual": ["boolean"],
    }

    def __init__(
        self,
        n_filters=16,
        *,
        depth=6,
        kernel_size=40,
        bottleneck=16,
        residual=True,
        normalize="series+stats",
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
        self.n_filters = n_filters
        self.depth = depth
        self.kernel_size = kernel_size
        self.bottleneck = bottleneck
        self.residual = residual
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

    def _kernel_sizes(self):
        sizes = []
        for i in range(3):
            k = max(1, self.kernel_size // 2**i)
            sizes.append(k if k % 2 else k - 1 if k > 1 else 1)
        return tuple(sizes)

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained).

        Parameters
        ----------
        n_channels : int
        n_outputs : int

        Returns
        -------
        module : InceptionTimeNet
        """
        return InceptionTimeNet(
            n_channels,
            n_outputs,
            n_filters=self.n_filters,
            depth=self.depth,
            kernel_sizes=self._kernel_sizes(),
            bottleneck=self.bottleneck,
            residual=bool(self.residual),
        )

    _build_module = make_module
