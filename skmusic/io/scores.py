"""Reading scores into note events (music21, and a fast MIDI path) and writing MIDI."""

import re
from pathlib import Path

import numpy as np

from ._base import FileReader, ReadError, check_extension, split_tune_number
from .notes import NOTE_DTYPE, check_notes, make_notes

__all__ = ["ScoreLoader", "read_score", "write_midi", "list_tunes", "MIDI_EXTENSIONS"]

MIDI_EXTENSIONS = frozenset({".mid", ".midi"})
SCORE_EXTENSIONS = MIDI_EXTENSIONS | {".xml", ".musicxml", ".mxl", ".abc", ".krn"}
_X_LINE = re.compile(r"^X:\s*(\d+)")


def _split_abc(text):
    """Split ABC text into its file header and ``{X number: tune text}``."""
    header, tunes, current = [], {}, None
    for line in text.splitlines():
        match = _X_LINE.match(line)
        if match:
            current = int(match.group(1))
            if current in tunes:  # a repeated number: keep the first tune
                current = -1
                continue
            tunes[current] = [line]
        elif current is None:
            header.append(line)
        elif current != -1:
            tunes[current].append(line)
    return header, {n: "\n".join(lines) for n, lines in tunes.items()}


def _read_text(path):
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def list_tunes(path):
    """Addresses of the tunes of an ABC file, one per ``X:`` number.

    A file holding many tunes (an ABC collection) is read one tune at a time
    through the address ``"file.abc#N"``, where ``N`` is the tune's ``X:``
    reference number. A number used twice in a file addresses its first tune.

    Parameters
    ----------
    path : str or path-like
        An ``.abc`` file.

    Returns
    -------
    addresses : list of str
        ``"path#N"`` for each tune, in file order.

    Examples
    --------
    >>> from music21 import corpus
    >>> from skmusic.io import list_tunes
    >>> tunes = list_tunes(corpus.getWork("oneills1850/0001-0050.abc"))
    >>> len(tunes), tunes[0].endswith("0001-0050.abc#1")
    (50, True)
    """
    path = str(path)
    _, tunes = _split_abc(_read_text(path))
    return [f"{path}#{n}" for n in tunes]


def _parse_music21(path):
    from music21 import converter, stream

    base, number = split_tune_number(path)
    ext = Path(base).suffix.lower()
    if number is not None:
        if ext != ".abc":
            raise ReadError(f"Cannot read {path!r}: '#N' addresses tunes of .abc files only.")
        header, tunes = _split_abc(_read_text(base))
        if number not in tunes:
            raise ReadError(
                f"Cannot read {path!r}: the file has no tune X:{number} "
                f"(it has {len(tunes)} tunes; skmusic.io.list_tunes lists them)."
            )
        return converter.parse("\n".join(header + [tunes[number]]), format="abc")
    if ext in MIDI_EXTENSIONS:
        parsed = converter.parse(base, quantizePost=False)
    else:
        parsed = converter.parse(base)
    if isinstance(parsed, stream.Opus):
        scores = parsed.scores
        if len(scores) == 1:
            return scores[0]
        raise ReadError(
            f"Cannot read {path!r}: it holds {len(scores)} tunes; address one as "
            f"'{base}#N' (N is its X: number; skmusic.io.list_tunes lists them)."
        )
    return parsed


def _notes_from_music21(score):
    """Note events of a music21 stream: tied notes merged, chords split."""
    from music21 import stream

    parts = list(score.parts) if isinstance(score, stream.Score) else []
    parts = parts or [score]
    pitch, onset, duration, velocity, part = [], [], [], [], []
    for index, p in enumerate(parts):
        flat = p.stripTies(inPlace=False).flatten()
        for n in flat.notes:
            if not getattr(n, "pitches", ()):  # unpitched percussion
                continue
            vel = n.volume.velocity if n.hasVolumeInformation() else None
            for pt in n.pitches:
                if getattr(pt, "isUnpitched", False):
                    continue
                pitch.append(pt.midi)
                onset.append(float(n.offset))
                duration.append(float(n.quarterLength))
                velocity.append(64 if vel is None else int(vel))
                part.append(index)
    return make_notes(pitch, onset, duration, velocity, part)


def _notes_from_midi_fast(path):
    """Note events of a MIDI file through symusic (a C++ reader)."""
    import symusic

    score = symusic.Score(path)
    tpq = float(score.ticks_per_quarter)
    columns = {"pitch": [], "onset": [], "duration": [], "velocity": [], "part": []}
    index = 0
    for track in score.tracks:
        if track.is_drum or len(track.notes) == 0:
            continue
        arr = track.notes.numpy()
        n = arr["pitch"].shape[0]
        columns["pitch"].append(arr["pitch"].astype(np.int16))
        columns["onset"].append(arr["time"] / tpq)
        columns["duration"].append(arr["duration"] / tpq)
        columns["velocity"].append(arr["velocity"].astype(np.int16))
        columns["part"].append(np.full(n, index, dtype=np.int16))
        index += 1
    if index == 0:
        return np.empty(0, dtype=NOTE_DTYPE)
    return make_notes(**{k: np.concatenate(v) for k, v in columns.items()})


