"""Spectral audio generators: log-mel frames drawn forward, turned into sound by
Griffin-Lim phase reconstruction (librosa).

* :class:`SpectralGenerator` -- the paper's Conv1D + bidirectional GRU body over
  log-mel frames, a mixture-density output for the next frame (a codebook of
  the training audio's frame types and holds of the last frame; drawn, not
  averaged), rolled forward for clips of any length.
* :class:`MeanSpectrumGenerator` -- the trivial baseline: every frame drawn
  independently from the training audio's per-band mean and spread.
* :func:`mel_to_waveform` -- the inversion both use (:func:`mel_to_stft_power`,
  then Griffin-Lim).
"""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.metrics import pairwise_distances_argmin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..features import MelSpectrogram
from ..nn.base import BaseNeuralEstimator, fill_doc
from ..nn.data import SequenceDataset, inference
from ..nn.spectral_modules import ConvBiGRUFrameNet, MixtureNLLLoss, mixture_log_prob
from ..utils.validation import check_positive_int, settle_input, validate_batch
from ._base import check_temperature, regression_windows

__all__ = ["MeanSpectrumGenerator", "SpectralGenerator", "mel_to_stft_power", "mel_to_waveform"]

_LOG_2PI = np.log(2 * np.pi)


def mel_to_stft_power(mel_power, *, sr, n_fft, n_iter=50, **mel):
    """An STFT power spectrogram whose mel spectrogram is ``mel_power``.

    Fits non-negative bins ``S`` so that ``mel_basis @ S`` matches
    ``mel_power`` in generalised Kullback-Leibler divergence, by Lee and
    Seung's multiplicative updates started from ``mel_basis.T @ mel_power``.
    Unlike the least-squares fit of :func:`librosa.feature.inverse.mel_to_stft`
    (absolute error in power, dominated by the loudest bands) the divergence
    weighs every band by its own level, so quiet bands keep their level in
    dB: on 5-s clips at 10 kHz (64 bands) the mean error of the rebuilt mel
    spectrogram was 0.4 dB against 3.2 dB, in a third of the time.

    Parameters
    ----------
    mel_power : array-like of shape (n_mels, n_frames)
        Mel power spectrogram (not dB).
    sr : int
    n_fft : int
        The analysis that made it.
    n_iter : int, default=50
        Multiplicative updates.
    **mel
        Further :func:`librosa.filters.mel` parameters (``fmin``, ``fmax``,
        ``htk``, ``norm``).

    Returns
    -------
    power : ndarray of shape (1 + n_fft // 2, n_frames), dtype float64

    Examples
    --------
    >>> import numpy as np
    >>> import librosa
    >>> from skmusic.generation import mel_to_stft_power
    >>> basis = librosa.filters.mel(sr=8000, n_fft=512, n_mels=40)
    >>> S = np.random.default_rng(0).random((257, 3))
    >>> rebuilt = mel_to_stft_power(basis @ S, sr=8000, n_fft=512)
    >>> rebuilt.shape, bool(np.allclose(basis @ rebuilt, basis @ S, rtol=0.05))
    ((257, 3), True)
    """
    import librosa

    mel_power = np.asarray(mel_power, dtype=np.float64)
    basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=mel_power.shape[0], **mel).astype(
        np.float64
    )
    tiny = np.finfo(np.float64).tiny
    power = np.maximum(basis.T @ mel_power, tiny)
    norm = np.maximum(basis.sum(axis=0), tiny)[:, None]
    for _ in range(n_iter):
        power *= (basis.T @ (mel_power / np.maximum(basis @ power, tiny))) / norm
    return power


def mel_to_waveform(
    mel_db,
    *,
    sr,
    n_fft,
    hop_length,
    length=None,
    n_iter=32,
    stft_gain=None,
    random_state=None,
    **mel,
):
    """A waveform whose mel spectrogram is ``mel_db``, by Griffin-Lim.

    The dB mel power spectrogram is turned back into power
    (:func:`librosa.db_to_power`), into an STFT power spectrogram by
    :func:`mel_to_stft_power` (non-negative, fitted in relative rather than
    absolute error), and into audio by Griffin-Lim phase reconstruction
    (:func:`librosa.griffinlim`, with its momentum), started from phases drawn
    from ``random_state``.

    Parameters
    ----------
    mel_db : array-like of shape (n_mels, n_frames)
        A :class:`skmusic.features.MelSpectrogram` output (``to_db=True``,
        ``ref=1.0``, ``power=2.0``, centred frames).
    sr : int
        Sampling rate of the audio to make.
    n_fft, hop_length : int
        The analysis that made ``mel_db``.
    length : int, default=None
        Samples of the output; ``None``: ``hop_length * (n_frames - 1)``.
        The frames are cut to the ``1 + length // hop_length`` that cover it,
        or extended by repeating the last frame.
    n_iter : int, default=32
        Griffin-Lim iterations.
    stft_gain : array-like of shape (1 + n_fft // 2,), default=None
        Per-bin gains applied to the least-squares STFT magnitude before
        Griffin-Lim (an equaliser; see :class:`SpectralGenerator`'s
        ``equalize``).
    random_state : int, RandomState instance or None, default=None
        The initial phases.
    **mel
        Further mel filter bank parameters of the analysis (``fmin``,
        ``fmax``, ``htk``, ``norm``).

    Returns
    -------
    waveform : ndarray of shape (1, length), dtype float32

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import MelSpectrogram
    >>> from skmusic.generation import mel_to_waveform
    >>> t = np.arange(8000) / 8000
    >>> tone = (0.5 * np.sin(2 * np.pi * 440 * t))[None, None]
    >>> S = MelSpectrogram(sr=8000, n_fft=512, hop_length=128, n_mels=40).fit_transform(tone)
    >>> y = mel_to_waveform(S[0], sr=8000, n_fft=512, hop_length=128, length=8000,
    ...                     random_state=0)
    >>> y.shape
    (1, 8000)
    """
    import librosa

    mel_db = np.asarray(mel_db, dtype=np.float64)
    if length is not None:
        # the frames that centred analysis gives ``length`` samples: cut, or
        # extend with the last frame
        n_frames = 1 + int(length) // hop_length
        mel_db = mel_db[:, :n_frames]
        if mel_db.shape[1] < n_frames:
            mel_db = np.pad(mel_db, ((0, 0), (0, n_frames - mel_db.shape[1])), mode="edge")
    magnitude = np.sqrt(
        mel_to_stft_power(librosa.db_to_power(mel_db), sr=sr, n_fft=n_fft, **mel)
    ).astype(np.float32)
    if stft_gain is not None:
        magnitude = magnitude * np.asarray(stft_gain, dtype=np.float32)[:, None]
    y = librosa.griffinlim(
        magnitude,
        n_iter=n_iter,
        hop_length=hop_length,
        n_fft=n_fft,
        length=length,
        random_state=check_random_state(random_state),
    )
    return y.astype(np.float32).reshape(1, -1)


