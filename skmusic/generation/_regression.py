"""Window-to-next-values generators: SequenceForecaster (seed 000), WaveformGenerator (seed 003)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..nn.base import BaseNeuralEstimator, SequenceDataset
from ..nn.generative import ConvBiGRUWaveNet, ConvLSTMForecastNet
from ..utils.validation import validate_batch
from ._base import (
    check_dense_batch,
    check_min_length,
    check_positive_int,
    regression_windows,
    validate_prompt,
)

__all__ = ["SequenceForecaster", "WaveformGenerator"]

_TRAINING_DOC = """
    max_epochs : int, default={max_epochs}
    batch_size : int, default={batch_size}
        Windows per mini-batch.
    lr : float, default={lr}
    optimizer : {{"adam", "adamw", "sgd", "rmsprop", "adadelta"}} or torch optimizer class, \
default="adam"
    validation_fraction : float in (0, 1), default=None
        Share of the training windows scored every epoch (``valid_loss`` in
        ``net_.history``); the best weights are kept.
    patience : int, default=None
        Early-stopping patience (epochs).
    callbacks : list of skorch callbacks, default=None
    device : str, default="auto"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds torch; a fixed value makes two fits forecast identically.
"""


def _doc(cls):
    cls.__doc__ = cls.__doc__.replace("{training}", _TRAINING_DOC.format(**cls._defaults))
    return cls


class _WindowGenerator(BaseNeuralEstimator):
    """Predicts the ``horizon`` steps after a ``window``-step window; rolls forward.

    Values are standardised per channel with the training data's mean and
    standard deviation (``mean_``, ``scale_``) before they reach the network,
    and mapped back after; :meth:`score` is in the data's own units.
    """

    _criterion = torch.nn.MSELoss
    _window_param = "window"

    @property
    def _window(self):
        return getattr(self, self._window_param)

    def _hop(self):
        return self.hop if self.hop is not None else self.horizon

    def _min_timesteps(self):
        return self._window + self.horizon, (
            f"{self._window_param}={self._window} steps in, horizon={self.horizon} out"
        )

    def _check_params(self):
        pass

    def _validate_X(self, X, *, reset):
        check_dense_batch(self, X)
        batch = validate_batch(self, X, reset=reset)
        check_min_length(X, batch, *self._min_timesteps())
        if reset:
            self._check_n_channels(batch[0].shape[0])
        return batch

    def _scaled(self, arr):
        return (arr - self.mean_[:, None]) / self.scale_[:, None]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on every window of the sequences.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps), \
                (n_sequences, n_timesteps), or list of array-like of shape \
                (n_channels, n_timesteps_i)
            Training sequences, each at least ``window + horizon`` steps long.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_params()
        batch = self._validate_X(X, reset=True)
        flat = np.concatenate([s for s in batch], axis=1).astype(np.float64)
        self.mean_ = flat.mean(axis=1)
        std = flat.std(axis=1)
        self.scale_ = np.where(std > 0, std, 1.0)
        scaled = [self._scaled(s.astype(np.float64)) for s in batch]
        inputs, targets = regression_windows(scaled, self._window, self.horizon, self._hop())
        dataset = SequenceDataset(torch.from_numpy(inputs), None, torch.from_numpy(targets))
        self._fit_net(lambda: self.make_module(self.n_channels_in_), dataset)
        return self

    def _predict_scaled(self, windows):
        """Network outputs for scaled windows ``(n, C, window)``, scaled units."""
        module = self.net_.module_
        device = next(module.parameters()).device
        module.eval()
        outs = []
        with torch.no_grad():
            for start in range(0, len(windows), self.batch_size):
                xb = torch.from_numpy(
                    np.ascontiguousarray(windows[start : start + self.batch_size], np.float32)
                )
                outs.append(module(xb.to(device)).double().cpu().numpy())
        return np.concatenate(outs)

    def _errors(self, X):
        """Per sequence, the squared errors of predicting every ``horizon``
        steps (after the first window) from the window before them."""
        check_is_fitted(self, "net_")
        batch = self._validate_X(X, reset=False)
        errors = []
        for seq in batch:
            scaled = self._scaled(seq.astype(np.float64))
            inputs, targets = regression_windows(
                [scaled], self._window, self.horizon, self.horizon
            )
            pred = self._predict_scaled(inputs)
            diff = (pred - targets) * self.scale_[None, :, None]
            errors.append(diff**2)
        return errors

    def score_samples(self, X):
        """Negative mean squared error of the one-step-ahead predictions of
        every sequence.

        Parameters
        ----------
        X : batch of sequences, as in :meth:`fit`

        Returns
        -------
        scores : ndarray of shape (n_sequences,)
        """
        return np.array([-e.mean() for e in self._errors(X)])

    def score(self, X, y=None):
        """Negative mean squared error of predicting each ``horizon`` steps of
        ``X`` from the ``window`` steps before them (higher is better).

        Parameters
        ----------
        X : batch of sequences, as in :meth:`fit`
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        return float(-np.concatenate([e.ravel() for e in self._errors(X)]).mean())

    def predict(self, X):
        """The ``horizon`` steps after the end of every sequence.

        Parameters
        ----------
        X : batch of sequences, each at least ``window`` steps long
            Only the last ``window`` steps of each are read.

        Returns
        -------
        y : ndarray of shape (n_sequences, n_channels, horizon)
        """
        check_is_fitted(self, "net_")
        check_dense_batch(self, X)
        prompts, _ = validate_prompt(
            self, X, min_length=self._window, what=f"{self._window_param}={self._window}"
        )
        windows = np.stack([self._scaled(p[:, -self._window :].astype(np.float64)) for p in prompts])
        pred = self._predict_scaled(windows)
        return pred * self.scale_[None, :, None] + self.mean_[None, :, None]

    def forecast(self, prompt, n_steps):
        """Roll the model forward from a prompt, feeding back what it predicted.

        Parameters
        ----------
        prompt : array-like of shape (n_timesteps,) or (n_channels, n_timesteps) \
                for one sequence, or a batch of them
            At least ``window`` steps; only the last ``window`` are read.
        n_steps : int
            Steps to generate.

        Returns
        -------
        forecast : ndarray of shape (n_channels, n_steps) for one prompt, or \
                (n_prompts, n_channels, n_steps) for a batch
            The generated continuation (the prompt is not repeated).
        """
        check_is_fitted(self, "net_")
        n_steps = check_positive_int("n_steps", n_steps)
        arr = prompt if isinstance(prompt, (list, tuple)) else np.asarray(prompt)
        one = isinstance(arr, np.ndarray) and arr.ndim in (1, 2) and not (
            arr.ndim == 2 and self.n_channels_in_ == 1 and arr.shape[0] > 1
        )
        if isinstance(arr, np.ndarray) and arr.ndim == 2 and one:
            arr = arr[np.newaxis]
        prompts, _ = validate_prompt(
            self, arr, min_length=self._window,
            what=f"{self._window_param}={self._window}",
        )
        windows = np.stack(
            [self._scaled(p[:, -self._window :].astype(np.float64)) for p in prompts]
        )
        steps = []
        done = 0
        while done < n_steps:
            pred = self._predict_scaled(windows)
            steps.append(pred)
            windows = np.concatenate([windows, pred], axis=2)[:, :, -self._window :]
            done += self.horizon
        out = np.concatenate(steps, axis=2)[:, :, :n_steps]
        out = out * self.scale_[None, :, None] + self.mean_[None, :, None]
        out = out.astype(np.float32)
        return out[0] if one else out


