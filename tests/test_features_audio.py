"""Audio feature transformers: Spectrogram, MelSpectrogram, MFCC, FrequencyCompressor."""

import joblib
import librosa
import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skmusic.features import (
    MFCC,
    ChannelScaler,
    FrequencyCompressor,
    MelSpectrogram,
    SequenceStats,
    Spectrogram,
)
from skmusic.io import AudioLoader

SR = 22050


def _tones(lengths, sr=SR, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    t = [np.arange(n) / sr for n in lengths]
    return [
        (
            np.sin(2 * np.pi * rng.uniform(100, 2000) * ti)[None].repeat(channels, 0)
            + 0.01 * rng.standard_normal((channels, len(ti)))
        ).astype(np.float32)
        for ti in t
    ]


# --- shapes and layouts ---------------------------------------------------------------


@pytest.mark.parametrize(
    "step, n_bins",
    [
        (Spectrogram(n_fft=512, hop_length=128), 257),
        (MelSpectrogram(n_fft=512, hop_length=128, n_mels=40), 40),
        (MFCC(n_fft=512, hop_length=128, n_mfcc=13), 13),
    ],
)
def test_ragged_in_ragged_out_and_arrays(step, n_bins):
    waves = _tones([4096, 8192, 5000])
    out = step.fit_transform(waves)
    assert isinstance(out, list)
    assert [o.shape for o in out] == [(n_bins, 1 + n // 128) for n in (4096, 8192, 5000)]
    assert all(o.dtype == np.float32 for o in out)
    # 3D array in -> 3D array out, same values as the list
    arr = np.stack(_tones([4096] * 3))
    out3 = step.fit_transform(arr)
    assert out3.shape == (3, n_bins, 33)
    np.testing.assert_allclose(out3[0], step.transform([arr[0]])[0])
    # 2D (n, T) = mono waveforms -> 3D
    assert step.fit_transform(arr[:, 0]).shape == (3, n_bins, 33)
    names = step.get_feature_names_out()
    assert len(names) == n_bins


def test_mel_matches_librosa():
    wave = _tones([SR])[0]
    ours = MelSpectrogram(n_mels=64).fit_transform([wave])[0]
    ref = librosa.power_to_db(
        librosa.feature.melspectrogram(y=wave[0], sr=SR, n_fft=2048, hop_length=512, n_mels=64)
    )
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-4)
    raw = MelSpectrogram(n_mels=64, to_db=False).fit_transform([wave])[0]
    np.testing.assert_allclose(raw, librosa.db_to_power(ref), rtol=1e-3)


def _close_to(ours, ref, rtol=2e-5):
    """Equal within float32 FFT rounding: errors relative to each spectrogram's peak."""
    assert ours.shape == ref.shape
    scale = np.abs(ref).max()
    np.testing.assert_allclose(ours, ref, rtol=0, atol=rtol * scale)


STFT_SETTINGS = [
    {},
    {"center": False},
    {"pad_mode": "reflect", "win_length": 1024, "window": "hamming"},
    {"hop_length": None, "n_fft": 1024, "pad_mode": "edge"},
]


@pytest.mark.parametrize("stft", STFT_SETTINGS)
def test_torch_core_matches_librosa_on_rendered_music(audio_files, stft):
    waves = [w.astype(np.float32) for w in audio_files.data[:4]]
    kwargs = {"n_fft": 2048, "hop_length": 512, **stft}
    for power in (1.0, 2.0):
        ours = Spectrogram(power=power, to_db=False, **kwargs).fit_transform(waves)
        for w, S in zip(waves, ours, strict=True):
            _close_to(S, np.abs(librosa.stft(w[0], **kwargs)) ** power)
    mel = {"n_mels": 64, "fmin": 50.0, "fmax": 8000.0}
    for extra in ({}, {"htk": True, "norm": None}):
        ours = MelSpectrogram(to_db=False, **kwargs, **mel, **extra).fit_transform(waves)
        for w, S in zip(waves, ours, strict=True):
            _close_to(S, librosa.feature.melspectrogram(y=w[0], sr=SR, **kwargs, **mel, **extra))
    db = MelSpectrogram(ref=np.max, top_db=60.0, **kwargs).fit_transform(waves)
    for w, S in zip(waves, db, strict=True):
        ref = librosa.power_to_db(
            librosa.feature.melspectrogram(y=w[0], sr=SR, **kwargs), ref=np.max, top_db=60.0
        )
        np.testing.assert_allclose(S, ref, atol=2e-3)  # dB of values above the floor
    mfcc = MFCC(n_mfcc=13, lifter=22, **kwargs).fit_transform(waves)
    for w, M in zip(waves, mfcc, strict=True):
        _close_to(M, librosa.feature.mfcc(y=w[0], sr=SR, n_mfcc=13, lifter=22, **kwargs))


def test_equal_lengths_are_batched_and_give_what_one_at_a_time_gives(audio_files):
    waves = [w.astype(np.float32) for w in audio_files.data[:6]]
    mixed = [w[:, : 20000 + 3000 * (i % 2)] for i, w in enumerate(waves)]  # two lengths
    step = MelSpectrogram(n_mels=40).fit(mixed)
    together = step.transform(mixed)
    for w, S in zip(mixed, together, strict=True):
        np.testing.assert_array_equal(S, step.transform([w])[0])
    as_array = step.transform(np.stack([w[:, :20000] for w in waves]))
    for w, S in zip(waves, as_array, strict=True):
        np.testing.assert_array_equal(S, step.transform([w[:, :20000]])[0])


def test_pad_mode_wrap_is_refused_as_librosa_does():
    with pytest.raises(librosa.util.exceptions.ParameterError, match="pad_mode='wrap'"):
        Spectrogram(pad_mode="wrap").fit_transform(_tones([4096]))


def test_spectrogram_power_and_db():
    wave = _tones([8192])[0]
    mag = Spectrogram(power=1.0, to_db=False).fit_transform([wave])[0]
    ref = np.abs(librosa.stft(wave[0], n_fft=1024, hop_length=256))
    # float32 FFT (librosa's runs in float64): errors scale with the frame's peak
    np.testing.assert_allclose(mag, ref, rtol=1e-5, atol=1e-6 * ref.max())
    db1 = Spectrogram(power=1.0).fit_transform([wave])[0]
    db2 = Spectrogram(power=2.0).fit_transform([wave])[0]
    np.testing.assert_allclose(db1, db2, atol=1e-3)  # same decibels either way


def test_multichannel_is_averaged_to_mono():
    stereo = _tones([6000], channels=2, seed=3)[0]
    stereo[1] *= 0.5
    step = MelSpectrogram(n_mels=32).fit([stereo])
    np.testing.assert_allclose(
        step.transform([stereo])[0],
        step.transform([stereo.mean(axis=0, keepdims=True)])[0],
        rtol=1e-5,
    )


def test_mfcc_deltas_are_stacked():
    wave = _tones([SR])
    plain = MFCC(n_mfcc=13).fit_transform(wave)[0]
    step = MFCC(n_mfcc=13, delta_order=2)
    full = step.fit_transform(wave)[0]
    assert full.shape == (39, plain.shape[1])
    np.testing.assert_allclose(full[:13], plain)
    np.testing.assert_allclose(full[13:26], librosa.feature.delta(plain), rtol=1e-4, atol=1e-4)
    names = step.get_feature_names_out()
    assert names[0] == "mfcc0" and names[13] == "mfcc0_delta" and names[-1] == "mfcc12_delta2"


def test_n_jobs_gives_the_same_result():
    waves = _tones([5000, 7000, 6000, 9000])
    one = MelSpectrogram(n_mels=32, n_fft=1024).fit_transform(waves)
    two = MelSpectrogram(n_mels=32, n_fft=1024, n_jobs=2).fit_transform(waves)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


# --- FrequencyCompressor ----------------------------------------------------------------


def test_frequency_compressor_reproduces_bai_and_wang():
    # 2048-point FFT of 1024-sample windows, 3/4 overlap: 1025 bins -> 72
    wave = _tones([SR])
    spec = Spectrogram(n_fft=2048, win_length=1024, hop_length=256).fit_transform(wave)
    assert spec[0].shape[0] == 1025
    comp = FrequencyCompressor().fit(spec)
    out = comp.transform(spec)[0]
    assert out.shape == (72, spec[0].shape[1])
    bands = comp.bands_
    assert bands[:16] == [(b, b + 1) for b in range(16)]
    # octave 2^k+1..2^(k+1) (1-based) = bins 2^k..2^(k+1)-1, 8 groups each, k = 3..9
    assert bands[16:24] == [(b, b + 1) for b in range(8, 16)]
    assert bands[24] == (16, 18) and bands[31] == (30, 32)
    # the top octave takes bin 1024 (Nyquist) too: 513 bins, the first group one more
    assert bands[64] == (512, 577) and bands[65] == (577, 641) and bands[71] == (961, 1025)
    np.testing.assert_allclose(out[24], spec[0][16:18].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(out[71], spec[0][961:1025].mean(axis=0), rtol=1e-4)
    names = comp.get_feature_names_out()
    assert names[0] == "bin0" and names[24] == "bin16-bin17" and len(names) == 72


@pytest.mark.parametrize(
    "n_bins, params, n_out",
    [(513, {}, 64), (1025, {"first_octave": 4}, 64), (1000, {}, 72), (10, {}, 12), (1, {}, 1)],
)
def test_frequency_compressor_any_number_of_bins(n_bins, params, n_out):
    X = np.random.default_rng(0).random((2, n_bins, 5))
    comp = FrequencyCompressor(**params).fit(X)
    out = comp.transform(X)
    assert out.shape == (2, n_out, 5)
    # every input bin is averaged into some output channel
    covered = np.zeros(n_bins, bool)
    for a, b in comp.bands_:
        covered[a:b] = True
    assert covered.all()


def test_frequency_compressor_names_from_upstream_and_errors():
    spec = Spectrogram(n_fft=64, hop_length=16).fit_transform(_tones([512]))
    comp = FrequencyCompressor(n_low=8).fit(spec)
    names = comp.get_feature_names_out(Spectrogram(n_fft=64).fit(spec).get_feature_names_out())
    assert names[0] == "freq0" and "freq8" in names[8]
    with pytest.raises(ValueError, match="input_features has 3 names"):
        comp.get_feature_names_out(["a", "b", "c"])
    with pytest.raises(ValueError, match="would be dropped"):
        FrequencyCompressor(n_low=4, first_octave=4).fit(spec)
    with pytest.raises(ValueError, match="fitted on 33 channel"):
        comp.transform(np.zeros((1, 20, 4)))


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("step", [Spectrogram(), MelSpectrogram(), MFCC()])
def test_bad_input_messages(step):
    good = _tones([4096])
    step.fit(good)
    with pytest.raises(ValueError, match=r"fewer than the \d+ this step needs \(n_fft="):
        step.transform(_tones([100]))
    bad = good[0].copy()
    bad[0, 7] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        step.fit([bad])
    with pytest.raises(ValueError, match="4 dimension"):
        step.fit(np.zeros((2, 1, 1, 4096)))
    with pytest.raises(ValueError, match="Reshape your data"):
        step.transform(good[0][0])
    with pytest.raises(TypeError, match="sparse"):
        step.fit(sparse.csr_matrix(np.ones((2, 4096))))
    with pytest.raises(ValueError, match="is a string"):
        step.fit("song.wav")


def test_bad_parameters():
    with pytest.raises(ValueError, match="win_length=2048 is larger than n_fft=1024"):
        Spectrogram(win_length=2048).fit(_tones([4096]))
    with pytest.raises(ValueError, match="n_mels"):
        MelSpectrogram(n_mels=0).fit(_tones([4096]))
    with pytest.raises(ValueError, match="delta_width must be odd"):
        MFCC(delta_order=1, delta_width=4).fit(_tones([4096]))
    with pytest.raises(ValueError, match="fewer than delta_width=9"):
        MFCC(delta_order=1).fit_transform(_tones([2048]))


# --- like a user: pipelines from paths ----------------------------------------------------


def test_pipeline_from_paths_cross_val_and_persist(audio_files, tmp_path):
    paths, y = list(audio_files.filenames), audio_files.target
    model = make_pipeline(
        AudioLoader(sr=audio_files.sr),
        MelSpectrogram(sr=audio_files.sr, n_mels=32),
        ChannelScaler(),
        SequenceStats(),
        LogisticRegression(max_iter=500),
    )
    scores = cross_val_score(model, paths, y, cv=StratifiedKFold(3))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    model.fit(paths, y)
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(loaded.predict(paths[:3]), model.predict(paths[:3]))
    names = model[1:-1].get_feature_names_out()
    assert names[0] == "mel0_mean" and len(names) == 32 * 4


def test_paths_to_compressed_spectrogram_with_cache_and_grid(audio_files, tmp_path):
    paths, y = list(audio_files.filenames), audio_files.target
    features = make_pipeline(
        AudioLoader(sr=audio_files.sr),
        Spectrogram(n_fft=2048, win_length=1024, hop_length=256),
        FrequencyCompressor(),
        memory=str(tmp_path / "cache"),
    )
    first = features.fit_transform(paths)
    again = clone(features).fit_transform(paths)  # loaded from the cache
    assert [a.shape[0] for a in first] == [72] * len(paths)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    model = make_pipeline(
        MFCC(sr=audio_files.sr, n_mfcc=13), SequenceStats(), LogisticRegression(max_iter=500)
    )
    grid = GridSearchCV(model, {"mfcc__delta_order": [0, 1]}, cv=StratifiedKFold(2))
    grid.fit([wave[:, : 2 * audio_files.sr] for wave in audio_files.data], y)  # 2 s each
    assert grid.best_params_["mfcc__delta_order"] in (0, 1)
