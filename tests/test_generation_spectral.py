"""SpectralGenerator, its MeanSpectrumGenerator baseline and the Griffin-Lim inversion."""

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from skmusic.features import MelSpectrogram
from skmusic.generation import (
    ClassConditionalGenerator,
    MeanSpectrumGenerator,
    SpectralGenerator,
    mel_to_waveform,
)

SR = 2000
MEL = dict(sr=SR, n_fft=128, hop_length=32, n_mels=12)
TINY = dict(
    **MEL,
    width=6,
    conv_channels=4,
    hidden_size=4,
    n_components=2,
    n_iter=4,
    max_epochs=2,
    random_state=0,
)


def tones(pitches, seconds=1.0, note=0.1, seed=0):
    """A melody of sine tones (one per ``note`` seconds), mono (1, n)."""
    rng = np.random.default_rng(seed)
    n = int(note * SR)
    t = np.arange(n) / SR
    seq = rng.choice(pitches, int(seconds / note))
    return np.concatenate([0.4 * np.sin(2 * np.pi * f * t) for f in seq])[None].astype(np.float32)


@pytest.fixture(scope="module")
def X():
    return np.stack([tones([200, 300, 400, 600], seed=s) for s in range(4)])


@pytest.fixture(scope="module")
def fitted(X):
    return SpectralGenerator(**TINY).fit(X)


def test_fit_sample_score_shapes(X, fitted):
    n_out = round(0.3 * SR)
    one = fitted.sample(X[0, :, :800], seconds=0.3)
    assert one.shape == (1, n_out) and one.dtype == np.float32
    batch = fitted.sample(X[:3, :, :800], seconds=0.3)
    assert batch.shape == (3, 1, n_out)
    free = fitted.sample(seconds=0.3, n_samples=2)
    assert free.shape == (2, 1, n_out)
    assert np.isfinite(batch).all() and batch.std() > 0.01
    score = fitted.score(X)
    assert np.isfinite(score)
    assert fitted.score_samples(X).shape == (4,)
    assert fitted.mean_.shape == fitted.scale_.shape == (12,)
    assert fitted.n_channels_in_ == 1


def test_ragged_input(X):
    ragged = [X[0], X[1, :, :1500], X[2, :, :1200]]
    gen = SpectralGenerator(**TINY).fit(ragged)
    assert gen.score_samples(ragged).shape == (3,)
    assert gen.sample([x[:, :700] for x in ragged], seconds=0.1).shape == (3, 1, 200)


