"""Recurrent classifiers: stacked (Bi)LSTM and Conv1D + (Bi)LSTM (Chen and Wang's NN1-NN3)."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..utils.validation import check_sizes
from .base import BaseNeuralClassifier, PresetMixin, fill_doc
from .modules import CRNNNet, LSTMNet

__all__ = ["CRNNClassifier", "LSTMClassifier"]

_TRAINING_CONSTRAINTS = BaseNeuralClassifier._parameter_constraints


def _check_dropout(value):
    if not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"dropout must be a float in [0, 1), got {value!r}.")


@fill_doc
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
    Presets standardize each channel with the training data's statistics
    (``normalize="channel"``, as the papers fed their raw values), so the
    network has exactly the published layout and still sees each sequence's
    level (``"series"`` would drop it: the note-series presets fell to chance).

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
    .. [3] K. Bai and H. Wang, "Music Classification with Neural Network", Tsinghua
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
            "normalize": "channel",
            "hidden_size": 32,
            "num_layers": None,
            "bidirectional": False,
            "dense": (32, 32, 16, 32),
            "dropout": 0.1,
        },
        "eeg-3layer": {
            "normalize": "channel",
            "hidden_size": 64,
            "num_layers": 3,
            "bidirectional": False,
            "dense": (64, 32, 64),
            "dropout": 0.1,
        },
        "gtzan": {
            "normalize": "channel",
            "hidden_size": 80,
            "num_layers": 2,
            "bidirectional": False,
            "dense": (40,),
            "dropout": 0.0,
        },
        "nn1": {
            "normalize": "channel",
            "hidden_size": (256, 128, 64),
            "num_layers": None,
            "bidirectional": True,
            "dense": (128, 64),
            "dropout": 0.2,
        },
        "nn1-uni": {
            "normalize": "channel",
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


@fill_doc
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
    Presets standardize each channel with the training data's statistics
    (``normalize="channel"``, as the papers fed their raw values), so the
    network has exactly the published layout and still sees each sequence's
    level (``"series"`` would drop it: the note-series presets fell to chance).

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
            "normalize": "channel",
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
            "normalize": "channel",
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
