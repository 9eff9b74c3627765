"""Window-to-next-values generators: SequenceForecaster and WaveformGenerator."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..nn.base import BaseNeuralEstimator, PresetMixin, fill_doc
from ..nn.data import SequenceDataset, inference
from ..nn.generative import ConvBiGRUWaveNet, ConvLSTMForecastNet
from ..nn.preprocessing import channel_stats, normalize_batch
from ..utils.validation import check_positive_int, settle_input
from ._base import check_temperature, regression_windows, validate_prompt

__all__ = ["SequenceForecaster", "WaveformGenerator"]


class _WindowGenerator(BaseNeuralEstimator):
    """Predicts the ``horizon`` steps after a ``width``-step window; rolls forward.

    Values are standardised per channel with the training data's mean and
    standard deviation (``mean_``, ``scale_``) before they reach the network,
    and mapped back after; :meth:`score` is in the data's own units.
    """

    _criterion = torch.nn.MSELoss

    def _hop(self):
        return self.hop if self.hop is not None else self.horizon

    def _min_timesteps(self):
        return self.width + self.horizon, (
            f"width={self.width} steps in, horizon={self.horizon} out"
        )

    def _check_params(self):
        pass

    def _build_module(self, n_channels, n_outputs):
        return self.make_module(n_channels)

    def _fit_scaling(self, batch):
        self.mean_, self.scale_ = channel_stats(batch)

    def _scaled(self, arr):
        """``arr`` of shape (..., n_channels, n_timesteps) in the network's units."""
        return normalize_batch(arr, "channel", mean=self.mean_, scale=self.scale_)

    def _training_data(self, scaled):
        """(dataset, owner): the training windows and the sequence of each."""
        inputs, targets, owner = regression_windows(
            scaled, self.width, self.horizon, self._hop(), owners=True
        )
        dataset = SequenceDataset(torch.from_numpy(inputs), None, torch.from_numpy(targets))
        return dataset, owner

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on every window of the sequences.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps), \
                (n_sequences, n_timesteps), or list of array-like of shape \
                (n_channels, n_timesteps_i)
            Training sequences, each at least ``width + horizon`` steps long.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_params()
        batch = self._validate_X(X, reset=True)
        self._fit_scaling(batch)
        dataset, owner = self._training_data([self._scaled(s) for s in batch])
        # whole sequences are held out: their windows overlap
        self._fit_net(dataset, n_channels=self.n_channels_in_, n_outputs=self.horizon, groups=owner)
        return self

    def _predict_scaled(self, windows):
        """Network outputs for scaled windows ``(n, C, width)``, scaled units."""
        X = torch.from_numpy(np.ascontiguousarray(windows, np.float32))
        return self._predict_batches(X).double().numpy()

    def _errors(self, X):
        """Per sequence, the squared errors of predicting every ``horizon``
        steps (after the first window) from the window before them."""
        check_is_fitted(self, "net_")
        batch = self._validate_X(X, reset=False)
        errors = []
        for seq in batch:
            scaled = self._scaled(seq)
            inputs, targets = regression_windows([scaled], self.width, self.horizon, self.horizon)
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
        ``X`` from the ``width`` steps before them (higher is better).

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

    def _prompts(self, prompt):
        """(list of 2D prompts, whether one prompt was given)."""
        arr = prompt if isinstance(prompt, (list, tuple)) else np.asarray(prompt)
        one = (
            isinstance(arr, np.ndarray)
            and arr.ndim in (1, 2)
            and not (arr.ndim == 2 and self.n_channels_in_ == 1 and arr.shape[0] > 1)
        )
        if isinstance(arr, np.ndarray) and arr.ndim == 2 and one:
            arr = arr[np.newaxis]
        prompts, _ = validate_prompt(self, arr, min_length=self.width, what=f"width={self.width}")
        return prompts, one

    def predict(self, X):
        """The ``horizon`` steps after the end of every sequence (the expected
        values for a regression head).

        Parameters
        ----------
        X : batch of sequences, each at least ``width`` steps long
            Only the last ``width`` steps of each are read.

        Returns
        -------
        y : ndarray of shape (n_sequences, n_channels, horizon)
        """
        check_is_fitted(self, "net_")
        settle_input(X, type(self).__name__)  # a lone 1D array is no batch
        prompts, _ = validate_prompt(self, X, min_length=self.width, what=f"width={self.width}")
        windows = np.stack([self._scaled(p[:, -self.width :]) for p in prompts])
        pred = self._predict_scaled(windows)
        return pred * self.scale_[None, :, None] + self.mean_[None, :, None]

    def forecast(self, prompt, n_steps):
        """Roll the model forward from a prompt, feeding back what it predicted.

        Parameters
        ----------
        prompt : array-like of shape (n_timesteps,) or (n_channels, n_timesteps) \
                for one sequence, or a batch of them
            At least ``width`` steps; only the last ``width`` are read.
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
        prompts, one = self._prompts(prompt)
        windows = np.stack([self._scaled(p[:, -self.width :]) for p in prompts])
        steps = []
        done = 0
        while done < n_steps:
            pred = self._predict_scaled(windows)
            steps.append(pred)
            windows = np.concatenate([windows, pred], axis=2)[:, :, -self.width :]
            done += self.horizon
        out = np.concatenate(steps, axis=2)[:, :, :n_steps]
        out = out * self.scale_[None, :, None] + self.mean_[None, :, None]
        out = out.astype(np.float32)
        return out[0] if one else out


@fill_doc
class SequenceForecaster(_WindowGenerator):
    """Conv1D + LSTM forecaster of a note-feature sequence.

    The next-note generator of Chen and Wang [1]_: one Conv1D layer ("same"
    padding, ReLU) and one LSTM read the last ``width`` steps of a sequence
    (e.g. the pitches of a melody, from :class:`skmusic.features.NoteSequence`);
    a linear layer predicts the next ``horizon`` values of every channel,
    trained with mean squared error on every window of the training sequences
    (``hop`` steps apart). :meth:`forecast` rolls it forward, feeding back its
    own predictions, as the paper's Figures 4-7 do;
    :func:`skmusic.plotting.plot_forecast` draws forecast against truth.

    :meth:`score` is the negative mean squared error of predicting each
    ``horizon`` steps of held-out sequences from the ``width`` steps before
    them, so ``GridSearchCV`` tunes it like a regressor.

    Parameters
    ----------
    width : int, default=32
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

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT course project report (undated;
       cites work up to 2019).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import SequenceForecaster
    >>> t = np.arange(400)
    >>> X = [60 + 5 * np.sin(2 * np.pi * (t + p) / 16) for p in range(4)]
    >>> model = SequenceForecaster(width=16, hidden_size=16, conv_channels=8, hop=4,
    ...                            max_epochs=30, lr=0.01, random_state=0).fit(X)
    >>> model.forecast(X[0][:32], n_steps=8).shape
    (1, 8)
    >>> bool(model.score(X) > -1.0)           # mean squared error below 1 semitone^2
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        "width": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "conv_channels": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        width=32,
        *,
        horizon=1,
        hop=1,
        conv_channels=32,
        kernel_size=3,
        hidden_size=64,
        dropout=0.0,
        max_epochs=50,
        batch_size=64,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=10,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.width = width
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
            n_channels,
            self.horizon,
            conv_channels=self.conv_channels,
            kernel_size=self.kernel_size,
            hidden_size=self.hidden_size,
            dropout=self.dropout,
        )