def _check_seconds(seconds):
    if (
        not isinstance(seconds, Real)
        or isinstance(seconds, bool)
        or not np.isfinite(seconds)
        or seconds <= 0
    ):
        raise ValueError(f"seconds must be a positive number, got {seconds!r}.")
    return float(seconds)


def _next_frame_log_likelihood(module, X, lengths=None):
    """log p of the last frame of ``X`` given the frames before it."""
    return mixture_log_prob(module(X[..., :-1]), X[..., -1])


def _hold_mixture_log_prob(params, frames, last):
    """Log density of ``frames`` (B, M) under a codebook mixture whose last
    ``len(_HOLD_FACTORS)`` components are *holds*: their mean is ``last``
    (B, M), the frame before, each with its own spread.

    ``params`` is the codebook module's output (logits (B, K + H), means
    (1, K + H, M), log std (1, K + H, M)); the holds' rows of the means are
    placeholders the window's last frame replaces.
    """
    logits, means, log_std = params
    n_codes = logits.shape[1] - _N_HOLDS
    codes = mixture_log_prob(
        (logits[:, :n_codes], means[:, :n_codes], log_std[:, :n_codes]), frames
    )
    hold_log_std = log_std[0, n_codes:]  # (H, M)
    z = (frames - last)[:, None, :] * torch.exp(-hold_log_std)
    holds = (-0.5 * z.pow(2) - hold_log_std).sum(-1) - 0.5 * frames.shape[-1] * _LOG_2PI
    parts = torch.cat(
        [
            (codes + torch.logsumexp(logits[:, :n_codes], dim=-1))[:, None],
            logits[:, n_codes:] + holds,
        ],
        dim=1,
    )
    return torch.logsumexp(parts, dim=1) - torch.logsumexp(logits, dim=-1)


def _next_frame_log_likelihood_with_hold(module, X, lengths=None):
    """As :func:`_next_frame_log_likelihood`, the hold's mean the frame before the last."""
    return _hold_mixture_log_prob(module(X[..., :-1]), X[..., -1], X[..., -2])


class _HoldMixtureNLLLoss(torch.nn.Module):
    """Mean negative log-likelihood per value of the next frames under the
    codebook mixture with a hold component; the target ``(B, 2, M)`` holds
    each next frame and the window's last frame."""

    def forward(self, params, target):
        return (
            -_hold_mixture_log_prob(params, target[:, 0], target[:, 1]).mean() / (target.shape[-1])
        )


