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
    mel_to_stft_power,
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


def test_mel_to_stft_power_rebuilds_quiet_bands_in_db():
    """The divergence fit keeps every band's level, the quiet ones too."""
    import librosa

    rng = np.random.default_rng(0)
    basis = librosa.filters.mel(sr=SR, n_fft=128, n_mels=12)
    # a loud low band and high bands 60 dB quieter
    true = rng.random((65, 20)) * np.logspace(0, -6, 65)[:, None]
    mel = basis @ true
    rebuilt = basis @ mel_to_stft_power(mel, sr=SR, n_fft=128)
    error_db = np.abs(10 * np.log10(rebuilt / mel))
    assert error_db.max() < 1.0
    assert mel_to_stft_power(mel, sr=SR, n_fft=128).min() >= 0


@pytest.mark.parametrize("kind", ["spectral", "baseline"])
def test_resynthesize_gives_real_audio_through_the_inversion(X, fitted, kind):
    gen = fitted if kind == "spectral" else MeanSpectrumGenerator(**MEL, n_iter=4).fit(X)
    out = gen.resynthesize(X[:2], random_state=0)
    assert out.shape == (2, 1, X.shape[-1]) and out.dtype == np.float32
    np.testing.assert_array_equal(out, gen.resynthesize(X[:2], random_state=0))
    rms = np.sqrt(np.mean(out.astype(np.float64) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(rms, gen.rms_, rtol=1e-4)
    ragged = gen.resynthesize([X[0], X[1, :, :1500]], random_state=0)
    assert [r.shape for r in ragged] == [(1, X.shape[-1]), (1, 1500)]
    with pytest.raises(ValueError, match="sampling rate"):
        gen.resynthesize(X[:1], sr=8000)


def test_codebook_is_the_mixtures_fixed_components(X, fitted):
    n_codes = fitted.codebook_.shape[0]
    assert fitted.codebook_.shape == fitted.codebook_scale_.shape == (n_codes, 12)
    assert n_codes <= fitted.n_codes and np.all(fitted.codebook_scale_ >= 0.05)
    # the module holds the codebook and the three holds (its last components); only
    # the mixing weights are trained
    module = fitted.net_.module_
    np.testing.assert_array_equal(module.codebook[:-3].numpy(), fitted.codebook_)
    np.testing.assert_allclose(
        module.codebook_log_std[-3:].numpy(), np.log(fitted.hold_scale_), rtol=1e-6
    )
    assert "codebook" not in dict(module.named_parameters())
    # without the holds: the codes alone
    codes_only = SpectralGenerator(**TINY, hold=False).fit(X)
    assert codes_only.hold_scale_ is None
    np.testing.assert_array_equal(codes_only.net_.module_.codebook.numpy(), fitted.codebook_)
    assert codes_only.sample(X[0, :, :800], seconds=0.1).shape == (1, 200)
    # the free mixture stays available
    free = SpectralGenerator(**{**TINY, "n_codes": None}).fit(X)
    assert free.codebook_ is None and free.hold_scale_ is None and np.isfinite(free.score(X))
    assert free.sample(X[0, :, :800], seconds=0.1).shape == (1, 200)
    # fewer distinct frames than codes: one code per distinct frame at most
    few = SpectralGenerator(**{**TINY, "n_codes": 5000}).fit(X)
    assert few.codebook_.shape[0] < 5000


def steady_tone(seed, seconds=1.0):
    """One steady tone at a pitch of its own (a recording no other one shares)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.4 * np.sin(2 * np.pi * rng.uniform(150, 900) * t)
    return (tone + 0.01 * rng.standard_normal(len(t)))[None].astype(np.float32)


def test_codebook_smoothing_keeps_held_out_recordings_above_the_baseline():
    """Every recording its own pitch: held-out frames fall between the codes.
    Unsmoothed codes give them almost no density (far below the mean-spectrum
    baseline); the smoothing chosen by cross-validation over whole waveforms
    brings the score above the baseline's."""
    train = np.stack([steady_tone(s) for s in range(8)])
    test = np.stack([steady_tone(s) for s in (20, 21, 22)])
    codes = {**TINY, "hold": False}  # the codebook alone (the hold would cover them)
    auto = SpectralGenerator(**codes).fit(train)
    tight = SpectralGenerator(**codes, codebook_smoothing=0.0).fit(train)
    base = MeanSpectrumGenerator(**MEL).fit(train)
    assert auto.codebook_smoothing_ >= 0.3 and tight.codebook_smoothing_ == 0.0
    assert tight.score(test) < base.score(test) - 5
    assert auto.score(test) > base.score(test)
    # the spreads are the members' own plus the smoothing, the codes unchanged
    np.testing.assert_allclose(
        auto.codebook_scale_**2 - auto.codebook_smoothing_,
        np.maximum(tight.codebook_scale_**2, 0.05**2),
        rtol=1e-4,
        atol=1e-6,
    )
    np.testing.assert_array_equal(auto.codebook_, tight.codebook_)
    fixed = SpectralGenerator(**codes, codebook_smoothing=0.5).fit(train)
    assert fixed.codebook_smoothing_ == 0.5
    # one recording: the smoothing is chosen over its quarters
    one = SpectralGenerator(**codes).fit(train[:1])
    assert one.codebook_smoothing_ in (0.0, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
    with pytest.raises(ValueError, match="codebook_smoothing"):
        SpectralGenerator(**TINY, codebook_smoothing=-1.0).fit(train)


def held_notes(seed, seconds=2.0, note=0.5):
    """Half-second notes at pitches of their own: each frame mostly the one before."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(note * SR)) / SR
    attack = np.minimum(1.0, t / 0.01)
    notes = [attack * np.sin(2 * np.pi * f * t) for f in rng.uniform(150, 900, int(seconds / note))]
    return (0.4 * np.concatenate(notes))[None].astype(np.float32)


def test_hold_component_scores_held_notes_far_above_the_codes_alone():
    train = np.stack([held_notes(s) for s in range(6)])
    test = np.stack([held_notes(s) for s in (20, 21)])
    held = SpectralGenerator(**TINY).fit(train)
    codes = SpectralGenerator(**TINY, hold=False).fit(train)
    base = MeanSpectrumGenerator(**MEL).fit(train)
    # a tight, a medium and a loose hold
    assert held.hold_scale_.shape == (3, 12) and np.all(held.hold_scale_ >= 0.05)
    assert np.all(np.diff(held.hold_scale_, axis=0) >= 0)
    assert held.score(test) > codes.score(test) + 1.0 > base.score(test) + 1.0
    clips = held.sample(test[:, :, :800], seconds=0.5, random_state=0)
    assert clips.shape == (2, 1, 1000) and np.isfinite(clips).all()
    # without a prompt: started from a code, held
    assert held.sample(seconds=0.2, n_samples=2, random_state=0).shape == (2, 1, 400)


def plucked_notes(seed, seconds=2.0, note=0.5, decay=0.15):
    """Half-second plucked notes: every note dies away (about 0.9 dB a frame)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(note * SR)) / SR
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-t / decay)
    notes = [
        envelope * np.sin(2 * np.pi * f * t) for f in rng.uniform(150, 900, int(seconds / note))
    ]
    return (0.4 * np.concatenate(notes))[None].astype(np.float32)


def holds_only(gen, first_code=None):
    """A stand-in for ``gen``'s network that always draws the loose hold (after
    drawing ``first_code`` once, when given)."""
    import torch

    n_codes, n_mels = len(gen.codebook_), gen.n_mels

    class HoldsOnly(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.dummy = torch.nn.Parameter(torch.zeros(1))
            self.calls = 0

        def forward(self, window):
            logits = torch.full((window.shape[0], n_codes + 3), -1e9)
            logits[:, -1] = 0.0
            if first_code is not None and self.calls == 0:
                logits[:, -1], logits[:, first_code] = -1e9, 0.0
            self.calls += 1
            means = torch.from_numpy(np.vstack([gen.codebook_, np.zeros((3, n_mels))]))
            return logits, means[None].float(), torch.full((1, n_codes + 3, n_mels), np.log(0.1))

    return HoldsOnly()


def test_drawn_holds_follow_the_drift_of_their_code_without_noise():
    """A roll-out of holds only: every held frame is the one before moved by
    the drift of the code the held sound began with, with no fresh noise, so
    a held sound neither scatters nor wanders however long it is held."""
    import torch

    gen = SpectralGenerator(**TINY).fit(np.stack([held_notes(s) for s in range(4)]))
    n_codes, n_mels = len(gen.codebook_), gen.n_mels
    assert gen.hold_drift_.shape == (n_codes, n_mels) and gen.hold_drift_.dtype == np.float32
    gen.low_, gen.high_ = gen.mean_ - 100 * gen.scale_, gen.mean_ + 100 * gen.scale_
    gen.hold_drift_ = np.zeros_like(gen.hold_drift_)
    gen.net_.module_ = holds_only(gen)
    window = np.repeat(gen.codebook_[:8, :, None], gen.width, axis=2)
    frames = gen._roll(window, 400, 1.0, torch.Generator().manual_seed(0))
    np.testing.assert_allclose(frames, np.repeat(window[:, :, -1:], 400, axis=2), atol=1e-6)
    # every code its own drift: the first drawn code's moves the held frames after it
    gen.hold_drift_ = (0.001 * np.arange(n_codes)[:, None] * np.ones(n_mels)).astype(np.float32)
    gen.net_.module_ = holds_only(gen, first_code=n_codes - 1)
    frames = gen._roll(window, 50, 1.0, torch.Generator().manual_seed(0))
    np.testing.assert_allclose(
        np.diff(frames, axis=2), 0.001 * (n_codes - 1), atol=1e-5
    )  # the code drawn first, not the one nearest the window


def test_held_plucked_notes_decay_in_a_sample_and_held_notes_stay():
    """The holds' drift is learned from the training audio: a plucked sound's
    held frames die away as its notes do, a steady sound's stay level."""
    import torch

    levels = {}
    for name, make in (("plucked", plucked_notes), ("steady", held_notes)):
        gen = SpectralGenerator(**TINY).fit(np.stack([make(s) for s in range(6)]))
        drift_db = gen.hold_drift_ * gen.scale_  # dB per frame
        at_peak = drift_db[np.arange(len(drift_db)), gen.codebook_.argmax(axis=1)]
        levels[name + " drift"] = np.median(at_peak)
        gen.net_.module_ = holds_only(gen)
        window, _ = gen._prompt_frames(np.stack([make(s)[:, :1300] for s in (20, 21, 22)]), None)
        frames = gen._roll(window, 20, 1.0, torch.Generator().manual_seed(0))
        db = frames * gen.scale_[None, :, None] + gen.mean_[None, :, None]
        peak = window[:, :, -1].argmax(axis=1)  # the prompt's loudest band
        levels[name] = db[np.arange(3), peak, -1] - db[np.arange(3), peak, 0]
    assert levels["plucked drift"] < -0.3 and abs(levels["steady drift"]) < 0.1
    assert np.all(levels["plucked"] < -5.0)  # dB over 19 frames (0.3 s)
    assert np.all(np.abs(levels["steady"]) < 1.0)


def test_shared_components_log_prob_equals_the_expanded_one():
    import torch

    from skmusic.nn.spectral_modules import ConvBiGRUFrameNet, mixture_log_prob

    torch.manual_seed(0)
    codebook, log_std = torch.randn(7, 5), 0.3 * torch.randn(7, 5)
    net = ConvBiGRUFrameNet(
        5, conv_channels=3, hidden_size=3, codebook=codebook, codebook_log_std=log_std
    )
    logits, means, spread = net(torch.randn(4, 5, 6))
    assert logits.shape == (4, 7) and means.shape == spread.shape == (1, 7, 5)
    frames = torch.randn(4, 5)
    expanded = (logits, means.expand(4, -1, -1), spread.expand(4, -1, -1))
    torch.testing.assert_close(
        mixture_log_prob((logits, means, spread), frames), mixture_log_prob(expanded, frames)
    )
    assert net.sample(torch.randn(4, 5, 6)).shape == (4, 5)