_MU = 255  # 8-bit mu-law: 256 classes


def _mulaw_ids(scaled):
    """Class ids 0..255 (float32) of audio in [-1, 1]."""
    import librosa

    # in float64: in float32, librosa rounds a full-scale sample into level 256
    scaled = np.clip(np.asarray(scaled, dtype=np.float64), -1.0, 1.0)
    q = librosa.mu_compress(scaled, mu=_MU, quantize=True)
    return (q + (_MU + 1) // 2).astype(np.float32)


def _next_sample_log_likelihood(module, windows, lengths=None):
    """log p of the true next samples of ``windows`` (context, then the targets)."""
    logp = torch.log_softmax(module(windows).double(), dim=1)
    horizon = logp.shape[-1]
    target = windows[:, 0, -horizon:].long()
    return logp.gather(1, target[:, None])[:, 0]


def _mulaw_audio(ids):
    """Audio in [-1, 1] of class ids 0..255."""
    import librosa

    return librosa.mu_expand(
        np.asarray(ids, dtype=np.int64) - (_MU + 1) // 2, mu=_MU, quantize=True
    )


@fill_doc
class WaveformGenerator(PresetMixin, _WindowGenerator):
    """Raw-waveform generator: Conv1D, a bidirectional GRU, and a sampled output.

    The waveform network of Doyle and Lopez [1]_: a strided Conv1D
    (``kernel_size``, ``conv_stride``, ReLU) shortens the ``width`` samples of
    context that a bidirectional GRU reads; its final states summarise the
    context, from which the next ``horizon`` samples are predicted. It is
    rolled forward from a prompt by :meth:`sample`, as the paper built 5 s
    clips from a 0.9 s seed; write them with :func:`skmusic.io.write_wav`.

    The output (``output``):

    * ``"mulaw"`` (default): every next sample is one of 256 8-bit μ-law levels,
      as in WaveNet [2]_; a small GRU decoder started from the context summary
      predicts the ``horizon`` samples one at a time, each from the
      ``lookback`` samples before it, and :meth:`sample` *draws* them (with ``temperature``), so the
      roll-out keeps the loudness and texture of the training audio.
      :meth:`score` is the mean log-likelihood per sample (nats) of held-out
      audio, each ``horizon`` samples predicted from the ``width`` before.
      Audio is divided by the training audio's peak (``scale_``) into [-1, 1].
    * ``"mse"`` (the paper's): a linear layer to the ``horizon`` samples,
      trained with mean squared error. It predicts the average of the futures a
      context allows, so its roll-outs fade toward silence. :meth:`score` is
      the negative mean squared error; audio is standardised (``mean_``,
      ``scale_``).

    Presets (:meth:`from_preset`): ``"gtzan"`` is the paper's framing at
    10 kHz, 0.9 s (9000 samples) in and 0.1 s (1000) out, with the MSE head.

    Parameters
    ----------
    width : int, default=4500
        Samples of context read.
    horizon : int, default=500
        Samples predicted per context.
    sr : int, default=10000
        Sampling rate of the audio (resample to it first, e.g. with
        ``AudioLoader(sr=10000)``); used to turn ``seconds`` into samples.
    output : {"mulaw", "mse"}, default="mulaw"
        The categorical μ-law output or the paper's regression output.
    hop : int, default=None
        Samples between training windows; ``None`` is ``horizon``.
    conv_channels : int, default=32
    kernel_size : int, default=64
    conv_stride : int, default=32
        The convolution's step: the GRU reads ``width / conv_stride`` steps.
    hidden_size : int, default=64
        Units per GRU direction.
    num_layers : int, default=1
    decoder_size : int, default=64
        Units of the μ-law output's sample-level GRU (unused with ``"mse"``).
    lookback : int, default=128
        Samples of the recent past the μ-law output's GRU reads at every step
        (besides the context summary), so it can carry a pitch period of up to
        ``lookback`` samples forward (unused with ``"mse"``).
    {training}

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (1,)
        How the training audio is scaled: its mean and standard deviation
        (``"mse"``), or 0 and its peak (``"mulaw"``).
    n_channels_in_ : int
        Always 1 (mono).
    n_features_in_ : int
        Only for 2D array input.
    net_ : skorch.NeuralNet

    References
    ----------
    .. [1] L. Doyle and R. A. Lopez, "Genre Classification and Generation of
       Music Samples via Neural Networks", course project report (undated).
    .. [2] A. van den Oord et al., "WaveNet: A Generative Model for Raw Audio",
       arXiv:1609.03499, 2016 (the 8-bit mu-law categorical output).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import WaveformGenerator
    >>> t = np.arange(4000) / 1000
    >>> X = np.stack([np.sin(2 * np.pi * 50 * t + p) for p in range(4)])[:, None]
    >>> gen = WaveformGenerator(width=90, horizon=10, sr=1000, kernel_size=8,
    ...                         conv_stride=4, hidden_size=16, max_epochs=5,
    ...                         random_state=0).fit(X)
    >>> clip = gen.sample(X[0, :, :90], seconds=0.5)
    >>> clip.shape
    (1, 500)
    >>> bool(clip.std() > 0.3)                 # a drawn waveform, not a fading mean
    True
    """

    _presets: ClassVar[dict] = {
        "gtzan": {
            "width": 9000,
            "horizon": 1000,
            "sr": 10000,
            "output": "mse",
            "conv_channels": 32,
            "kernel_size": 32,
            "conv_stride": 16,
            "hidden_size": 64,
            "num_layers": 1,
        },
    }
    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        "width": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "sr": [Interval(Integral, 1, None, closed="left")],
        "output": [StrOptions({"mulaw", "mse"})],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "conv_channels": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "conv_stride": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "decoder_size": [Interval(Integral, 1, None, closed="left")],
        "lookback": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        width=4500,
        *,
        horizon=500,
        sr=10000,
        output="mulaw",
        hop=None,
        conv_channels=32,
        kernel_size=64,
        conv_stride=32,
        hidden_size=64,
        num_layers=1,
        decoder_size=64,
        lookback=128,
        max_epochs=50,
        batch_size=32,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=5,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.width = width
        self.horizon = horizon
        self.sr = sr
        self.output = output
        self.hop = hop
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.conv_stride = conv_stride
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.decoder_size = decoder_size
        self.lookback = lookback
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

    @property
    def _criterion(self):
        return torch.nn.CrossEntropyLoss if self.output == "mulaw" else torch.nn.MSELoss

    def _check_params(self):
        if self.kernel_size > self.width:
            raise ValueError(
                f"kernel_size={self.kernel_size} is longer than width={self.width}; "
                "use a smaller kernel_size or a longer width."
            )

    def _check_n_channels(self, n_channels):
        if n_channels != 1:
            raise ValueError(
                f"WaveformGenerator takes mono audio (1 channel), got {n_channels} "
                "channels; mix down first, e.g. AudioLoader(mono=True)."
            )

    def _fit_scaling(self, batch):
        if self.output == "mse":
            return super()._fit_scaling(batch)
        peak = max(float(np.abs(s).max()) for s in batch)
        self.mean_ = np.zeros(1)
        self.scale_ = np.array([peak if peak > 0 else 1.0])

    def _training_data(self, scaled):
        if self.output == "mse":
            return super()._training_data(scaled)
        ids = [_mulaw_ids(s) for s in scaled]
        inputs, targets, owner = regression_windows(
            ids, self.width, self.horizon, self._hop(), owners=True
        )
        X = torch.from_numpy(np.concatenate([inputs, targets], axis=2))
        y = torch.from_numpy(targets[:, 0].astype(np.int64))
        return SequenceDataset(X, None, y), owner

    def make_module(self, n_channels=1):
        """The untrained torch module these parameters describe.

        Returns
        -------
        module : skmusic.nn.generative.ConvBiGRUWaveNet
        """
        return ConvBiGRUWaveNet(
            self.horizon,
            conv_channels=self.conv_channels,
            kernel_size=self.kernel_size,
            conv_stride=self.conv_stride,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            decoder_size=self.decoder_size,
            lookback=self.lookback,
            n_classes=_MU + 1 if self.output == "mulaw" else None,
        )

    def _log_likelihoods(self, X):
        """Per sequence, log p of every sample after the first ``width``."""
        check_is_fitted(self, "net_")
        batch = self._validate_X(X, reset=False)
        out = []
        for seq in batch:
            ids = _mulaw_ids(self._scaled(seq))
            inputs, targets = regression_windows([ids], self.width, self.horizon, self.horizon)
            windows = torch.from_numpy(np.concatenate([inputs, targets], axis=2))
            logp = self._predict_batches(windows, forward=_next_sample_log_likelihood)
            out.append(logp.numpy().ravel())
        return out

    def score_samples(self, X):
        """Per sequence: mean log-likelihood per sample (``"mulaw"``) or
        negative mean squared error (``"mse"``) of the next ``horizon``
        samples from the ``width`` before them.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`

        Returns
        -------
        scores : ndarray of shape (n_sequences,)
        """
        if self.output == "mse":
            return super().score_samples(X)
        return np.array([lp.mean() for lp in self._log_likelihoods(X)])

    def score(self, X, y=None):
        """Mean log-likelihood per predicted sample (``"mulaw"``; natural log,
        over the 256 μ-law levels) or negative mean squared error (``"mse"``)
        of held-out audio, each ``horizon`` samples predicted from the
        ``width`` samples before them. Higher is better.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        if self.output == "mse":
            return super().score(X)
        return float(np.concatenate(self._log_likelihoods(X)).mean())

    def predict(self, X):
        """The next ``horizon`` samples after every waveform: the expected
        values (``"mse"``) or the most likely μ-law level of each sample, given
        the levels chosen before it (``"mulaw"``).

        Parameters
        ----------
        X : batch of waveforms, each at least ``width`` samples long
            Only the last ``width`` samples of each are read.

        Returns
        -------
        y : ndarray of shape (n_sequences, 1, horizon)
        """
        if self.output == "mse":
            return super().predict(X)
        check_is_fitted(self, "net_")
        settle_input(X, type(self).__name__)  # a lone 1D array is no batch
        prompts, _ = validate_prompt(self, X, min_length=self.width, what=f"width={self.width}")
        return self._roll(prompts, self.horizon, temperature=1e-6, random_state=0)

    def _roll(self, prompts, n_out, *, temperature, random_state):
        module = self.net_.module_
        device = next(module.parameters()).device
        rng = check_random_state(random_state)
        gen = torch.Generator(device=device)
        gen.manual_seed(int(rng.randint(np.iinfo(np.int32).max)))
        ids = np.stack([_mulaw_ids(self._scaled(p[:, -self.width :])) for p in prompts])
        window = torch.from_numpy(ids).to(device)
        steps, done = [], 0
        with inference(module):
            while done < n_out:
                n = min(self.horizon, n_out - done)
                new = module.sample(window, n, temperature=temperature, generator=gen)
                steps.append(new.cpu().numpy())
                window = torch.cat([window, new[:, None].float()], dim=2)[:, :, -self.width :]
                done += n
        audio = _mulaw_audio(np.concatenate(steps, axis=1))[:, None, :]
        return (audio * self.scale_[0]).astype(np.float32)

    def sample(self, prompt, *, seconds=5.0, temperature=1.0, random_state=None):
        """Generate ``seconds`` of audio after a prompt, ``horizon`` samples at a time.

        Parameters
        ----------
        prompt : array-like of shape (n_samples,) or (1, n_samples), or a batch \
                of them (n_prompts, 1, n_samples)
            At least ``width`` samples; only the last ``width`` are read.
        seconds : float, default=5.0
            Length of the generated audio (at ``sr``).
        temperature : float, default=1.0
            ``"mulaw"``: the logits are divided by it before each draw (below 1
            is more conservative). Must be positive; ignored by ``"mse"``,
            which is deterministic.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        audio : ndarray of shape (1, n_out) for one prompt, or (n_prompts, 1, n_out)
            ``n_out = round(seconds * sr)``; the prompt is not repeated.
        """
        if (
            not isinstance(seconds, Real)
            or isinstance(seconds, bool)
            or not np.isfinite(seconds)
            or seconds <= 0
        ):
            raise ValueError(f"seconds must be a positive number, got {seconds!r}.")
        temperature = check_temperature(temperature)
        n_out = max(round(seconds * self.sr), 1)
        if self.output == "mse":
            return self.forecast(prompt, n_out)
        check_is_fitted(self, "net_")
        prompts, one = self._prompts(prompt)
        state = self.random_state if random_state is None else random_state
        audio = self._roll(prompts, n_out, temperature=temperature, random_state=state)
        return audio[0] if one else audio
