"""Rendering note events to audio, so audio pipelines have real music offline.

Two backends: a small additive synthesizer that needs only NumPy (harmonic
partials from a per-timbre wavetable, attack/decay/release envelopes), and
FluidSynth with a General MIDI soundfont when the ``fluidsynth`` program and a
soundfont are installed (Debian: ``fluidsynth`` and ``timgm6mb-soundfont``).
"""

import os
import shutil
import subprocess
import tempfile

import numpy as np
from sklearn.utils import check_random_state

from ..io.notes import check_notes

__all__ = ["render_audio", "TIMBRES", "fluidsynth_available"]

_TABLE = 4096

# name: (harmonic amplitudes, attack s, decay time-constant s or None, release s, vibrato)
TIMBRES = {
    "organ": ((1.0, 0.55, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05), 0.02, None, 0.05, 0.0),
    "piano": ((1.0, 0.6, 0.32, 0.18, 0.1, 0.06, 0.03), 0.004, 0.9, 0.12, 0.0),
    "strings": (tuple(1.0 / k for k in range(1, 11)), 0.07, None, 0.12, 0.004),
    "flute": ((1.0, 0.25, 0.08, 0.03), 0.04, None, 0.06, 0.003),
    "clarinet": ((1.0, 0.0, 0.45, 0.0, 0.25, 0.0, 0.12, 0.0, 0.06), 0.03, None, 0.06, 0.0),
    "guitar": ((1.0, 0.7, 0.45, 0.3, 0.2, 0.12, 0.08, 0.04), 0.003, 0.35, 0.08, 0.0),
}

# General MIDI programs that play the same roles through FluidSynth.
_GM_PROGRAMS = {"organ": 19, "piano": 0, "strings": 48, "flute": 73, "clarinet": 71, "guitar": 24}

_FLUIDSYNTH_MIN_SR = 8000

_SOUNDFONTS = (
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
)


def _soundfont():
    return next((p for p in _SOUNDFONTS if os.path.exists(p)), None)


def fluidsynth_available():
    """Whether the FluidSynth backend can run (program and soundfont installed)."""
    return shutil.which("fluidsynth") is not None and _soundfont() is not None


def _wavetable(amplitudes):
    phase = np.arange(_TABLE) / _TABLE
    table = sum(a * np.sin(2 * np.pi * (k + 1) * phase) for k, a in enumerate(amplitudes) if a)
    return (table / np.abs(table).max()).astype(np.float32)


def _render_numpy(notes, sr, seconds_per_quarter, timbre, total):
    amplitudes, attack, decay, release, vibrato = TIMBRES[timbre]
    table = _wavetable(amplitudes)
    out = np.zeros(total, dtype=np.float32)
    for pitch, onset, duration, velocity in zip(
        notes["pitch"], notes["onset"], notes["duration"], notes["velocity"], strict=True
    ):
        start = int(round(onset * seconds_per_quarter * sr))
        if start >= total:
            continue
        hold = max(duration * seconds_per_quarter, 0.02)
        n = min(int((hold + release) * sr), total - start)
        if n <= 0:
            continue
        t = np.arange(n, dtype=np.float32) / sr
        freq = 440.0 * 2.0 ** ((pitch - 69) / 12.0)
        phase = freq * t
        if vibrato:
            phase += vibrato * freq * np.sin(2 * np.pi * 5.0 * t) / (2 * np.pi * 5.0)
        wave = table[(phase * _TABLE).astype(np.int64) % _TABLE]
        env = np.minimum(t / attack, 1.0)
        if decay is not None:
            env *= np.exp(-t / decay)
        tail = t > hold
        env[tail] *= np.exp(-(t[tail] - hold) / (release / 4))
        out[start : start + n] += (velocity / 127.0) * env * wave
    return out


def _part_programs(notes, timbre, programs):
    """GM program per part: ``programs`` (cycled over the parts) or the timbre's."""
    parts = [int(p) for p in np.unique(notes["part"])]
    if programs is None:
        return {p: _GM_PROGRAMS[timbre] for p in parts}
    return {p: int(programs[i % len(programs)]) for i, p in enumerate(parts)}