def read_score(path, *, reader="auto"):
    """Read one score file into note events.

    Parameters
    ----------
    path : str or path-like
        A MIDI, MusicXML (.xml, .musicxml, .mxl), ABC or Humdrum kern file; one
        tune of an ABC collection as ``"file.abc#N"``.
    reader : {"auto", "music21", "fast"}, default="auto"
        ``"fast"`` reads MIDI through symusic (tens of times quicker than
        music21, same events); ``"music21"`` uses music21 for every format;
        ``"auto"`` takes the fast path for MIDI and music21 for the rest.

    Returns
    -------
    notes : ndarray of shape (n_notes,), dtype :data:`skmusic.io.NOTE_DTYPE`

    Raises
    ------
    ReadError
        Naming the file and the reason: a missing file, an unknown extension, a
        parser failure, a score with no pitched notes.
    """
    path = str(path)
    base = check_extension(path, SCORE_EXTENSIONS, "ScoreLoader")
    is_midi = Path(base).suffix.lower() in MIDI_EXTENSIONS
    if reader == "fast" and not is_midi:
        raise ReadError(f"Cannot read {path!r} with reader='fast': it reads MIDI files only.")
    if is_midi and reader in ("auto", "fast"):
        try:
            notes = _notes_from_midi_fast(base)
        except Exception as exc:
            raise ReadError(f"Cannot read {path!r}: not a valid MIDI file ({exc}).") from exc
    else:
        notes = _notes_from_music21(_parse_music21(path))
    if notes.shape[0] == 0:
        raise ReadError(f"Cannot read {path!r}: it holds no pitched notes.")
    return notes


class ScoreLoader(FileReader):
    """Read score files (MIDI, MusicXML, ABC, kern) into note events.

    A stateless transformer: a list of paths in, a list of note-event arrays
    out (one per path, format :data:`skmusic.io.NOTE_DTYPE`: pitch, onset,
    duration, velocity, part; times in quarter notes). Feed it to the symbolic
    features of :mod:`skmusic.features`.

    Parameters
    ----------
    reader : {"auto", "music21", "fast"}, default="auto"
        ``"auto"`` reads MIDI with the fast reader (symusic) and everything else
        with music21; ``"music21"`` uses music21 for all; ``"fast"`` accepts
        MIDI only. Both readers give the same note events for the same file.
    n_jobs : int, default=None
        Processes reading files in parallel (joblib); ``None`` means 1.
    verbose : bool, default=False
        Show a progress bar over files.

    See Also
    --------
    skmusic.io.write_midi : the inverse, note events to a MIDI file.
    skmusic.io.list_tunes : addresses of the tunes of an ABC collection.

    Examples
    --------
    >>> from music21 import corpus
    >>> from skmusic.io import ScoreLoader
    >>> path = str(corpus.getWork("bach/bwv66.6"))
    >>> notes = ScoreLoader().transform([path])[0]
    >>> notes.dtype.names
    ('pitch', 'onset', 'duration', 'velocity', 'part')
    >>> int(notes["part"].max()) + 1  # soprano, alto, tenor, bass
    4
    """

    extensions = SCORE_EXTENSIONS

    def __init__(self, *, reader="auto", n_jobs=None, verbose=False):
        self.reader = reader
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_params(self):
        super()._check_params()
        if self.reader not in ("auto", "music21", "fast"):
            raise ValueError(f"reader must be 'auto', 'music21' or 'fast', got {self.reader!r}.")

    def read(self, path):
        """Read one file; see :func:`read_score`."""
        return read_score(path, reader=self.reader)


def write_midi(notes, path, *, bpm=120.0, ticks_per_quarter=480, programs=None):
    """Write note events to a standard MIDI file, one track per part.

    Parameters
    ----------
    notes : ndarray of dtype :data:`skmusic.io.NOTE_DTYPE`
    path : str or path-like
    bpm : float, default=120.0
        Tempo in quarter notes per minute.
    ticks_per_quarter : int, default=480
        MIDI resolution; times are rounded to it.
    programs : dict of {int: int}, default=None
        General MIDI program per part (0 = acoustic grand piano for all).

    Returns
    -------
    path : str

    Examples
    --------
    >>> import tempfile, os
    >>> from skmusic.io import make_notes, write_midi, ScoreLoader
    >>> notes = make_notes([60, 64, 67], [0.0, 1.0, 2.0], [1.0, 1.0, 2.0])
    >>> path = write_midi(notes, os.path.join(tempfile.mkdtemp(), "c.mid"))
    >>> ScoreLoader().transform([path])[0]["pitch"].tolist()
    [60, 64, 67]
    """
    import symusic

    notes = check_notes(notes)
    if bpm <= 0:
        raise ValueError(f"bpm must be positive, got {bpm!r}.")
    score = symusic.Score(int(ticks_per_quarter))
    score.tempos.append(symusic.Tempo(time=0, qpm=float(bpm)))
    programs = programs or {}
    for part in np.unique(notes["part"]):
        sel = notes[notes["part"] == part]
        track = symusic.Track(name=f"part {int(part)}", program=int(programs.get(int(part), 0)))
        start = np.rint(sel["onset"] * ticks_per_quarter).astype(np.int32)
        length = np.maximum(np.rint(sel["duration"] * ticks_per_quarter), 1).astype(np.int32)
        velocity = np.clip(sel["velocity"], 1, 127).astype(np.int8)
        track.notes = symusic.Note.from_numpy(
            time=start,
            duration=length,
            pitch=np.clip(sel["pitch"], 0, 127).astype(np.int8),
            velocity=velocity,
        )
        score.tracks.append(track)
    path = str(path)
    score.dump_midi(path)
    return path
