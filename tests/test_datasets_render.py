"""Rendering scores to audio through FluidSynth: length, level and pitch content.

Skipped where the ``fluidsynth`` program or a General MIDI soundfont is missing
(Debian: ``apt-get install fluidsynth timgm6mb-soundfont``; ``.ci/run`` installs them).
"""

import librosa
import numpy as np
import pytest

from skmusic.datasets import fluidsynth_available, load_corpus, render_audio
from skmusic.datasets._render import TIMBRES

pytestmark = pytest.mark.skipif(
    not fluidsynth_available(), reason="fluidsynth or a General MIDI soundfont is not installed"
)

SR = 22050
BPM = 100.0


@pytest.fixture(scope="module")
def chorale():
    return load_corpus("composers", classes=["bach"], max_per_class=1, verbose=False).data[0]


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


def test_auto_backend_uses_fluidsynth_when_installed(chorale):
    notes = chorale[:20]
    auto = render_audio(notes, sr=SR, timbre="flute", backend="auto")
    fluid = render_audio(notes, sr=SR, timbre="flute", backend="fluidsynth")
    np.testing.assert_allclose(auto, fluid, atol=1e-6)