@_doc
class SequenceForecaster(_WindowGenerator):
    """Conv1D + LSTM forecaster of a note-feature sequence (seed 000's generator).

    One Conv1D layer ("same" padding, ReLU) and one LSTM read the last
    ``window`` steps of a sequence (e.g. the pitches of a melody, from
    :class:`skmusic.features.NoteSequence`); a linear layer predicts the next
    ``horizon`` values of every channel, trained with mean squared error on
    every window of the training sequences (``hop`` steps apart).
    :meth:`forecast` rolls it forward, feeding back its own predictions, as the
    paper's Figures 4-7 do; :func:`skmusic.plotting.plot_forecast` draws forecast against truth.

    :meth:`score` is the negative mean squared error of predicting each
    ``horizon`` steps of held-out sequences from the ``window`` steps before
    them, so ``GridSearchCV`` tunes it like a regressor.

    Parameters
    ----------
    window : int, default=32
        Steps of context.
    horizon : int, default=1
        Steps predicted at once.
    hop : int, default=1
        Steps between training windows; ``None`` is ``horizon``.
    conv_channels : int, default=32
    kernel_size : int, default=3
    hidden_size : int, default=64
    dropout : float, default=0.0
        Before the output layer.
    {training}

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_channels_in_,)
        Per-channel standardisation of the training data.
    n_channels_in_ : int
    n_features_in_ : int
        Only for 2D array input.
    net_ : skorch.NeuralNet

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import SequenceForecaster
    >>> t = np.arange(400)
    >>> X = [60 + 5 * np.sin(2 * np.pi * (t + p) / 16) for p in range(4)]
    >>> model = SequenceForecaster(window=16, hidden_size=16, conv_channels=8, hop=4,
    ...                            max_epochs=30, lr=0.01, random_state=0).fit(X)
    >>> model.forecast(X[0][:32], n_steps=8).shape
    (1, 8)
    >>> bool(model.score(X) > -1.0)           # mean squared error below 1 semitone^2
    True
    """

    _defaults = {"max_epochs": 50, "batch_size": 64, "lr": 0.003}
    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "conv_channels": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, window=32, *, horizon=1, hop=1, conv_channels=32, kernel_size=3,
                 hidden_size=64, dropout=0.0, max_epochs=50, batch_size=64, lr=0.003,
                 optimizer="adam", validation_fraction=None, patience=None, callbacks=None,
                 device="auto", verbose=0, random_state=None):
        self.window = window
        self.horizon = horizon
        self.hop = hop
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.hidden_size = hidden_size
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

    def make_module(self, n_channels):
        """The untrained torch module these parameters describe.

        Parameters
        ----------
        n_channels : int

        Returns
        -------
        module : skmusic.nn.generative.ConvLSTMForecastNet
        """
        return ConvLSTMForecastNet(
            n_channels, self.horizon, conv_channels=self.conv_channels,
            kernel_size=self.kernel_size, hidden_size=self.hidden_size,
            dropout=self.dropout,
        )