def test_clone_and_joblib_reload(X, fitted, tmp_path):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params() and not hasattr(copy, "net_")
    path = tmp_path / "gen.joblib"
    joblib.dump(fitted, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(
        loaded.sample(X[0, :, :800], seconds=0.2, random_state=3),
        fitted.sample(X[0, :, :800], seconds=0.2, random_state=3),
    )
    assert loaded.score(X) == pytest.approx(fitted.score(X))


def test_seed_gives_the_same_clip(X, fitted):
    a = fitted.sample(X[0, :, :800], seconds=0.2, random_state=1)
    b = fitted.sample(X[0, :, :800], seconds=0.2, random_state=1)
    c = fitted.sample(X[0, :, :800], seconds=0.2, random_state=2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # and the same seed at fit gives the same model
    again = SpectralGenerator(**TINY).fit(X)
    np.testing.assert_array_equal(again.sample(X[0, :, :800], seconds=0.2, random_state=1), a)


def test_output_level_matches_the_training_audio(X, fitted):
    clips = fitted.sample(X[:2, :, :800], seconds=0.5, random_state=0)
    rms = np.sqrt(np.mean(clips.astype(np.float64) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(rms, fitted.rms_, rtol=1e-4)
    assert fitted.rms_ == pytest.approx(float(np.sqrt(np.mean(X.astype(np.float64) ** 2))))
    raw = clone(fitted).set_params(loudness=None)
    raw.__dict__.update({k: v for k, v in vars(fitted).items() if k.endswith("_")})
    assert not np.allclose(raw.sample(X[:2, :, :800], seconds=0.5, random_state=0), clips)


def test_inversion_length_rate_and_pitch():
    """Griffin-Lim from a tone's mel spectrogram: the asked length, and the tone's pitch."""
    t = np.arange(SR) / SR
    tone = (0.5 * np.sin(2 * np.pi * 440 * t))[None, None]
    S = MelSpectrogram(**MEL, n_jobs=None).fit_transform(tone)[0]
    for length in (SR, 1234):
        y = mel_to_waveform(S, sr=SR, n_fft=128, hop_length=32, length=length, random_state=0)
        assert y.shape == (1, length) and y.dtype == np.float32
    spectrum = np.abs(np.fft.rfft(y[0, :1024]))
    peak_hz = np.argmax(spectrum) * SR / 1024
    assert abs(peak_hz - 440) < 60  # the mel bands are ~50 Hz wide here
    default = mel_to_waveform(S, sr=SR, n_fft=128, hop_length=32, random_state=0)
    assert default.shape == (1, 32 * (S.shape[1] - 1))


def test_sample_length_follows_sr(fitted, X):
    assert fitted.sample(X[0, :, :800], seconds=1.25).shape == (1, round(1.25 * SR))


def test_spectral_beats_the_baseline_on_held_out_frames():
    """A melody's next frame follows from the last: the sequence model scores
    held-out melodies far above independent frames around the mean spectrum."""
    train = np.stack([tones([200, 300, 400, 600], seconds=2.0, seed=s) for s in range(6)])
    test = np.stack([tones([200, 300, 400, 600], seconds=2.0, seed=s) for s in (10, 11)])
    params = {**TINY, "max_epochs": 8, "hidden_size": 8, "conv_channels": 8, "patience": None}
    gen = SpectralGenerator(**params).fit(train)
    base = MeanSpectrumGenerator(**MEL).fit(train)
    assert gen.score(test) > base.score(test) + 0.5


def test_baseline_shapes_and_seed(X):
    base = MeanSpectrumGenerator(**MEL, n_iter=4, random_state=0).fit(X)
    clips = base.sample(seconds=0.4, n_samples=3)
    assert clips.shape == (3, 1, round(0.4 * SR))
    np.testing.assert_array_equal(clips, base.sample(seconds=0.4, n_samples=3))
    assert base.sample(X[:2], seconds=0.1).shape == (2, 1, 200)  # one clip per prompt
    assert base.score_samples(X).shape == (4,) and np.isfinite(base.score(X))
    rms = np.sqrt(np.mean(clips.astype(np.float64) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(rms, base.rms_, rtol=1e-4)


def test_class_conditional_spectral_generators(X):
    y = ["low", "low", "high", "high"]
    model = ClassConditionalGenerator(SpectralGenerator(**TINY)).fit(X, y)
    assert model.sample("high", X[2, :, :800], seconds=0.1).shape == (1, 200)
    assert model.score_samples(X).shape == (4, 2)


def test_bad_input_gets_clear_errors(X, fitted):
    with pytest.raises(ValueError, match="too short to prompt"):
        fitted.sample(X[0, :, :100], seconds=0.1)
    with pytest.raises(ValueError, match="sampling rate is 44100 Hz"):
        SpectralGenerator(**TINY).fit(X, sr=44100)
    with pytest.raises(ValueError, match="sampling rate is 22050 Hz"):
        fitted.sample(X[0, :, :800], sr=22050)
    with pytest.raises(ValueError, match="sampling rate"):
        MeanSpectrumGenerator(**MEL).fit(X, sr=8000)
    with pytest.raises(ValueError, match="mono audio"):
        SpectralGenerator(**TINY).fit(np.concatenate([X, X], axis=1))
    with pytest.raises(ValueError, match="fewer than the"):
        SpectralGenerator(**TINY).fit(X[:, :, :100])
    with pytest.raises(ValueError, match="seconds must be a positive number"):
        fitted.sample(X[0, :, :800], seconds=0)
    with pytest.raises(ValueError, match="temperature"):
        fitted.sample(X[0, :, :800], temperature=-1)
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        fitted.sample(n_samples=0)


def test_equalizer_is_learned_and_can_be_turned_off(X, fitted):
    assert fitted.stft_gain_.shape == (1 + 128 // 2,)
    assert np.all(fitted.stft_gain_ > 0)
    plain = SpectralGenerator(**TINY, equalize=False).fit(X)
    assert plain.stft_gain_ is None
    # the same network (same seed), only the inversion differs
    a = plain.sample(X[0, :, :800], seconds=0.2, random_state=0)
    b = fitted.sample(X[0, :, :800], seconds=0.2, random_state=0)
    assert a.shape == b.shape and not np.allclose(a, b)
