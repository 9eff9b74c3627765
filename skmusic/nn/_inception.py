"""InceptionTime (Ismail Fawaz et al., 2020) as a classifier."""

from numbers import Integral

from sklearn.utils._param_validation import Interval

from .base import BaseNeuralClassifier, EnsembleMixin, PresetMixin, fill_doc
from .modules import InceptionTimeNet

__all__ = ["InceptionTimeClassifier"]


@fill_doc
class InceptionTimeClassifier(PresetMixin, EnsembleMixin, BaseNeuralClassifier):
    """InceptionTime: inception modules with residual shortcuts (Ismail Fawaz et al., 2020).

    ``depth`` inception modules -- a 1x1 bottleneck, three parallel "same"-padded
    convolutions of decreasing kernel size beside a max-pool + 1x1 branch,
    batch norm and ReLU -- with a residual shortcut around every three, global
    average pooling over time (padding of ragged batches left out) and a linear
    output layer. Any length works. The strongest deep classifier on the UCR/UEA
    archives in its authors' comparison [1]_. Presets (:meth:`from_preset`):
    ``"paper"``, the published sizes, each series z-normalized
    (``normalize="series"``, as the UCR/UEA archives are), with the paper's
    ensemble of five networks (``n_estimators=5``).

    Its defaults are shorter than the paper's: kernels of 19, 9 and 5 steps
    (``kernel_size=20``, the paper's 40 in ``from_preset("paper")``) and
    ``max_epochs=50`` (as :class:`ResNet1DClassifier`; the cosine schedule
    anneals before early stopping ends a run). On PLAID and OSULeaf
    (``benchmarks/results/peers_series.md``, one torch thread) that halved the
    fit time (PLAID 121-132 s against 239 s, OSULeaf 78 s against 206 s) and
    was more accurate (PLAID 0.896 and 0.877 at ``random_state`` 0 and 1
    against 0.853 at 0 with the paper's kernels and 100 epochs; OSULeaf 0.950
    against 0.901), the same on ArrowHead and 0.02 below on BasicMotions
    (0.925-0.975 against 0.950-1.000 over three seeds).

    Inside, it runs as a 2-D network of height 1 in channels-last memory
    (:class:`~skmusic.nn.modules.InceptionModule`), where torch's CPU
    convolutions and max-pool are two to three times as fast for its narrow,
    long kernels: a default fit on PLAID takes 82 s instead of 127 s, OSULeaf
    43 s instead of 76 s (``peers_series_run.md``, one thread).

    Its ``batch_size`` default is ``"auto"`` (see :class:`ResNet1DClassifier`):
    on BasicMotions 1.000 at three seeds against 0.925-0.975 with batches of 32.

    Its ``n_estimators`` default is ``"auto"`` (see :class:`ResNet1DClassifier`):
    on ArrowHead 0.857 against 0.834 for one network (``random_state=0``).

    Parameters
    ----------
    n_filters : int, default=16
        Filters of each of the four branches of a module (the paper's 32, in
        ``from_preset("paper")``, costs about four times as much on a CPU).
    depth : int, default=6
        Inception modules.
    kernel_size : int, default=20
        Longest kernel; the three convolutions use ``kernel_size // 2**i``,
        rounded down to an odd size (19, 9, 5 for 20; 39, 19, 9 for 40).
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
            "normalize": "series",
            "n_filters": 32,
            "depth": 6,
            "kernel_size": 40,
            "bottleneck": 32,
            "residual": True,
            "batch_size": 64,
            "max_timesteps": None,
            "n_estimators": 5,
        },
    }
    _parameter_constraints = {
        **BaseNeuralClassifier._parameter_constraints,
        **EnsembleMixin._ensemble_constraints,
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
        kernel_size=20,
        bottleneck=16,
        residual=True,
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
        self.depth = depth
        self.kernel_size = kernel_size
        self.bottleneck = bottleneck
        self.residual = residual
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