# Variances (in units of each band's variance) added to every code's own
# under codebook_smoothing="auto"; the held-out frames' likelihood picks one.
_SMOOTHING_GRID = (0.0, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
# The holds' per-band variances: these times the variance of the training frames'
# frame-to-frame changes (a tight hold for a sound that stays, looser ones for one
# that moves a little; the network weighs them).
_HOLD_FACTORS = (0.01, 0.1, 1.0)
_N_HOLDS = len(_HOLD_FACTORS)
_MIN_CODE_VAR = 0.05**2
# Held frames' worth of the class-wide drift that every code's own hold drift is
# shrunk toward (a code that begins few held sounds borrows the class's drift).
_DRIFT_PRIOR = 10.0


def _codebook_log_likelihood(frames, centres, variances, weights, chunk=2048):
    """Log density of every frame of ``frames`` (n, M) under the diagonal
    mixture with means ``centres`` (K, M), ``variances`` (K, M) and mixing
    ``weights`` (K,); shape (n,)."""
    from scipy.special import logsumexp

    inv = 1.0 / variances
    const = np.log(np.maximum(weights, 1e-300)) - 0.5 * (
        np.log(variances).sum(axis=1) + frames.shape[1] * _LOG_2PI
    )
    mean_term = (centres**2 * inv).sum(axis=1)
    out = []
    for start in range(0, len(frames), chunk):
        f = frames[start : start + chunk]
        quad = (f**2) @ inv.T - 2 * f @ (centres * inv).T + mean_term
        out.append(logsumexp(const - 0.5 * quad, axis=1))
    return np.concatenate(out)


def _mixture_log_weights(parts, n_iter=30):
    """Log mixing weights (C, 1) that EM finds for the mixture of components
    whose per-frame log densities are the rows of ``parts`` (C, n)."""
    log_w = np.full((len(parts), 1), -np.log(len(parts)))
    for _ in range(n_iter):
        joint = log_w + parts
        resp = np.exp(joint - np.logaddexp.reduce(joint, axis=0))
        log_w = np.log(np.clip(resp.mean(axis=1, keepdims=True), 1e-4, None))
        log_w -= np.logaddexp.reduce(log_w)
    return log_w


def _mixture_total(parts, n_iter=30):
    """Total log-likelihood of the mixture of components whose per-frame log
    densities are the rows of ``parts`` (C, n), at the constant weights EM
    finds."""
    log_w = _mixture_log_weights(parts, n_iter)
    return float(np.logaddexp.reduce(log_w + parts, axis=0).sum())


def _hold_log_likelihoods(now, before, hold_var):
    """Log density of every frame of ``now`` (n, M) under each hold centred on
    the frame ``before`` it (n, M), with per-band variances the rows of
    ``hold_var`` (H, M); a list of H arrays of shape (n,)."""
    return [
        -0.5 * (((now - before) ** 2 / v).sum(axis=1) + np.log(v).sum())
        - 0.5 * now.shape[1] * _LOG_2PI
        for v in hold_var
    ]


def _frame_pairs(pieces):
    """(now, before): every frame after the first of its piece (n, M) and the
    frame before it, from pieces of shape (M, frames), as float64."""
    now = np.concatenate([p[:, 1:] for p in pieces], axis=1).T.astype(np.float64)
    before = np.concatenate([p[:, :-1] for p in pieces], axis=1).T.astype(np.float64)
    return now, before


class _MelFrames:
    """Log-mel analysis and Griffin-Lim synthesis shared by the spectral generators."""

    _mel_constraints: ClassVar[dict] = {
        "sr": [Interval(Integral, 1, None, closed="left")],
        "n_fft": [Interval(Integral, 2, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left")],
        "n_mels": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "loudness": [StrOptions({"match"}), None],
        "equalize": ["boolean"],
    }

    def _mel(self):
        return MelSpectrogram(
            sr=self.sr, n_fft=self.n_fft, hop_length=self.hop_length, n_mels=self.n_mels
        )

    def _edge_frames(self):
        """Frames at each end that the centred analysis half-pads with zeros."""
        return -(-(self.n_fft // 2) // self.hop_length)

    def _min_samples(self):
        return self.n_fft, f"n_fft={self.n_fft}"

    def _check_sr(self, sr):
        if sr is not None and int(sr) != self.sr:
            raise ValueError(
                f"The audio's sampling rate is {sr} Hz but this {type(self).__name__} "
                f"works at sr={self.sr} Hz; resample it first (e.g. AudioLoader(sr={self.sr})) "
                f"or set sr={sr}."
            )

    def _validate_audio(self, X, *, reset, sr=None):
        self._check_sr(sr)
        settle_input(X, type(self).__name__)
        min_samples, reason = self._min_samples()
        batch = validate_batch(
            self, X, reset=reset, min_timesteps=min_samples, min_timesteps_reason=reason
        )
        if batch[0].shape[0] != 1:
            raise ValueError(
                f"{type(self).__name__} takes mono audio (1 channel), got "
                f"{batch[0].shape[0]} channels; mix down first, e.g. AudioLoader(mono=True)."
            )
        return batch

    def _log_mel(self, batch):
        """dB mel spectrograms (n_mels, n_frames) of a validated batch, float64."""
        mel = self._mel().fit([batch[0]])
        return [m.astype(np.float64) for m in mel.transform(list(batch))]

    def _fit_levels(self, mels, batch):
        flat = np.concatenate(mels, axis=1)
        self.mean_ = flat.mean(axis=1)
        std = flat.std(axis=1)
        self.scale_ = np.where(std > 1e-6, std, 1.0)
        self.low_, self.high_ = flat.min(axis=1), flat.max(axis=1)
        self.rms_ = float(np.sqrt(np.mean(np.concatenate([s.ravel() for s in batch]) ** 2)))
        self.stft_gain_ = self._fit_equalizer(batch, mels) if self.equalize else None

    def _fit_equalizer(self, batch, mels):
        """Per-bin ratio of the training audio's mean STFT magnitude to that of
        its least-squares reconstruction from the mel frames (up to a minute)."""
        import librosa

        true, rebuilt, used = [], [], 0
        for wave, mel in zip(batch, mels):
            if used >= 60 * self.sr:
                break
            true.append(np.abs(librosa.stft(wave[0], n_fft=self.n_fft, hop_length=self.hop_length)))
            rebuilt.append(
                np.sqrt(mel_to_stft_power(librosa.db_to_power(mel), sr=self.sr, n_fft=self.n_fft))
            )
            used += wave.shape[-1]
        true = np.concatenate(true, axis=1).mean(axis=1)
        rebuilt = np.concatenate(rebuilt, axis=1).mean(axis=1)
        gain = np.where(rebuilt > 1e-10, true / np.maximum(rebuilt, 1e-10), 1.0)
        return np.clip(gain, 0.01, 100.0)

    def _n_frames(self, n_out):
        return 1 + n_out // self.hop_length

    def _invert(self, frames_db, n_out, rng):
        """Waveforms (n, 1, n_out) of dB mel frames (n, n_mels, n_frames), at
        the training audio's RMS under ``loudness="match"``."""
        audio = np.stack(
            [
                mel_to_waveform(
                    f,
                    sr=self.sr,
                    n_fft=self.n_fft,
                    hop_length=self.hop_length,
                    length=n_out,
                    n_iter=self.n_iter,
                    stft_gain=self.stft_gain_,
                    random_state=rng,
                )
                for f in frames_db
            ]
        )
        if self.loudness == "match":
            rms = np.sqrt(np.mean(np.square(audio, dtype=np.float64), axis=(1, 2)))
            gain = np.where(rms > 0, self.rms_ / np.maximum(rms, 1e-12), 1.0)
            audio = (audio * gain[:, None, None]).astype(np.float32)
        return audio

    def resynthesize(self, X, *, sr=None, random_state=None):
        """Real audio through this generator's analysis and inversion.

        Every waveform's log-mel frames (the frames the generator models) are
        turned back into sound exactly as generated frames are (equaliser,
        Griffin-Lim, loudness): what a perfect frame generator would give,
        so a classifier's accuracy on it is the ceiling the inversion leaves.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        sr : int, default=None
            Checked against ``sr`` when given.
        random_state : int, RandomState instance or None, default=None
            Griffin-Lim's initial phases; ``None`` uses the estimator's
            ``random_state``.

        Returns
        -------
        audio : ndarray of shape (n_waveforms, 1, n_samples), or a list of \
                (1, n_samples_i) arrays when the lengths differ
            The waveforms' lengths, at ``sr``.
        """
        check_is_fitted(self, "rms_")
        batch = self._validate_audio(X, reset=False, sr=sr)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        out = [
            self._invert(m[None], wave.shape[-1], rng)[0]
            for m, wave in zip(self._log_mel(batch), batch)
        ]
        if len({w.shape[-1] for w in out}) == 1:
            return np.stack(out)
        return out


class MeanSpectrumGenerator(_MelFrames, BaseEstimator):
    """Trivial spectral baseline: independent frames around the mean spectrum.

    Learns, per mel band, the mean and standard deviation of the training
    audio's log-mel frames (dB); :meth:`sample` draws every frame
    independently from these Gaussians and turns the frames into sound with
    Griffin-Lim (:func:`mel_to_waveform`), as :class:`SpectralGenerator` does.
    It knows a class's average timbre and loudness but nothing of time: the
    floor a sequence model of frames must beat.

    Parameters
    ----------
    sr : int, default=22050
        Sampling rate of the audio.
    n_fft : int, default=1024
    hop_length : int, default=256
    n_mels : int, default=64
        The log-mel analysis (:class:`skmusic.features.MelSpectrogram`).
    n_iter : int, default=32
        Griffin-Lim iterations.
    loudness : {"match"} or None, default="match"
        ``"match"``: every generated clip is scaled to the RMS of the training
        audio (``rms_``), so it plays at the level of the real clips (Griffin-Lim
        from drawn frames keeps the spectral shape but not the level exactly:
        noise in the dB frames raises the power); ``None`` keeps the level the
        inversion gives.
    equalize : bool, default=True
        Learn, per STFT bin, how far the least-squares reconstruction of the
        training audio's magnitude from its mel frames falls from the true
        magnitude (it spreads each band's energy evenly, which brightens the
        sound), and undo it before Griffin-Lim (``stft_gain_``).
    random_state : int, RandomState instance or None, default=None
        Seeds :meth:`sample`.

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_mels,)
        Per-band mean and standard deviation of the training frames (dB).
    low_, high_ : ndarray of shape (n_mels,)
        Per-band range of the training frames (dB); drawn frames are clipped to it.
    rms_ : float
        RMS of the training audio.
    stft_gain_ : ndarray of shape (1 + n_fft // 2,) or None
        The inversion's per-bin equaliser (``equalize``).
    n_channels_in_ : int
        Always 1 (mono).
    n_features_in_ : int
        Only for 2D array input.

    See Also
    --------
    SpectralGenerator

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import MeanSpectrumGenerator
    >>> rng = np.random.default_rng(0)
    >>> X = 0.1 * rng.normal(size=(4, 1, 8000))
    >>> gen = MeanSpectrumGenerator(sr=8000, n_fft=256, hop_length=64, n_mels=16).fit(X)
    >>> gen.sample(seconds=0.5, n_samples=2, random_state=0).shape
    (2, 1, 4000)
    """

    _parameter_constraints: ClassVar[dict] = {
        **_MelFrames._mel_constraints,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        sr=22050,
        *,
        n_fft=1024,
        hop_length=256,
        n_mels=64,
        n_iter=32,
        loudness="match",
        equalize=True,
        random_state=None,
    ):
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.n_iter = n_iter
        self.loudness = loudness
        self.equalize = equalize
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, sr=None):
        """Learn the per-band mean and spread of the log-mel frames.

        Parameters
        ----------
        X : array-like of shape (n_waveforms, 1, n_samples) or (n_waveforms, \
                n_samples), or list of array-like of shape (1, n_samples_i)
            Mono training audio, each at least ``n_fft`` samples.
        y : None
            Ignored.
        sr : int, default=None
            The audio's sampling rate, checked against ``sr`` when given.

        Returns
        -------
        self : object
        """
        batch = self._validate_audio(X, reset=True, sr=sr)
        self._fit_levels(self._log_mel(batch), batch)
        return self

    def _frame_log_likelihoods(self, X, sr=None):
        check_is_fitted(self, "mean_")
        batch = self._validate_audio(X, reset=False, sr=sr)
        out = []
        for m in self._log_mel(batch):
            z = (m - self.mean_[:, None]) / self.scale_[:, None]
            out.append(-0.5 * z**2 - np.log(self.scale_)[:, None] - 0.5 * _LOG_2PI)
        return out

    def score_samples(self, X, *, sr=None):
        """Mean log-likelihood per value (nats per mel band and frame, dB
        units) of every waveform's log-mel frames.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        sr : int, default=None
            Checked against ``sr`` when given.

        Returns
        -------
        scores : ndarray of shape (n_waveforms,)
        """
        return np.array([ll.mean() for ll in self._frame_log_likelihoods(X, sr)])

    def score(self, X, y=None, *, sr=None):
        """Mean log-likelihood per value of all log-mel frames of ``X`` (nats
        per mel band and frame, dB units; higher is better).

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        y : None
            Ignored.
        sr : int, default=None
            Checked against ``sr`` when given.

        Returns
        -------
        score : float
        """
        return float(
            np.concatenate([ll.ravel() for ll in self._frame_log_likelihoods(X, sr)]).mean()
        )

    def sample(self, prompt=None, *, seconds=5.0, n_samples=1, temperature=1.0, random_state=None):
        """Draw clips of independent frames and turn them into sound.

        Parameters
        ----------
        prompt : ignored, default=None
            Accepted so that both spectral generators are called alike; when
            given as a batch, one clip is drawn per prompt.
        seconds : float, default=5.0
            Length of every clip.
        n_samples : int, default=1
            Clips to draw (without a batch of prompts).
        temperature : float, default=1.0
            Multiplies the standard deviations.
        random_state : int, RandomState instance or None, default=None
            ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        audio : ndarray of shape (n_samples, 1, round(seconds * sr))
        """
        check_is_fitted(self, "mean_")
        n_out = max(round(_check_seconds(seconds) * self.sr), 1)
        temperature = check_temperature(temperature)
        if prompt is not None and not (isinstance(prompt, np.ndarray) and prompt.ndim < 3):
            n_samples = len(prompt)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        shape = (n_samples, self.n_mels, self._n_frames(n_out))
        frames = self.mean_[:, None] + temperature * self.scale_[:, None] * rng.standard_normal(
            shape
        )
        frames = np.clip(frames, self.low_[:, None], self.high_[:, None])
        return self._invert(frames, n_out, rng)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.requires_fit = True
        return tags


_DOYLE_LOPEZ = """
    .. [1] L. Doyle and R. A. Lopez, "Genre Classification and Generation of
       Music Samples via Neural Networks", course project report (undated).
    .. [2] C. M. Bishop, "Mixture Density Networks", Aston University
       technical report NCRG/94/004, 1994.
    .. [3] D. Griffin and J. Lim, "Signal estimation from modified short-time
       Fourier transform", IEEE Trans. ASSP 32(2), 1984."""


@fill_doc
class SpectralGenerator(_MelFrames, BaseNeuralEstimator):
    """Audio generator over log-mel frames: Conv1D + BiGRU, a drawn next frame, Griffin-Lim.

    The body of Doyle and Lopez's waveform network [1]_ -- a Conv1D layer and
    a bidirectional GRU -- reads the last ``width`` log-mel frames
    (:class:`skmusic.features.MelSpectrogram`, dB, standardised per band)
    instead of 9,000 raw samples, and predicts the next frame as a mixture
    of diagonal Gaussians (a mixture density network [2]_), trained by
    maximum likelihood on every window of the training audio. At the
    defaults the mixture's components are fixed and the network predicts
    their weights: ``n_codes`` frame types of the training audio (k-means
    centroids, their spreads widened by a cross-validated
    ``codebook_smoothing`` so that other recordings' frames keep some
    density) and three *holds* centred on the window's last frame (the sound
    going on, ``hold``). :meth:`sample` *draws* each next frame from the
    mixture (so clips keep
    the texture and level of the training audio instead of fading to an
    average), feeds it back, and rolls forward for clips of any length;
    the frames become sound by Griffin-Lim phase reconstruction [3]_
    (:func:`mel_to_waveform`, librosa) at the training audio's ``sr``.

    A second of audio is ``sr / hop_length`` frames (43 at the defaults)
    rather than ``sr`` samples, so this learns in minutes on a CPU where
    sample-level generation (:class:`WaveformGenerator`) does not.

    :meth:`score` is the mean log-likelihood per value (nats per mel band and
    frame, in dB units) of held-out audio's frames, each predicted from the
    ``width`` frames before it, so ``GridSearchCV`` tunes it and it compares
    with :class:`MeanSpectrumGenerator` (the trivial baseline) directly.

    Parameters
    ----------
    width : int, default=32
        Frames of context (0.37 s at the defaults).
    sr : int, default=22050
        Sampling rate of the audio (resample to it first, e.g. with
        ``AudioLoader(sr=...)``); the generated audio has it too.
    n_fft : int, default=1024
    hop_length : int, default=256
    n_mels : int, default=64
        The log-mel analysis.
    hop : int, default=1
        Frames between training windows.
    conv_channels : int, default=64
    kernel_size : int, default=3
        Frames per convolution.
    hidden_size : int, default=64
        Units per GRU direction.
    num_layers : int, default=1
    n_components : int, default=4
        Gaussians of the output mixture (without a codebook).
    n_codes : int or None, default=64
        A categorical next frame: ``n_codes`` k-means centroids of the
        training frames (``codebook_``, fewer when the audio has fewer
        distinct frames), each with the spread of its members widened by
        ``codebook_smoothing`` (``codebook_scale_``), become the mixture's
        fixed components and the network predicts only which comes next, so
        every drawn frame lies near frames the class really has and a
        roll-out does not blur. ``None``: a free mixture of ``n_components``
        Gaussians whose means the network predicts (in paper_003's benchmark
        its clips were recognised far less often: 0.43-0.6 against 0.8).
        Since the codes are fixed, choosing among them can raise a frame's
        log-likelihood by at most ``log(n_codes) / n_mels`` nats per band
        (0.065 at the defaults) over the codebook's own mixture; the context
        tells more through the ``hold`` components.
    codebook_smoothing : "auto" or float >= 0, default="auto"
        Variance added to every code's per-band variance, in units of the
        band's own variance (standardised frames). The members' spread alone
        fits the training recordings' frames tightly, and the frames of other
        recordings (other pitches, chords, levels) fall between the codes,
        where a tight Gaussian gives them almost no density: unsmoothed, the
        codebook's mixture scored held-out Palestrina recordings (rendered
        by class, 22050 Hz) at -9.8 nats per band and frame against the
        mean-spectrum baseline's -4.2, and -4.0 smoothed (0.3); the network
        cannot make up such a gap (see ``n_codes``).
        ``"auto"``: chosen from ``(0, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3)`` by
        4-fold cross-validation over whole training waveforms (over the
        quarters of each waveform when there are fewer than 4): codes fitted
        on the other folds score the held-out fold's frames (code frequencies
        as weights; with the ``hold`` components beside them at the constant
        weights EM finds). The chosen value is ``codebook_smoothing_``.
    hold : bool, default=True
        Beside the codes, three *hold* components: the next frame near the
        window's last frame (the sound going on), with per-band spreads of
        0.01, 0.1 and 1 times the variance of the training frames'
        frame-to-frame changes (``hold_scale_``: a sound that stays, one that
        moves a little, one that moves); the network predicts their weights
        beside the codes'. A frame of music is mostly the frame before it:
        without the holds every drawn frame is a code plus fresh noise, and
        sustained sounds came out as static (spectral flux three to five
        times the real clips' in paper_003) while the held-out score stayed
        near the codebook's own (Palestrina rendered by class at 22050 Hz:
        -3.92 nats per band and frame, -1.31 with the holds; baseline -4.24).
        :meth:`sample` draws a hold without noise: the held frame is the
        window's last frame moved by the drift of the code the held sound
        began with (the last code drawn; at first the code nearest the
        prompt's last frame), ``hold_drift_``, the mean per-band change of
        the training frames that the holds explain after frames of that
        code. A plucked note's held frames so decay as its training notes
        do, and a choir's chord stays. The holds' spreads serve the
        likelihood only: drawn independently per band and frame, their noise
        is a speckle that real audio lacks (paper_003's real held-out
        trecento clips, FluidSynth at 10 kHz, with noise of 0.3 band
        standard deviations added to their frames were all heard as the
        choir class), and fed back it is a random walk that carries a held
        chord away band by band; held still (no drift), plucked lute and
        harp notes rang on like the choir's chords (trecento 0 of 6
        recognised at three sampling seeds; 4, 5 and 6 of 6 with the drift,
        by that benchmark's CNN trained for all its epochs).
        Ignored without a codebook (``n_codes=None``).
    dropout : float, default=0.0
        Before the output layer.
    n_iter : int, default=32
        Griffin-Lim iterations.
    loudness : {"match"} or None, default="match"
        ``"match"``: every generated clip is scaled to the RMS of the training
        audio (``rms_``), so it plays at the level of the real clips (Griffin-Lim
        from drawn frames keeps the spectral shape but not the level exactly:
        noise in the dB frames raises the power); ``None`` keeps the level the
        inversion gives.
    equalize : bool, default=True
        Learn, per STFT bin, how far the least-squares reconstruction of the
        training audio's magnitude from its mel frames falls from the true
        magnitude (it spreads each band's energy evenly, which brightens the
        sound), and undo it before Griffin-Lim (``stft_gain_``).
    {training}

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_mels,)
        Per-band standardisation of the training frames (dB).
    low_, high_ : ndarray of shape (n_mels,)
        Per-band range of the training frames (dB); drawn frames are clipped
        to it, so a roll-out cannot wander off into levels never heard.
    rms_ : float
        RMS of the training audio.
    stft_gain_ : ndarray of shape (1 + n_fft // 2,) or None
        The inversion's per-bin equaliser (``equalize``).
    codebook_, codebook_scale_ : ndarray of shape (n_codes_, n_mels) or None
        The codebook's frames and spreads (standardised units; ``n_codes``):
        every spread is ``sqrt(max(members' variance, 0.05**2) +
        codebook_smoothing_)``.
    codebook_smoothing_ : float or None
        The smoothing used (``codebook_smoothing``; None without a codebook).
    hold_scale_ : ndarray of shape (3, n_mels) or None
        The holds' per-band spreads (standardised units; ``hold``):
        ``sqrt(max(f * v, 0.05**2))`` for ``f`` in 0.01, 0.1 and 1, ``v`` the
        per-band variance of the training frames' frame-to-frame changes.
    hold_drift_ : ndarray of shape (n_codes_, n_mels) or None
        Per code, the mean per-band change per frame (standardised units) of
        the training frames after a frame nearest that code, each weighed by
        the holds' responsibility for it (beside the codebook's mixture, at
        the constant weights EM finds), shrunk toward the mean over all codes
        by 10 frames' worth; :meth:`sample` moves held frames by it
        (``hold``). None without the holds.
    n_channels_in_ : int
        Always 1 (mono).
    n_features_in_ : int
        Only for 2D array input.
    net_ : skorch.NeuralNet

    See Also
    --------
    MeanSpectrumGenerator, WaveformGenerator, ClassConditionalGenerator

    References
    ----------
    {references}

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import SpectralGenerator
    >>> t = np.arange(16000) / 8000
    >>> X = np.stack([0.3 * np.sin(2 * np.pi * f * t) for f in (220, 330, 440)])[:, None]
    >>> gen = SpectralGenerator(width=8, sr=8000, n_fft=256, hop_length=64, n_mels=16,
    ...                         hidden_size=8, conv_channels=8, max_epochs=3,
    ...                         random_state=0).fit(X)
    >>> clip = gen.sample(X[0, :, :4000], seconds=0.5)
    >>> clip.shape
    (1, 4000)
    """

    _split_doc = "whole training waveforms, at least one kept for training"
    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        **_MelFrames._mel_constraints,
        "width": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left")],
        "conv_channels": [Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_codes": [Interval(Integral, 1, None, closed="left"), None],
        "codebook_smoothing": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "hold": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        width=32,
        *,
        sr=22050,
        n_fft=1024,
        hop_length=256,
        n_mels=64,
        hop=1,
        conv_channels=64,
        kernel_size=3,
        hidden_size=64,
        num_layers=1,
        n_components=4,
        n_codes=64,
        codebook_smoothing="auto",
        hold=True,
        dropout=0.0,
        n_iter=32,
        loudness="match",
        equalize=True,
        max_epochs=30,
        batch_size=64,
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
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.n_mels = n_mels
        self.hop = hop
        self.conv_channels = conv_channels
        self.kernel_size = kernel_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.n_components = n_components
        self.n_codes = n_codes
        self.codebook_smoothing = codebook_smoothing
        self.hold = hold
        self.dropout = dropout
        self.n_iter = n_iter
        self.loudness = loudness
        self.equalize = equalize
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

    # --- shapes -------------------------------------------------------------
    def _frames_needed(self):
        """Frames a sequence needs: ``width`` in, one out."""
        return self.width + 1

    def _min_samples(self):
        # centred frames: n_samples // hop_length + 1 of them
        n = max((self._frames_needed() - 1) * self.hop_length, self.n_fft)
        return n, (
            f"width={self.width} frames of context and one more, hop_length={self.hop_length}"
        )

    def _prompt_samples(self):
        """Samples a prompt needs: ``width`` frames clear of the end's padding."""
        return max((self.width + self._edge_frames() - 1) * self.hop_length, self.n_fft)

    def _build_module(self, n_channels, n_outputs):
        codebook = log_std = None
        if self.n_codes is not None:
            codebook = getattr(self, "codebook_", None)
            if codebook is None:  # not fitted: the layout only
                rows = self.n_codes + _N_HOLDS * self._holds()
                codebook = np.zeros((rows, self.n_mels), dtype=np.float32)
                log_std = np.zeros_like(codebook)
            else:
                log_std = np.log(self.codebook_scale_)
                if self._holds():
                    # the holds: more components, their means placeholders (the
                    # window's last frame takes their place), their own spreads
                    codebook = np.vstack([codebook, np.zeros((_N_HOLDS, self.n_mels))])
                    log_std = np.vstack([log_std, np.log(self.hold_scale_)])
            codebook = torch.from_numpy(np.asarray(codebook, dtype=np.float32))
            log_std = torch.from_numpy(np.asarray(log_std, dtype=np.float32))
        return ConvBiGRUFrameNet(
            self.n_mels,
            conv_channels=self.conv_channels,
            kernel_size=self.kernel_size,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            n_components=self.n_components,
            dropout=self.dropout,
            codebook=codebook,
            codebook_log_std=log_std,
        )

    def _holds(self):
        return bool(self.hold) and self.n_codes is not None

    @property
    def _criterion(self):
        return _HoldMixtureNLLLoss if self._holds() else MixtureNLLLoss

    def _fit_codebook(self, scaled):
        """The codebook (k-means centroids of the standardised training
        frames, each with its members' per-band variance, at least 0.05**2,
        plus ``codebook_smoothing_``) and the holds' spreads (each of
        ``_HOLD_FACTORS`` times the per-band variance of the frames'
        frame-to-frame changes, at least 0.05**2).

        ``codebook_smoothing="auto"`` is chosen by cross-validation over
        whole waveforms (4 folds; with fewer than 4 waveforms, over the
        quarters of each): codes fitted on the other folds' frames (every
        second one), every candidate scores the held-out fold's frames under
        the codebook mixture (code frequencies as weights, no context), with
        the holds beside it at the constant weights EM finds, and the best
        total wins.
        """
        self.hold_scale_ = self.hold_drift_ = None
        if self.n_codes is None:
            self.codebook_ = self.codebook_scale_ = self.codebook_smoothing_ = None
            return
        hold_var = None
        if self._holds():
            changes = np.concatenate([np.diff(m, axis=1) for m in scaled], axis=1)
            change_var = changes.astype(np.float64).var(axis=1)
            hold_var = np.maximum(np.multiply.outer(_HOLD_FACTORS, change_var), _MIN_CODE_VAR)
            self.hold_scale_ = np.sqrt(hold_var).astype(np.float32)
        if self.codebook_smoothing == "auto":
            self.codebook_smoothing_ = self._choose_smoothing(scaled, hold_var)
        else:
            self.codebook_smoothing_ = float(self.codebook_smoothing)
        frames = np.concatenate(scaled, axis=1).T.astype(np.float64)
        centres, within, weights = self._kmeans(frames)
        self.codebook_ = centres.astype(np.float32)
        self.codebook_scale_ = np.sqrt(within + self.codebook_smoothing_).astype(np.float32)
        if hold_var is not None:
            self.hold_drift_ = self._fit_hold_drift(
                scaled, centres, within + self.codebook_smoothing_, weights, hold_var
            )

    @staticmethod
    def _fit_hold_drift(scaled, centres, variances, weights, hold_var):
        """Per code, the mean per-band change of the training frames that the
        holds explain, after a frame nearest that code (standardised units,
        float32 (K, M)).

        Every frame after the first of its waveform is weighed by the holds'
        responsibility for it (the holds beside the codebook's mixture, at the
        constant weights EM finds: a frame far from the one before it, a new
        sound, belongs to the codes), and its change from the frame before is
        credited to the code nearest that frame. Each code's mean is shrunk
        toward the class-wide one by ``_DRIFT_PRIOR`` frames' worth.
        """
        now, before = _frame_pairs(scaled)
        drift = np.zeros(centres.shape, dtype=np.float32)
        if not len(now):
            return drift
        parts = np.stack(
            [
                _codebook_log_likelihood(now, centres, variances, weights),
                *_hold_log_likelihoods(now, before, hold_var),
            ]
        )
        joint = _mixture_log_weights(parts) + parts
        held = np.exp(joint[1:] - np.logaddexp.reduce(joint, axis=0)).sum(axis=0)
        change = now - before
        overall = held @ change / max(held.sum(), 1e-12)
        code = pairwise_distances_argmin(before, centres)
        sums = np.zeros(centres.shape)
        np.add.at(sums, code, held[:, None] * change)
        counts = np.bincount(code, weights=held, minlength=len(centres))
        drift[:] = (sums + _DRIFT_PRIOR * overall) / (counts + _DRIFT_PRIOR)[:, None]
        return drift

    def _choose_smoothing(self, scaled, hold_var, n_folds=4):
        if len(scaled) >= n_folds:
            pieces = scaled
            fold = check_random_state(self.random_state).permutation(len(pieces)) % n_folds
        else:  # too few waveforms: their quarters, in time
            pieces, fold = [], []
            for m in scaled:
                edges = np.linspace(0, m.shape[1], n_folds + 1).astype(int)
                pieces += [m[:, a:b] for a, b in zip(edges[:-1], edges[1:])]
                fold += list(range(n_folds))
            fold = np.asarray(fold)
        totals = np.zeros(len(_SMOOTHING_GRID))
        for k in range(n_folds):
            held = [p for p, f in zip(pieces, fold) if f == k and p.shape[1] > 1]
            rest = [p for p, f in zip(pieces, fold) if f != k and p.shape[1]]
            if not held or not rest:
                continue
            fit_frames = np.concatenate(rest, axis=1).T[::2].astype(np.float64)
            # every held-out frame after the first of its piece, and the one before it
            now, before = _frame_pairs(held)
            holds = [] if hold_var is None else _hold_log_likelihoods(now, before, hold_var)
            centres, within, weights = self._kmeans(fit_frames)
            for i, smoothing in enumerate(_SMOOTHING_GRID):
                codes = _codebook_log_likelihood(now, centres, within + smoothing, weights)
                totals[i] += _mixture_total(np.stack([codes, *holds])) if holds else codes.sum()
        return float(_SMOOTHING_GRID[int(np.argmax(totals))])

    def _kmeans(self, frames):
        """(centres, members' per-band variance (at least 0.05**2), code
        frequencies) of k-means on ``frames`` (n, n_mels)."""
        from sklearn.cluster import KMeans

        n_codes = min(self.n_codes, len(np.unique(frames, axis=0)))
        km = KMeans(n_codes, n_init=1, random_state=self.random_state).fit(frames)
        centres = km.cluster_centers_
        count = np.bincount(km.labels_, minlength=n_codes)
        squares = np.zeros_like(centres)
        np.add.at(squares, km.labels_, (frames - centres[km.labels_]) ** 2)
        within = np.maximum(squares / np.maximum(count, 1)[:, None], _MIN_CODE_VAR)
        return centres, within, count / count.sum()

    def make_module(self):
        """The untrained torch module these parameters describe.

        Returns
        -------
        module : skmusic.nn.spectral_modules.ConvBiGRUFrameNet
        """
        return self._build_module(self.n_mels, None)

    def _standardised(self, mels):
        return [((m - self.mean_[:, None]) / self.scale_[:, None]).astype(np.float32) for m in mels]

    # --- fit / score ------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, sr=None):
        """Train on every window of the training audio's log-mel frames.

        Parameters
        ----------
        X : array-like of shape (n_waveforms, 1, n_samples) or (n_waveforms, \
                n_samples), or list of array-like of shape (1, n_samples_i)
            Mono training audio at ``sr``; every waveform gives at least
            ``width + 1`` frames.
        y : None
            Ignored.
        sr : int, default=None
            The audio's sampling rate, checked against ``sr`` when given.

        Returns
        -------
        self : object
        """
        batch = self._validate_audio(X, reset=True, sr=sr)
        mels = self._log_mel(batch)
        self._fit_levels(mels, batch)
        scaled = self._standardised(mels)
        inputs, targets, owner = regression_windows(scaled, self.width, 1, self.hop, owners=True)
        self._fit_codebook(scaled)
        targets = targets[..., 0]
        if self._holds():  # the hold's likelihood needs each window's last frame
            targets = np.stack([targets, inputs[..., -1]], axis=1)
        dataset = SequenceDataset(
            torch.from_numpy(inputs), None, torch.from_numpy(np.ascontiguousarray(targets))
        )
        # whole waveforms are held out for early stopping: their windows overlap
        self._fit_net(dataset, n_channels=self.n_mels, n_outputs=None, groups=owner)
        return self

    def _frame_log_likelihoods(self, X, sr=None):
        """Per waveform, log p (nats, dB units) of every frame after the first
        ``width``, summed over its bands."""
        check_is_fitted(self, "net_")
        batch = self._validate_audio(X, reset=False, sr=sr)
        offset = float(np.log(self.scale_).sum())
        out = []
        for scaled in self._standardised(self._log_mel(batch)):
            # each window with its next frame appended: (n, n_mels, width + 1)
            inputs, targets = regression_windows([scaled], self.width, 1, 1)
            windows = torch.from_numpy(np.concatenate([inputs, targets], axis=2))
            forward = (
                _next_frame_log_likelihood_with_hold
                if self._holds()
                else _next_frame_log_likelihood
            )
            logp = self._predict_batches(windows, forward=forward)
            out.append(logp.double().numpy() - offset)
        return out

    def score_samples(self, X, *, sr=None):
        """Mean log-likelihood per value (nats per mel band and frame, dB
        units) of every waveform's frames after its first ``width``.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        sr : int, default=None
            Checked against ``sr`` when given.

        Returns
        -------
        scores : ndarray of shape (n_waveforms,)
        """
        return np.array([ll.mean() / self.n_mels for ll in self._frame_log_likelihoods(X, sr)])

    def score(self, X, y=None, *, sr=None):
        """Mean log-likelihood per value (nats per mel band and frame, dB
        units) of held-out audio's frames, each predicted from the ``width``
        frames before it. Higher is better.

        Parameters
        ----------
        X : batch of waveforms, as in :meth:`fit`
        y : None
            Ignored.
        sr : int, default=None
            Checked against ``sr`` when given.

        Returns
        -------
        score : float
        """
        lls = self._frame_log_likelihoods(X, sr)
        return float(np.concatenate(lls).mean() / self.n_mels)

    # --- sampling -------------------------------------------------------------
    def _prompt_frames(self, prompt, sr):
        """(standardised last ``width`` frames (n, n_mels, width), one prompt given)."""
        self._check_sr(sr)
        settle_input(prompt, type(self).__name__)
        arr = prompt if isinstance(prompt, (list, tuple)) else np.asarray(prompt)
        one = isinstance(arr, np.ndarray) and (
            arr.ndim == 1 or (arr.ndim == 2 and arr.shape[0] == 1)
        )
        if one:
            arr = arr.reshape(1, 1, -1)
        batch = validate_batch(self, arr, reset=False)
        need = self._prompt_samples()
        shortest = min(s.shape[-1] for s in batch)
        if shortest < need:
            raise ValueError(
                f"The prompt has {shortest} samples, too short to prompt: this model reads "
                f"width={self.width} frames, {need} samples at hop_length={self.hop_length} "
                f"(n_fft={self.n_fft}). Pass a longer prompt or none."
            )
        edge = self._edge_frames()
        frames = [
            m[:, : m.shape[1] - edge][:, -self.width :]
            for m in self._standardised(self._log_mel(batch))
        ]
        return np.stack(frames), one

    def _roll(self, window, n_frames, temperature, gen):
        module = self.net_.module_
        device = next(module.parameters()).device
        window = torch.from_numpy(np.ascontiguousarray(window, dtype=np.float32)).to(device)
        # every draw stays within the range of the training frames, band by band
        low = torch.from_numpy(((self.low_ - self.mean_) / self.scale_).astype(np.float32))
        high = torch.from_numpy(((self.high_ - self.mean_) / self.scale_).astype(np.float32))
        low, high = low.to(device), high.to(device)
        frames = []
        holds = self._holds()
        if holds:
            drift = torch.from_numpy(self.hold_drift_).to(device)
            # the code each held sound began with (the last code drawn): its
            # drift moves the held frames; at first the code nearest the
            # window's last frame
            code = torch.cdist(window[:, :, -1], torch.from_numpy(self.codebook_).to(device))
            code = code.argmin(dim=1)
        with inference(module):
            for _ in range(n_frames):
                if holds:
                    new, k, held = self._draw_with_hold(
                        module, window, drift[code], temperature, gen
                    )
                    code = torch.where(held, code, k)
                else:
                    new = module.sample(window, temperature=temperature, generator=gen)
                new = torch.maximum(torch.minimum(new, high), low)
                frames.append(new.cpu().numpy())
                window = torch.cat([window[:, :, 1:], new[:, :, None]], dim=2)
        return np.stack(frames, axis=2).astype(np.float64)

    @staticmethod
    def _draw_with_hold(module, window, drift, temperature, gen):
        """(the frame after each window, the component drawn, whether it is a
        hold): a component drawn from the mixing weights (logits /
        ``temperature``); a code gives a frame from its Gaussian (std x
        ``temperature``), a hold the window's last frame moved by ``drift``
        (B, M), without noise."""
        logits, means, log_std = module(window)
        probs = torch.softmax(logits / temperature, dim=-1)
        k = torch.multinomial(probs, 1, generator=gen)[:, 0]
        held = k >= logits.shape[1] - _N_HOLDS
        mean = means[0][k]
        noise = torch.randn(mean.shape, generator=gen, device=window.device)
        drawn = mean + temperature * torch.exp(log_std[0][k]) * noise
        return torch.where(held[:, None], window[:, :, -1] + drift, drawn), k, held

    def sample(
        self,
        prompt=None,
        *,
        seconds=5.0,
        n_samples=1,
        temperature=1.0,
        random_state=None,
        sr=None,
    ):
        """Draw frames after a prompt (or from scratch), and turn them into sound.

        Parameters
        ----------
        prompt : array-like of shape (n_samples,) or (1, n_samples) for one, or \
                a batch (n_prompts, 1, n_samples) or list, default=None
            Audio to continue; only its last ``width`` whole frames are read.
            ``None``: ``n_samples`` clips started from a code of the codebook
            held for ``width`` frames (frames drawn around the mean spectrum
            without a codebook), with ``width`` frames of burn-in thrown away.
        seconds : float, default=5.0
            Length of every clip (the prompt is not repeated).
        n_samples : int, default=1
            Clips to draw without a prompt.
        temperature : float, default=1.0
            Divides the mixing logits and multiplies the standard deviations
            of every code's draw (below 1 is more conservative); held frames
            are drawn without noise (``hold``).
        random_state : int, RandomState instance or None, default=None
            Seeds the draws and Griffin-Lim's initial phases; ``None`` uses the
            estimator's ``random_state``.
        sr : int, default=None
            The prompt's sampling rate, checked against ``sr`` when given.

        Returns
        -------
        audio : ndarray of shape (1, n_out) for one prompt, else (n_clips, 1, n_out)
            ``n_out = round(seconds * sr)`` samples at ``sr``.
        """
        check_is_fitted(self, "net_")
        n_out = max(round(_check_seconds(seconds) * self.sr), 1)
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        device = next(self.net_.module_.parameters()).device
        gen = torch.Generator(device=device)
        gen.manual_seed(int(rng.randint(np.iinfo(np.int32).max)))
        n_frames = self._n_frames(n_out)
        if prompt is None:
            n_samples = check_positive_int("n_samples", n_samples)
            if self.codebook_ is not None:  # a frame of the codebook, held
                start = self.codebook_[rng.randint(len(self.codebook_), size=n_samples)]
                window = np.repeat(start[:, :, None], self.width, axis=2)
            else:  # frames drawn around the mean spectrum
                window = rng.standard_normal((n_samples, self.n_mels, self.width))
            frames = self._roll(window, self.width + n_frames, temperature, gen)[:, :, self.width :]
            one = False
        else:
            window, one = self._prompt_frames(prompt, sr)
            frames = self._roll(window, n_frames, temperature, gen)
        frames_db = frames * self.scale_[None, :, None] + self.mean_[None, :, None]
        audio = self._invert(frames_db, n_out, rng)
        return audio[0] if one else audio

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags


SpectralGenerator.__doc__ = SpectralGenerator.__doc__.replace("{references}", _DOYLE_LOPEZ.strip())
