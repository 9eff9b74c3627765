"""The numerical core of the audio features: librosa's STFT and mel spectrogram on torch.

librosa computes the STFT of a float32 waveform in float64, one waveform at a
time, takes ``np.abs(S) ** power`` and multiplies by the dense mel filter bank.
The same conventions -- librosa's window (:func:`librosa.filters.get_window`,
centred in ``n_fft`` by :func:`librosa.util.pad_center`), centring by
:func:`numpy.pad` in ``pad_mode``, the frame count, the mel filters of
:func:`librosa.filters.mel` -- run here on :func:`torch.stft` in float32 over a
chunk of waveforms of one length at a time, the power as ``re**2 + im**2`` and
the mel product block by block: each block of a few mel bands is multiplied
with only the FFT bins its filters cover (a few percent of the dense product's
work). The output matches librosa's within float32 rounding.

torch serves only as a numerical backend: it is imported when a transform runs.
"""

from contextlib import contextmanager

import librosa
import numpy as np

# STFT output (complex64) per chunk of waveforms: a 30 s clip at 22,050 Hz with
# n_fft=2048, hop 512 is about 10 MiB, so one clip per chunk; 5 s clips go 2 by 2.
# Small on purpose: each of n_jobs workers holds one chunk's STFT, power and
# temporaries (about 2.5 times the budget) at a time, and finer chunks balance the
# workers; one clip per chunk is no slower than three (benchmarks/bench_features.py
# times both).
_CHUNK_BYTES = 4 * 2**20

_NUMPY_PAD_MODES = {"constant", "edge", "reflect", "symmetric"}

# Mel bands per block of the filter-bank product (measured: 8 does the least work).
_BLOCK_BANDS = 8


@contextmanager
def torch_threads(n):
    """Run the body with ``n`` torch intra-op threads, then restore the number."""
    import torch

    before = torch.get_num_threads()
    if before == n:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def stft_window(window, n_fft, win_length):
    """librosa's analysis window: ``get_window(..., fftbins=True)`` centred in ``n_fft``."""
    win_length = n_fft if win_length is None else win_length
    fft_window = librosa.filters.get_window(window, win_length, fftbins=True)
    return librosa.util.pad_center(fft_window, size=n_fft).astype(np.float32)


def n_frames(n_samples, n_fft, hop_length, center):
    """Frames librosa's STFT gives for a waveform of ``n_samples``."""
    if center:
        n_samples = n_samples + 2 * (n_fft // 2)
    return 1 + (n_samples - n_fft) // hop_length


class SpectralCore:
    """Power (or magnitude) spectrograms, optionally mel, of chunks of waveforms.

    Parameters are librosa's (:func:`librosa.stft`, :func:`librosa.filters.mel`);
    ``mel`` is ``None`` for a linear-frequency spectrogram, else a dict of
    :func:`librosa.filters.mel` arguments (``sr``, ``n_mels``, ``fmin``, ...).
    Calling it on a 2D float32 array ``(n_waveforms, n_samples)`` gives a 3D
    float32 array ``(n_waveforms, n_bins, n_frames)``.
    """

    def __init__(self, *, n_fft, hop_length, win_length, window, center, pad_mode, power, mel=None):
        if center and pad_mode not in _NUMPY_PAD_MODES:
            raise librosa.util.exceptions.ParameterError(
                f"pad_mode='{pad_mode}' is not supported by librosa.stft"
            )
        self.n_fft = n_fft
        win = n_fft if win_length is None else win_length
        self.hop_length = win // 4 if hop_length is None else hop_length
        self.center = center
        self.pad_mode = pad_mode
        self.power = power
        self.window = stft_window(window, n_fft, win_length)
        self.mel_basis = None if mel is None else librosa.filters.mel(n_fft=n_fft, **mel)
        self.mel_blocks = None if mel is None else _band_blocks(self.mel_basis)

    def chunk_size(self, n_samples):
        """Waveforms of ``n_samples`` per chunk, within the memory budget."""
        frames = n_frames(n_samples, self.n_fft, self.hop_length, self.center)
        per_wave = (self.n_fft // 2 + 1) * max(frames, 1) * 8
        return max(1, _CHUNK_BYTES // per_wave)

    def __call__(self, waves):
        import torch

        if self.center:
            half = self.n_fft // 2
            waves = np.pad(waves, ((0, 0), (half, half)), mode=self.pad_mode)
        x = torch.from_numpy(np.ascontiguousarray(waves, dtype=np.float32))
        S = torch.stft(
            x,
            self.n_fft,
            self.hop_length,
            window=torch.from_numpy(self.window),
            center=False,
            return_complex=True,
        )
        parts = torch.view_as_real(S)
        P = parts[..., 0].square() + parts[..., 1].square()  # |S|**2
        if self.power == 1.0:
            P = P.sqrt()
        elif self.power != 2.0:
            P = P.pow(self.power / 2.0)
        if self.mel_basis is None:
            return P.numpy()
        return torch.cat(
            [torch.matmul(weights, P[:, lo:hi]) for lo, hi, weights in self.mel_blocks], dim=1
        ).numpy()


def _band_blocks(basis, size=_BLOCK_BANDS):
    """The filter bank as blocks of ``size`` bands, each with the FFT bins it covers.

    Returns a list of ``(lo, hi, weights)``: bins ``lo:hi`` and the block's filters
    restricted to them, a torch tensor of shape ``(n_bands_in_block, hi - lo)``.
    """
    import torch

    blocks = []
    for start in range(0, basis.shape[0], size):
        rows = basis[start : start + size]
        covered = np.flatnonzero(rows.any(axis=0))
        lo, hi = (int(covered[0]), int(covered[-1]) + 1) if covered.size else (0, 0)
        blocks.append((lo, hi, torch.from_numpy(np.ascontiguousarray(rows[:, lo:hi]))))
    return blocks


def equal_length_chunks(lengths, chunk_size):
    """Indices of the items, grouped by length, in chunks of at most ``chunk_size(length)``."""
    lengths = np.asarray(lengths)
    chunks = []
    for length in np.unique(lengths):
        idx = np.flatnonzero(lengths == length)
        size = chunk_size(int(length))
        chunks.extend(idx[a : a + size] for a in range(0, len(idx), size))
    return chunks
