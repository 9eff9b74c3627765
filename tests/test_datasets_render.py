"""Rendering scores to audio: FluidSynth's length, level and pitch content, and
the by-class instrumentation of the corpus audio (both backends).

The FluidSynth tests are skipped where the ``fluidsynth`` program or a General
MIDI soundfont is missing (Debian: ``apt-get install fluidsynth
timgm6mb-soundfont``; ``.ci/run`` installs them); the rest run on the built-in
synthesizer everywhere.
"""

import librosa
import numpy as np
import pytest

from skmusic.datasets import ENSEMBLES, fluidsynth_available, load_corpus, render_audio
from skmusic.datasets._render import TIMBRES

needs_fluidsynth = pytest.mark.skipif(
    not fluidsynth_available(), reason="fluidsynth or a General MIDI soundfont is not installed"
)

SR = 22050
BPM = 100.0


@pytest.fixture(scope="module")
def chorale():
    return load_corpus("composers", classes=["bach"], max_per_class=1, verbose=False).data[0]


@needs_fluidsynth
@pytest.mark.parametrize("timbre", ["organ", "piano"])
def test_fluidsynth_renders_a_chorale(chorale, timbre):
    y = render_audio(chorale, sr=SR, bpm=BPM, timbre=timbre, backend="fluidsynth")
    assert y.shape[0] == 1 and y.dtype == np.float32
    # length: the score's last note off at this tempo, plus the timbre's release
    seconds = float(np.max(chorale["onset"] + chorale["duration"])) * 60.0 / BPM
    assert y.shape[1] == int((seconds + TIMBRES[timbre][3]) * SR)
    # level: peak-normalised to 0.9, and sound all along (no silent stretch of a second)
    assert np.abs(y).max() == pytest.approx(0.9, abs=1e-3)
    rms = librosa.feature.rms(y=y[0], frame_length=SR, hop_length=SR)[0]
    assert rms[: int(seconds) - 1].min() > 0.01
    # pitch content: the audio's chroma follows the score's duration-weighted pitch classes
    chroma = librosa.feature.chroma_cqt(y=y[0], sr=SR).mean(axis=1)
    classes = np.bincount(chorale["pitch"] % 12, weights=chorale["duration"], minlength=12)
    assert np.corrcoef(chroma, classes)[0, 1] > 0.9
    assert np.argmax(chroma) == np.argmax(classes)


@needs_fluidsynth
def test_auto_backend_uses_fluidsynth_when_installed(chorale):
    notes = chorale[:20]
    auto = render_audio(notes, sr=SR, timbre="flute", backend="auto")
    fluid = render_audio(notes, sr=SR, timbre="flute", backend="fluidsynth")
    np.testing.assert_allclose(auto, fluid, atol=1e-6)


@needs_fluidsynth
def test_programs_choose_the_instruments(chorale):
    notes = chorale[:30]
    organ = render_audio(notes, sr=8000, timbre="flute", backend="fluidsynth", programs=[19])
    fiddle = render_audio(notes, sr=8000, timbre="flute", backend="fluidsynth", programs=[40])
    default = render_audio(notes, sr=8000, timbre="flute", backend="fluidsynth")
    assert organ.shape == fiddle.shape == default.shape
    assert not np.allclose(organ, fiddle, atol=1e-3)
    # None plays the timbre's own program (flute, 73)
    flute = render_audio(notes, sr=8000, timbre="flute", backend="fluidsynth", programs=(73,))
    np.testing.assert_allclose(default, flute, atol=1e-6)


def test_programs_are_validated(chorale):
    with pytest.raises(ValueError, match="General MIDI program numbers in 0-127"):
        render_audio(chorale[:5], sr=8000, timbre="organ", programs=[128])
    # the numpy synthesizer plays the timbre whatever the programs
    a = render_audio(chorale[:5], sr=8000, timbre="organ", programs=[40])
    b = render_audio(chorale[:5], sr=8000, timbre="organ")
    np.testing.assert_array_equal(a, b)


def _by_class(**kwargs):
    kwargs.setdefault("instrumentation", "by_class")
    return load_corpus(
        "composers",
        max_per_class=2,
        as_audio=True,
        sr=4000,
        max_seconds=2.0,
        verbose=False,
        **kwargs,
    )


@pytest.mark.parametrize("backend", ["numpy", pytest.param("fluidsynth", marks=needs_fluidsynth)])
def test_by_class_rendering_follows_each_class_ensemble(backend):
    songs = _by_class(backend=backend)
    assert songs.backend == backend
    assert len(songs.data) == 10 and all(w.shape == (1, 8000) for w in songs.data)
    for label, timbre, bpm in zip(songs.target, songs.timbres, songs.bpm, strict=True):
        low, high = ENSEMBLES[label]["bpm"]
        assert timbre == ENSEMBLES[label]["timbre"]
        assert low <= bpm <= high
    # the same draws again, and other draws under another seed
    again = _by_class(backend=backend)
    np.testing.assert_array_equal(np.stack(again.data), np.stack(songs.data))
    other = _by_class(backend=backend, random_state=1)
    assert not np.array_equal(other.bpm, songs.bpm)


def test_by_class_ensembles_differ_in_sound():
    """Two classes' ensembles (organ vs tin whistle / flute) give different spectra."""
    songs = _by_class(backend="numpy")
    centroid = {
        label: np.mean(
            [
                librosa.feature.spectral_centroid(y=w[0], sr=4000).mean()
                for w, t in zip(songs.data, songs.target)
                if t == label
            ]
        )
        for label in ("bach", "oneills")
    }
    # the organ's many partials sit higher than the flute's near-sine
    assert centroid["bach"] > 1.2 * centroid["oneills"]


def test_random_rendering_is_unchanged_by_default():
    songs = load_corpus(
        "composers", max_per_class=1, as_audio=True, sr=4000, max_seconds=1.0, verbose=False
    )
    assert songs.backend == "numpy"
    assert all(80 <= b <= 120 for b in songs.bpm)


def test_instrumentation_is_validated():
    with pytest.raises(ValueError, match="instrumentation must be"):
        _by_class(instrumentation="genre")
    with pytest.raises(ValueError, match="no ensemble for class"):
        load_corpus(
            "composers",
            classes=["bach", "palestrina"],
            max_per_class=1,
            as_audio=True,
            instrumentation={"bach": {"timbre": "organ"}},
            sr=4000,
            max_seconds=1.0,
            verbose=False,
        )
    with pytest.raises(ValueError, match="must have a 'timbre'"):
        load_corpus(
            "composers",
            classes=["bach"],
            max_per_class=1,
            as_audio=True,
            instrumentation={"bach": {"timbre": "kazoo"}},
            sr=4000,
            max_seconds=1.0,
            verbose=False,
        )
    with pytest.raises(ValueError, match="backend must be"):
        _by_class(backend="sox")
