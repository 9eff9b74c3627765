"""``skmusic generate`` on audio folders: the rate it learns at by default."""

import os
import re

import numpy as np
import pytest

from skmusic.cli import _audio_folder_rate, main
from skmusic.io import write_wav

# the command sets torch's thread count (--torch-threads): the fixture restores it
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tone_folder(root, sr, seconds=1.5, per_class=4):
    """Two classes of tone melodies as WAV files in root/<label>/ at ``sr``."""
    rng = np.random.default_rng(0)
    t = np.arange(int(0.1 * sr)) / sr
    for label, pitches in (("low", [110, 147, 165]), ("high", [880, 988, 1175])):
        os.makedirs(root / label)
        for i in range(per_class):
            notes = rng.choice(pitches, int(seconds / 0.1))
            wave = np.concatenate([0.3 * np.sin(2 * np.pi * f * t) for f in notes])
            write_wav(wave[None], root / label / f"{label}_{i}.wav", sr=sr)
    return root


def test_generate_learns_at_the_folders_own_rate(tmp_path, capsys):
    """No --sr: an 8 kHz folder is learned and written at 8 kHz, not resampled to 22.05."""
    import soundfile

    folder = tone_folder(tmp_path / "data", 8000)
    out = tmp_path / "clip.wav"
    argv = ["generate", "--data", str(folder), "--class", "high", "--out", str(out)]
    assert main([*argv, "--seconds", "0.5", "--max-time", "2", "--silent"]) == 0
    printed = capsys.readouterr().out
    assert "(0.5 s at 8000 Hz)" in printed, printed
    assert re.search(r"spectral generator -?\d+\.\d+, mean-spectrum baseline", printed)
    wave, sr = soundfile.read(out, always_2d=True)
    assert sr == 8000 and wave.shape == (4000, 1)


def test_default_rate_is_the_most_common_at_most_22050(tmp_path):
    mixed = tmp_path / "mixed"
    for label, sr in (("a", 16000), ("b", 16000), ("c", 44100)):
        os.makedirs(mixed / label)
        write_wav(np.zeros((1, 800)), mixed / label / "x.wav", sr=sr)
    assert _audio_folder_rate(mixed) == 16000
    high = tmp_path / "high"
    os.makedirs(high / "a")
    write_wav(np.zeros((1, 800)), high / "a" / "x.wav", sr=44100)
    assert _audio_folder_rate(high) == 22050  # analysed at 22050 Hz at most
    scores = tmp_path / "scores"
    os.makedirs(scores / "a")
    (scores / "a" / "x.mid").write_bytes(b"")
    assert _audio_folder_rate(scores) is None  # not audio: the symbolic path
    assert _audio_folder_rate(tmp_path / "missing") is None


def test_an_explicit_rate_wins(tmp_path, capsys):
    folder = tone_folder(tmp_path / "data", 16000, per_class=4)
    out = tmp_path / "clip.wav"
    argv = ["generate", "--data", str(folder), "--class", "low", "--out", str(out), "--sr", "8000"]
    assert main([*argv, "--seconds", "0.25", "--max-time", "2", "--silent"]) == 0
    assert "(0.25 s at 8000 Hz)" in capsys.readouterr().out
