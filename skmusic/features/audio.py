"""Audio feature transformers: STFT and mel spectrograms, MFCCs, bin compression.

Each step is a thin scikit-learn wrapper around skmusic's own numerical core
(:mod:`skmusic.features._spectral`): librosa's STFT and mel spectrogram
re-implemented on :func:`torch.stft`, in float32, over chunks of waveforms of
one length, so it matches :func:`librosa.stft` and
:func:`librosa.feature.melspectrogram` within float32 rounding at a fraction
of their cost. The window, the mel filters, decibels, the DCT of the MFCCs and
their deltas are librosa's own functions. Each step takes a batch of waveforms
and returns a batch of time-frequency sequences ``(n_bins, n_frames)``:

* a 3D array ``(n_waveforms, n_channels, n_samples)`` gives a 3D array
  ``(n_waveforms, n_bins, n_frames)``;
* a list of 2D arrays ``(n_channels, n_samples_i)`` (e.g. from
  :class:`skmusic.io.AudioLoader`) gives a list of ``(n_bins, n_frames_i)``
  arrays -- ragged in, ragged out;
* a 2D array ``(n_waveforms, n_samples)`` is read as mono waveforms and gives a
  3D array.

**Multichannel waveforms are averaged to mono** before analysis (as
``librosa.load(mono=True)`` does): a stereo file gives the same features as its
mono mix. Split the channels yourself if you want features per channel.

The outputs are float32. Parameters carry librosa's names and meanings (the
results are librosa's); see :func:`librosa.stft`,
:func:`librosa.feature.melspectrogram` and :func:`librosa.feature.mfcc`.
"""

from numbers import Integral, Real

import librosa
import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ..utils.parallel import parallel_map
from ..utils.validation import SequenceTransformerMixin, restore_layout, validate_batch
from ._spectral import SpectralCore, equal_length_chunks, torch_threads

__all__ = ["Spectrogram", "MelSpectrogram", "MFCC", "FrequencyCompressor"]


def _mono(seq):
    """A 1D waveform from a ``(n_channels, n_samples)`` array (channel mean)."""
    return seq[0] if seq.shape[0] == 1 else seq.mean(axis=0)