def _render_fluidsynth(notes, sr, bpm, timbre, programs=None):
    import soundfile

    from ..io.scores import write_midi

    with tempfile.TemporaryDirectory() as tmp:
        mid = write_midi(
            notes,
            os.path.join(tmp, "score.mid"),
            bpm=bpm,
            programs=_part_programs(notes, timbre, programs),
        )
        wav = os.path.join(tmp, "score.wav")
        # FluidSynth runs at 8 kHz or more; lower rates are resampled after
        rate = max(int(sr), _FLUIDSYNTH_MIN_SR)
        subprocess.run(
            ["fluidsynth", "-ni", "-q", "-F", wav, "-r", str(rate), _soundfont(), mid],
            check=True,
            capture_output=True,
        )
        y, _ = soundfile.read(wav, dtype="float32", always_2d=True)
    y = y.mean(axis=1)
    if rate != int(sr):
        import librosa

        y = librosa.resample(y, orig_sr=rate, target_sr=int(sr))
    return y


def render_audio(
    notes,
    *,
    sr=22050,
    bpm=100.0,
    timbre=None,
    max_seconds=None,
    backend="numpy",
    programs=None,
    random_state=None,
):
    """Render note events to a mono waveform.

    Parameters
    ----------
    notes : ndarray of dtype :data:`skmusic.io.NOTE_DTYPE`
        Note events, e.g. from :class:`skmusic.io.ScoreLoader`.
    sr : int, default=22050
        Sampling rate.
    bpm : float, default=100.0
        Tempo: quarter notes per minute.
    timbre : str, default=None
        One of :data:`TIMBRES` (``"organ"``, ``"piano"``, ``"strings"``,
        ``"flute"``, ``"clarinet"``, ``"guitar"``); ``None`` draws one from
        ``random_state``.
    max_seconds : float, default=None
        Cut the rendering at this length; ``None`` renders the whole score.
    backend : {"numpy", "fluidsynth", "auto"}, default="numpy"
        ``"numpy"``: the built-in additive synthesizer. ``"fluidsynth"``: the
        ``fluidsynth`` program with a General MIDI soundfont (the timbre picks the
        GM program). ``"auto"``: FluidSynth when installed, else NumPy.
    programs : sequence of int, default=None
        General MIDI programs (0-127) for FluidSynth, given to the score's
        parts in order (cycled when there are more parts); ``None`` uses the
        timbre's program for every part. The NumPy synthesizer ignores them
        and plays ``timbre``.
    random_state : int, RandomState instance or None, default=None
        Draws the timbre when ``timbre=None``.

    Returns
    -------
    waveform : ndarray of shape (1, n_samples), dtype float32
        Peak-normalised to 0.9.

    Examples
    --------
    >>> from skmusic.io import make_notes
    >>> from skmusic.datasets import render_audio
    >>> notes = make_notes([60, 64, 67], [0.0, 1.0, 2.0], [1.0, 1.0, 2.0])
    >>> render_audio(notes, sr=8000, bpm=120, timbre="organ").shape
    (1, 16400)
    """
    notes = check_notes(notes)
    if notes.shape[0] == 0:
        raise ValueError("notes is empty: there is nothing to render.")
    if backend not in ("numpy", "fluidsynth", "auto"):
        raise ValueError(f"backend must be 'numpy', 'fluidsynth' or 'auto', got {backend!r}.")
    if bpm <= 0 or sr <= 0:
        raise ValueError(f"bpm and sr must be positive, got bpm={bpm!r}, sr={sr!r}.")
    if timbre is None:
        timbre = check_random_state(random_state).choice(sorted(TIMBRES))
    if timbre not in TIMBRES:
        raise ValueError(f"Unknown timbre {timbre!r}; choose one of {sorted(TIMBRES)}.")
    if backend == "fluidsynth" and not fluidsynth_available():
        raise ValueError(
            "backend='fluidsynth' needs the fluidsynth program and a General MIDI "
            "soundfont (Debian: apt-get install fluidsynth timgm6mb-soundfont)."
        )
    if programs is not None:
        programs = [int(p) for p in np.atleast_1d(programs)]
        if not programs or min(programs) < 0 or max(programs) > 127:
            raise ValueError(
                f"programs must be General MIDI program numbers in 0-127, got {programs!r}."
            )
    seconds_per_quarter = 60.0 / bpm
    release = TIMBRES[timbre][3]
    end = float(np.max(notes["onset"] + notes["duration"])) * seconds_per_quarter + release
    if max_seconds is not None:
        end = min(end, float(max_seconds))
    total = max(int(end * sr), 1)
    if backend == "fluidsynth" or (backend == "auto" and fluidsynth_available()):
        y = _render_fluidsynth(notes, sr, bpm, timbre, programs)
        y = np.pad(y, (0, max(total - y.shape[0], 0)))[:total]
    else:
        y = _render_numpy(notes, sr, seconds_per_quarter, timbre, total)
    peak = np.abs(y).max()
    if peak > 0:
        y = y * (0.9 / peak)
    return y.astype(np.float32).reshape(1, -1)