@_doc
class WaveformGenerator(_WindowGenerator):
    """Raw-waveform generator: Conv1D then a bidirectional GRU (seed 003).

    Reads ``context`` samples of audio (seed 003: 0.9 s at 10 kHz, 9000) and
    predicts the next ``horizon`` samples (0.1 s, 1000), trained with mean
    squared error on windows ``hop`` samples apart. A strided Conv1D
    (``kernel_size``, ``conv_stride``, ReLU) shortens what the bidirectional
    GRU reads; its final states feed a linear layer. :meth:`sample` rolls it
    forward from a prompt to ``seconds`` of audio, as the paper built 5 s clips
    from a 0.9 s seed; write them with :func:`skmusic.io.write_wav`. Waveforms
    are standardised with the training audio's mean and standard deviation.

    :meth:`score` is the negative mean squared error of the next ``horizon``
    samples of held-out audio (in the audio's units); compare it with
    repeating the last ``horizon`` samples.

    Parameters
    ----------
    context : int, default=9000
        Samples read.
    horizon : int, default=1000
        Samples predicted at once.
    sr : int, default=10000
        Sampling rate of the audio (resample to it first, e.g. with
        ``AudioLoader(sr=10000)``); used to turn ``seconds`` into samples.
    hop : int, default=None
        Samples between training windows; ``None`` is ``horizon``.
    conv_channels : int, default=32
    kernel_size : int, default=32
    conv_stride : int, default=16
    hidden_size : int, default=64
        Units per GRU direction.
    num_layers : int, default=1
    {training}

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (1,)
        Standardisation of the training audio.
    n_channels_in_ : int
        Always 1 (mono).
    n_features_in_ : int
        Only for 2D array input.
    net_ : skorch.NeuralNet

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import WaveformGenerator
    >>> t = np.arange(4000) / 1000
    >>> X = np.stack([np.sin(2 * np.pi * 50 * t + p) for p in range(4)])[:, None]
    >>> gen = WaveformGenerator(context=90, horizon=10, sr=1000, kernel_size=8,
    ...                         conv_stride=4, hidden_size=16, max_epochs=5,
    ...                         random_state=0).fit(X)
    >>> gen.sample(X[0, :, :90], seconds=0.5).shape
    (1, 500)
    """

    _defaults = {"max_epochs": 50, "batch_size": 32, "lr": 0.001}
    _window_param = "context"
    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "context": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "conv_channels": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "conv_stride": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, context=9000, *, horizon=1000, sr=10000, hop=None, conv_channels=32,
                 kernel_size=32, conv_stride=16, hidden_size=64, num_layers=1,
                 max_epochs=50, batch_size=32, lr=0.001, optimizer="adam",
                 validation_fraction=None, patience=None, callbacks=None, device="auto",
                 verbose=0, random_state=None):
        self.context = context
        self.horizon = horizon
        self.sr = sr
        self.hop = hop
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.conv_stride = conv_stride
        self.hidden_size = hidden_size
        self.num_layers = num_layers
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

    def _check_params(self):
        if self.kernel_size > self.context:
            raise ValueError(
                f"kernel_size={self.kernel_size} is longer than context={self.context}; "
                "use a smaller kernel_size or a longer context."
            )

    def _check_n_channels(self, n_channels):
        if n_channels != 1:
            raise ValueError(
                f"WaveformGenerator takes mono audio (1 channel), got {n_channels} "
                "channels; mix down first, e.g. AudioLoader(mono=True)."
            )

    def make_module(self, n_channels=1):
        """The untrained torch module these parameters describe.

        Returns
        -------
        module : skmusic.nn.generative.ConvBiGRUWaveNet
        """
        return ConvBiGRUWaveNet(
            self.horizon, conv_channels=self.conv_channels, kernel_size=self.kernel_size,
            conv_stride=self.conv_stride, hidden_size=self.hidden_size,
            num_layers=self.num_layers,
        )

    def sample(self, prompt, *, seconds=5.0):
        """Generate ``seconds`` of audio after a prompt, ``horizon`` samples at a time.

        Parameters
        ----------
        prompt : array-like of shape (n_samples,) or (1, n_samples), or a batch \
                of them (n_prompts, 1, n_samples)
            At least ``context`` samples; only the last ``context`` are read.
        seconds : float, default=5.0
            Length of the generated audio (at ``sr``).

        Returns
        -------
        audio : ndarray of shape (1, n_out) for one prompt, or (n_prompts, 1, n_out)
            ``n_out = round(seconds * sr)``; the prompt is not repeated.
        """
        if not isinstance(seconds, Real) or not np.isfinite(seconds) or seconds <= 0:
            raise ValueError(f"seconds must be a positive number, got {seconds!r}.")
        n_out = max(int(round(seconds * self.sr)), 1)
        return self.forecast(prompt, n_out)