class _AudioFeature(SequenceTransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Shared fit/transform of the waveform -> (n_bins, n_frames) steps.

    Stateless: ``fit`` validates the parameters and the batch, ``transform``
    runs :meth:`_feature` (a 1D float32 waveform -> 2D array) on every waveform.
    """

    _stft_constraints = {
        "n_fft": [Interval(Integral, 1, None, closed="left")],
        "hop_length": [Interval(Integral, 1, None, closed="left"), None],
        "win_length": [Interval(Integral, 1, None, closed="left"), None],
        "window": "no_validation",
        "center": ["boolean"],
        "pad_mode": [StrOptions({"constant", "edge", "reflect", "symmetric", "wrap"})],
        "n_jobs": [Integral, None],
    }

    def _check_stft_params(self):
        if self.win_length is not None and self.win_length > self.n_fft:
            raise ValueError(
                f"win_length={self.win_length} is larger than n_fft={self.n_fft}; "
                "use win_length <= n_fft (librosa zero-pads the window to n_fft)."
            )

    def _stft_kwargs(self):
        return dict(
            n_fft=self.n_fft,
            hop_length=self.hop_length,
            win_length=self.win_length,
            window=self.window,
            center=self.center,
            pad_mode=self.pad_mode,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the input; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_waveforms, n_channels, n_samples) or \
                (n_waveforms, n_samples), or list of array-like of shape \
                (n_channels, n_samples_i)
            Waveforms.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        self._check_stft_params()
        validate_batch(self, X, reset=True)
        return self

    def transform(self, X):
        """Compute the feature of every waveform.

        Parameters
        ----------
        X : array-like of shape (n_waveforms, n_channels, n_samples) or \
                (n_waveforms, n_samples), or list of array-like of shape \
                (n_channels, n_samples_i)
            Waveforms, each at least ``n_fft`` samples long. Channels are
            averaged to mono, so their number may differ from ``fit``'s.

        Returns
        -------
        Xt : ndarray of shape (n_waveforms, n_bins, n_frames) or list of \
                ndarray of shape (n_bins, n_frames_i)
            A list for list input, else a 3D array.
        """
        check_is_fitted(self)
        # any number of channels: they are averaged to mono
        batch, layout = validate_batch(
            self,
            X,
            reset=False,
            return_layout=True,
            check_n_channels=False,
            min_timesteps=self.n_fft,
            min_timesteps_reason=f"n_fft={self.n_fft}",
        )
        items = self._compute([_mono(seq) for seq in batch])
        return restore_layout(items, "3d" if layout == "2d" else layout)

    def _compute(self, waves):
        """Features of a list of 1D float32 waveforms, in order.

        Waveforms of one length are analysed together, in chunks of a few
        megabytes, by the torch core; the chunks are handed one at a time to
        ``n_jobs`` workers (a worker slowed by a busy machine takes fewer), each
        running torch on one thread.
        """
        core = self._core()
        finish = self._finish_function()
        chunks = equal_length_chunks([w.shape[-1] for w in waves], core.chunk_size)

        def run(idx):
            spectra = core(np.stack([waves[i] for i in idx]))
            return [finish(S, waves[i].shape[-1]) for i, S in zip(idx, spectra, strict=True)]

        with torch_threads(1):
            results = parallel_map(run, chunks, self.n_jobs, chunked=False)
        items = [None] * len(waves)
        for idx, out in zip(chunks, results, strict=True):
            for i, feature in zip(idx, out, strict=True):
                items[i] = feature
        return items

    def _core(self):
        """The :class:`~skmusic.features._spectral.SpectralCore` of this step."""
        return SpectralCore(**self._stft_kwargs(), power=self._power(), mel=self._mel_kwargs())

    def _power(self):
        return self.power

    def _mel_kwargs(self):
        """:func:`librosa.filters.mel` arguments, or ``None`` for linear frequency."""
        return None

    def _finish_function(self):
        """A function (power spectrogram, n_samples) -> 2D float32 feature array."""
        raise NotImplementedError

    def get_feature_names_out(self, input_features=None):
        """Names of the output channels (frequency bins or coefficients).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored except for validation against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        if hasattr(self, "n_features_in_"):
            _check_feature_names_in(self, input_features)
        return np.asarray(self._channel_names(), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags


def _to_db(S, power, ref, amin, top_db):
    """Decibels of a ``power``-th power magnitude spectrogram (librosa)."""
    if power != 2.0:
        S = S ** (2.0 / power)
    return librosa.power_to_db(S, ref=ref, amin=amin, top_db=top_db)


_DB_CONSTRAINTS = {
    "to_db": ["boolean"],
    "ref": [Interval(Real, 0, None, closed="neither"), callable],
    "amin": [Interval(Real, 0, None, closed="neither")],
    "top_db": [Interval(Real, 0, None, closed="left"), None],
}


class Spectrogram(_AudioFeature):
    """STFT magnitude spectrogram of every waveform, as :func:`librosa.stft` gives it.

    Computed by skmusic's torch core (:func:`torch.stft` with librosa's window,
    centring and frame count; see the module's docstring): equal to
    ``np.abs(librosa.stft(...)) ** power`` within float32 rounding.

    Bai and Wang's spectrogram [1]_ (a 2048-point FFT of 1024-sample windows
    with 3/4 overlap, 1025 bins) is ``Spectrogram(n_fft=2048, win_length=1024,
    hop_length=256)``.

    Parameters
    ----------
    n_fft : int, default=1024
        FFT length; the output has ``1 + n_fft // 2`` frequency bins. Every
        waveform must have at least ``n_fft`` samples.
    hop_length : int or None, default=256
        Samples between frames (``None``: ``win_length // 4``).
    win_length : int or None, default=None
        Window length, at most ``n_fft`` (``None``: ``n_fft``).
    window : str, tuple, callable or array-like, default="hann"
        Window, as for :func:`librosa.filters.get_window`.
    center : bool, default=True
        Pad the waveform so that frame ``t`` is centred at ``t * hop_length``.
    pad_mode : str, default="constant"
        Padding mode when ``center=True``.
    power : float, default=2.0
        Exponent of the magnitude: 1 for amplitude, 2 for power.
    to_db : bool, default=True
        Convert to decibels (:func:`librosa.power_to_db` of the power).
    ref : float or callable, default=1.0
        Reference of the dB scale; a callable such as ``numpy.max`` is applied
        to each spectrogram separately.
    amin : float, default=1e-10
        Floor of the power before taking the log.
    top_db : float or None, default=80.0
        Clip each spectrogram to ``top_db`` below its own peak (``None``: no clip).
    n_jobs : int or None, default=None
        Waveforms processed in parallel (joblib; ``-1`` = all cores).

    Attributes
    ----------
    n_channels_in_ : int
        Channels of the waveforms seen in ``fit``.
    n_features_in_ : int
        Samples per waveform, only for 2D array input.

    See Also
    --------
    MelSpectrogram, FrequencyCompressor

    References
    ----------
    .. [1] K. Bai and H. Wang, "Music Classification with Neural Network",
       Department of Physics, Tsinghua University, report (undated; cites work
       up to 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import Spectrogram
    >>> waves = np.random.default_rng(0).normal(size=(3, 1, 4096))
    >>> Spectrogram(n_fft=512, hop_length=128).fit_transform(waves).shape
    (3, 257, 33)
    """

    _parameter_constraints = {
        **_AudioFeature._stft_constraints,
        "power": [Interval(Real, 0, None, closed="neither")],
        **_DB_CONSTRAINTS,
    }

    def __init__(
        self,
        n_fft=1024,
        *,
        hop_length=256,
        win_length=None,
        window="hann",
        center=True,
        pad_mode="constant",
        power=2.0,
        to_db=True,
        ref=1.0,
        amin=1e-10,
        top_db=80.0,
        n_jobs=None,
    ):
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.power = power
        self.to_db = to_db
        self.ref = ref
        self.amin = amin
        self.top_db = top_db
        self.n_jobs = n_jobs

    def _finish_function(self):
        power, to_db = self.power, self.to_db
        ref, amin, top_db = self.ref, self.amin, self.top_db

        def finish(S, n_samples):
            if to_db:
                S = _to_db(S, power, ref, amin, top_db)
            return S.astype(np.float32, copy=False)

        return finish

    def _channel_names(self):
        return [f"freq{k}" for k in range(1 + self.n_fft // 2)]


_MEL_CONSTRAINTS = {
    "sr": [Interval(Real, 0, None, closed="neither")],
    "n_mels": [Interval(Integral, 1, None, closed="left")],
    "fmin": [Interval(Real, 0, None, closed="left")],
    "fmax": [Interval(Real, 0, None, closed="neither"), None],
    "htk": ["boolean"],
}


class MelSpectrogram(_AudioFeature):
    """Mel spectrogram of every waveform, as :func:`librosa.feature.melspectrogram` gives it.

    Computed by skmusic's torch core (the STFT on :func:`torch.stft`, the
    power, then :func:`librosa.filters.mel`'s bank applied block by block over
    only the FFT bins each band covers; see the module's docstring): equal to
    librosa's within float32 rounding.

    Parameters
    ----------
    sr : float, default=22050
        Sampling rate of the waveforms.
    n_fft : int, default=2048
        FFT length. Every waveform must have at least ``n_fft`` samples.
    hop_length : int or None, default=512
        Samples between frames (``None``: ``win_length // 4``).
    win_length : int or None, default=None
        Window length, at most ``n_fft`` (``None``: ``n_fft``).
    window : str, tuple, callable or array-like, default="hann"
        Window, as for :func:`librosa.filters.get_window`.
    center : bool, default=True
        Pad the waveform so that frame ``t`` is centred at ``t * hop_length``.
    pad_mode : str, default="constant"
        Padding mode when ``center=True``.
    power : float, default=2.0
        Exponent of the magnitude before the mel filter bank.
    n_mels : int, default=128
        Number of mel bands (output channels).
    fmin, fmax : float, default=0.0, None
        Frequency range of the filter bank (``fmax=None``: ``sr / 2``).
    htk : bool, default=False
        HTK mel formula instead of Slaney's.
    norm : {"slaney"}, number or None, default="slaney"
        Normalisation of the mel filters (:func:`librosa.filters.mel`).
    to_db : bool, default=True
        Convert to decibels (:func:`librosa.power_to_db`).
    ref : float or callable, default=1.0
        Reference of the dB scale; a callable such as ``numpy.max`` is applied
        to each spectrogram separately.
    amin : float, default=1e-10
        Floor of the power before taking the log.
    top_db : float or None, default=80.0
        Clip each spectrogram to ``top_db`` below its own peak (``None``: no clip).
    n_jobs : int or None, default=None
        Waveforms processed in parallel (joblib; ``-1`` = all cores).

    Attributes
    ----------
    n_channels_in_ : int
        Channels of the waveforms seen in ``fit``.
    n_features_in_ : int
        Samples per waveform, only for 2D array input.

    See Also
    --------
    Spectrogram, MFCC

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import MelSpectrogram
    >>> waves = [np.zeros((1, 22050)), np.zeros((1, 11025))]
    >>> [m.shape for m in MelSpectrogram(n_mels=64).fit_transform(waves)]
    [(64, 44), (64, 22)]
    """

    _parameter_constraints = {
        **_AudioFeature._stft_constraints,
        **_MEL_CONSTRAINTS,
        "power": [Interval(Real, 0, None, closed="neither")],
        "norm": "no_validation",
        **_DB_CONSTRAINTS,
    }

    def __init__(
        self,
        sr=22050,
        *,
        n_fft=2048,
        hop_length=512,
        win_length=None,
        window="hann",
        center=True,
        pad_mode="constant",
        power=2.0,
        n_mels=128,
        fmin=0.0,
        fmax=None,
        htk=False,
        norm="slaney",
        to_db=True,
        ref=1.0,
        amin=1e-10,
        top_db=80.0,
        n_jobs=None,
    ):
        self.sr = sr
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.power = power
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.htk = htk
        self.norm = norm
        self.to_db = to_db
        self.ref = ref
        self.amin = amin
        self.top_db = top_db
        self.n_jobs = n_jobs

    def _mel_kwargs(self):
        return dict(
            sr=self.sr,
            n_mels=self.n_mels,
            fmin=self.fmin,
            fmax=self.fmax,
            htk=self.htk,
            norm=self.norm,
        )

    _finish_function = Spectrogram._finish_function

    def _channel_names(self):
        return [f"mel{k}" for k in range(self.n_mels)]


class MFCC(_AudioFeature):
    """Mel-frequency cepstral coefficients, as :func:`librosa.feature.mfcc` gives them.

    The mel power spectrogram comes from skmusic's torch core (as
    :class:`MelSpectrogram`, librosa-identical within float32 rounding); its
    decibels (:func:`librosa.power_to_db`) go through
    :func:`librosa.feature.mfcc`'s DCT and liftering.

    Optionally stacks their first and second time derivatives
    (:func:`librosa.feature.delta`) below them as more channels.

    Parameters
    ----------
    sr : float, default=22050
        Sampling rate of the waveforms.
    n_mfcc : int, default=20
        Coefficients per frame.
    delta_order : {0, 1, 2}, default=0
        0: the coefficients only; 1: also their deltas; 2: also the
        delta-deltas. The output has ``n_mfcc * (1 + delta_order)`` channels.
    delta_width : int, default=9
        Frames used per delta (odd, >= 3); every waveform must give at least
        that many frames when ``delta_order > 0``.
    dct_type : {1, 2, 3}, default=2
        Discrete cosine transform type.
    norm : {"ortho"} or None, default="ortho"
        DCT normalisation.
    lifter : float, default=0
        Cepstral liftering (0: none).
    n_fft : int, default=2048
        FFT length. Every waveform must have at least ``n_fft`` samples.
    hop_length : int or None, default=512
        Samples between frames (``None``: ``win_length // 4``).
    win_length : int or None, default=None
        Window length, at most ``n_fft`` (``None``: ``n_fft``).
    window : str, tuple, callable or array-like, default="hann"
    center : bool, default=True
    pad_mode : str, default="constant"
    n_mels : int, default=128
        Mel bands the coefficients are computed from.
    fmin, fmax : float, default=0.0, None
        Frequency range of the filter bank.
    htk : bool, default=False
        HTK mel formula instead of Slaney's.
    mel_norm : {"slaney"}, number or None, default="slaney"
        Normalisation of the mel filters.
    n_jobs : int or None, default=None
        Waveforms processed in parallel (joblib; ``-1`` = all cores).

    Attributes
    ----------
    n_channels_in_ : int
        Channels of the waveforms seen in ``fit``.
    n_features_in_ : int
        Samples per waveform, only for 2D array input.

    See Also
    --------
    MelSpectrogram

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import MFCC
    >>> waves = np.random.default_rng(0).normal(size=(2, 1, 22050))
    >>> MFCC(n_mfcc=13, delta_order=2).fit_transform(waves).shape
    (2, 39, 44)
    """

    _parameter_constraints = {
        **_AudioFeature._stft_constraints,
        **_MEL_CONSTRAINTS,
        "n_mfcc": [Interval(Integral, 1, None, closed="left")],
        "delta_order": [Interval(Integral, 0, 2, closed="both")],
        "delta_width": [Interval(Integral, 3, None, closed="left")],
        "dct_type": [Interval(Integral, 1, 3, closed="both")],
        "norm": [StrOptions({"ortho"}), None],
        "lifter": [Interval(Real, 0, None, closed="left")],
        "mel_norm": "no_validation",
    }

    def __init__(
        self,
        sr=22050,
        *,
        n_mfcc=20,
        delta_order=0,
        delta_width=9,
        dct_type=2,
        norm="ortho",
        lifter=0,
        n_fft=2048,
        hop_length=512,
        win_length=None,
        window="hann",
        center=True,
        pad_mode="constant",
        n_mels=128,
        fmin=0.0,
        fmax=None,
        htk=False,
        mel_norm="slaney",
        n_jobs=None,
    ):
        self.sr = sr
        self.n_mfcc = n_mfcc
        self.delta_order = delta_order
        self.delta_width = delta_width
        self.dct_type = dct_type
        self.norm = norm
        self.lifter = lifter
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length
        self.window = window
        self.center = center
        self.pad_mode = pad_mode
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.htk = htk
        self.mel_norm = mel_norm
        self.n_jobs = n_jobs

    def _check_stft_params(self):
        super()._check_stft_params()
        if self.delta_width % 2 == 0:
            raise ValueError(f"delta_width must be odd, got {self.delta_width}.")

    def _power(self):
        return 2.0

    def _mel_kwargs(self):
        return dict(
            sr=self.sr,
            n_mels=self.n_mels,
            fmin=self.fmin,
            fmax=self.fmax,
            htk=self.htk,
            norm=self.mel_norm,
        )

    def _finish_function(self):
        kwargs = dict(
            n_mfcc=self.n_mfcc, dct_type=self.dct_type, norm=self.norm, lifter=self.lifter
        )
        order, width = self.delta_order, self.delta_width

        def finish(S, n_samples):
            M = librosa.feature.mfcc(S=librosa.power_to_db(S), **kwargs)
            if order:
                if M.shape[-1] < width:
                    raise ValueError(
                        f"A waveform of {n_samples} samples gives {M.shape[-1]} "
                        f"frames, fewer than delta_width={width} that the deltas "
                        "need. Use longer audio, a smaller hop_length or "
                        "delta_width, or delta_order=0."
                    )
                M = np.concatenate(
                    [M]
                    + [librosa.feature.delta(M, width=width, order=k) for k in range(1, order + 1)]
                )
            return M.astype(np.float32, copy=False)

        return finish

    def _channel_names(self):
        names = [f"mfcc{k}" for k in range(self.n_mfcc)]
        for order in range(1, self.delta_order + 1):
            suffix = "_delta" if order == 1 else f"_delta{order}"
            names += [f"mfcc{k}{suffix}" for k in range(self.n_mfcc)]
        return names


def _compression_bands(n_bins, n_low, n_groups, first_octave):
    """(start, stop) bin ranges averaged by :class:`FrequencyCompressor`."""
    bands = [(b, b + 1) for b in range(min(n_low, n_bins))]
    octaves = []
    k = first_octave
    while 2**k < n_bins:
        octaves.append([2**k, min(2 ** (k + 1), n_bins)])
        k += 1
    # A last, partial octave with fewer than n_groups bins joins the one below.
    if len(octaves) > 1 and octaves[-1][1] - octaves[-1][0] < n_groups:
        top = octaves.pop()
        octaves[-1][1] = top[1]
    elif octaves:
        octaves[-1][1] = n_bins
    for start, stop in octaves:
        for group in np.array_split(np.arange(start, stop), min(n_groups, stop - start)):
            bands.append((int(group[0]), int(group[-1]) + 1))
    return bands


class FrequencyCompressor(SequenceTransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Compress the frequency bins of spectrograms into octave groups.

    Bai and Wang [1]_ keep the first 16 of 1025 STFT bins and averages each octave
    above into 8 groups, giving 72 channels. The rule, for ``n_bins`` input
    bins numbered from 0:

    1. bins ``0 .. n_low - 1`` are kept as they are;
    2. for ``k = first_octave, first_octave + 1, ...`` while ``2**k < n_bins``,
       octave ``k`` is the bins ``2**k .. 2**(k + 1) - 1`` (the paper's
       1-based points ``2**k + 1 .. 2**(k + 1)``), cut at ``n_bins``;
    3. the top octave is extended to the last bin, and if it then holds fewer
       than ``n_groups`` bins it joins the octave below (for 1025 bins, bin
       1024 -- Nyquist -- joins octave 512..1023);
    4. each octave is split into ``n_groups`` groups of consecutive bins as
       equal in size as possible (:func:`numpy.array_split`; fewer groups when
       it has fewer bins) and each group is replaced by its mean.

    With the defaults 1025 bins give ``16 + 7 * 8 = 72`` channels and 513 bins
    ``16 + 6 * 8 = 64``. As in the paper, with ``first_octave=3`` the octave
    8..15 overlaps the kept bins, so bins 8..15 appear twice; use
    ``first_octave=4`` for a compression without repeats.

    Parameters
    ----------
    n_low : int, default=16
        Number of lowest bins kept unchanged.
    n_groups : int, default=8
        Groups per octave.
    first_octave : int, default=3
        Lowest octave ``k`` (bins ``2**k ..``) that is grouped.

    Attributes
    ----------
    bands_ : list of (int, int)
        ``(start, stop)`` input bins averaged into each output channel.
    weights_ : ndarray of shape (n_channels_out, n_channels_in)
        The averaging matrix applied to every frame.
    n_channels_in_ : int
        Input bins seen in ``fit``.
    n_features_in_ : int
        Only for 2D array input (single-channel sequences).

    References
    ----------
    .. [1] K. Bai and H. Wang, "Music Classification with Neural Network",
       Department of Physics, Tsinghua University, report (undated; cites work
       up to 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.features import FrequencyCompressor
    >>> spectrograms = np.ones((2, 1025, 600), dtype=np.float32)
    >>> FrequencyCompressor().fit_transform(spectrograms).shape
    (2, 72, 600)
    """

    _parameter_constraints = {
        "n_low": [Interval(Integral, 0, None, closed="left")],
        "n_groups": [Interval(Integral, 1, None, closed="left")],
        "first_octave": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(self, n_low=16, *, n_groups=8, first_octave=3):
        self.n_low = n_low
        self.n_groups = n_groups
        self.first_octave = first_octave

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Work out the bands for the number of bins of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_spectrograms, n_bins, n_frames) or list \
                of array-like of shape (n_bins, n_frames_i)
            Spectrograms (e.g. from :class:`Spectrogram`).
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        if self.n_low < 2**self.first_octave:
            gap = f"{self.n_low}..{2**self.first_octave - 1}"
            raise ValueError(
                f"Bins {gap} would be dropped: n_low={self.n_low} stops below the "
                f"first grouped octave (2**first_octave = {2**self.first_octave}). "
                "Raise n_low or lower first_octave."
            )
        batch = validate_batch(self, X, reset=True)
        n_bins = batch[0].shape[0]
        self.bands_ = _compression_bands(n_bins, self.n_low, self.n_groups, self.first_octave)
        weights = np.zeros((len(self.bands_), n_bins), dtype=np.float32)
        for row, (start, stop) in enumerate(self.bands_):
            weights[row, start:stop] = 1.0 / (stop - start)
        self.weights_ = weights
        return self

    def transform(self, X):
        """Average the bins of every frame into the bands.

        Parameters
        ----------
        X : array-like of shape (n_spectrograms, n_bins, n_frames) or list \
                of array-like of shape (n_bins, n_frames_i)
            Spectrograms with the number of bins seen in ``fit``.

        Returns
        -------
        Xt : ndarray of shape (n_spectrograms, n_bands, n_frames) or list of \
                ndarray of shape (n_bands, n_frames_i)
            Same layout as ``X``.
        """
        check_is_fitted(self)
        batch, layout = validate_batch(self, X, reset=False, return_layout=True)
        if layout == "list":
            items = [self.weights_ @ seq for seq in batch]
        else:
            items = np.matmul(self.weights_, batch)
        return restore_layout(items, layout)

    def get_feature_names_out(self, input_features=None):
        """Names of the output channels.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the input bins (e.g. ``Spectrogram().get_feature_names_out()``);
            by default ``"bin0"``, ``"bin1"``, ... A group is named
            ``"<first>-<last>"`` after the bins it averages.

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self)
        if hasattr(self, "n_features_in_"):
            _check_feature_names_in(self, input_features)
            input_features = None
        if input_features is None:
            input_features = [f"bin{b}" for b in range(self.n_channels_in_)]
        elif len(input_features) != self.n_channels_in_:
            raise ValueError(
                f"input_features has {len(input_features)} names, but "
                f"{self.n_channels_in_} bins were seen in fit."
            )
        names = [
            str(input_features[a]) if b - a == 1 else f"{input_features[a]}-{input_features[b - 1]}"
            for a, b in self.bands_
        ]
        return np.asarray(names, dtype=object)
