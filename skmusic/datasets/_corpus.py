"""Datasets made from the music21 corpus that ships with music21: no download."""

import glob
import hashlib
import os
import re
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import get_data_home as _sklearn_data_home
from sklearn.utils import Bunch, check_random_state

from ..io import list_tunes, read_files, read_score
from ..utils.tunes import tune_families
from ._render import TIMBRES, fluidsynth_available, render_audio

__all__ = ["CORPUS_DATASETS", "ENSEMBLES", "get_data_home", "load_corpus"]

_CACHE_VERSION = "v1"

# dataset -> class label -> glob patterns inside music21's corpus folder.
CORPUS_DATASETS = {
    "composers": {
        "bach": ("bach/bwv*.mxl",),
        "palestrina": ("palestrina/*.krn",),
        "trecento": ("trecento/*.xml", "trecento/*.mxl"),
        "ryans_mammoth": ("ryansMammoth/*.abc",),
        "oneills": ("oneills1850/*.abc",),
    },
    "bach": {"bach": ("bach/bwv*.mxl",)},
    "folk": {
        "china": ("essenFolksong/han2.abc",),
        "german_ballad": ("essenFolksong/ballad*.abc",),
        "german_boehme": ("essenFolksong/boehme*.abc",),
        "ireland": ("essenFolksong/irl.abc",),
    },
}

# The ``instrumentation="by_class"`` rendering: per class, General MIDI programs
# for the score's parts in order (FluidSynth), the built-in synthesizer's timbre
# (the fallback where FluidSynth is missing) and a tempo range (bpm).
ENSEMBLES = {
    # church organ, slow
    "bach": {"programs": (19,), "timbre": "organ", "bpm": (66, 84)},
    # a choir (choir aahs, voice oohs), slow
    "palestrina": {"programs": (52, 53), "timbre": "clarinet", "bpm": (56, 72)},
    # plucked lute-like guitar, recorder-like flute and harp, moderate
    "trecento": {"programs": (24, 74, 46), "timbre": "guitar", "bpm": (92, 112)},
    # a fiddle playing reels, fast
    "ryans_mammoth": {"programs": (40,), "timbre": "strings", "bpm": (150, 180)},
    # a tin whistle, lively
    "oneills": {"programs": (78,), "timbre": "flute", "bpm": (112, 136)},
}

# For classes without an entry in ENSEMBLES (e.g. the folk regions), cycled over
# the sorted class labels.
_GENERIC_ENSEMBLES = (
    {"programs": (0,), "timbre": "piano", "bpm": (80, 100)},
    {"programs": (48,), "timbre": "strings", "bpm": (60, 76)},
    {"programs": (73,), "timbre": "flute", "bpm": (120, 144)},
    {"programs": (24,), "timbre": "guitar", "bpm": (100, 120)},
    {"programs": (71,), "timbre": "clarinet", "bpm": (88, 104)},
    {"programs": (19,), "timbre": "organ", "bpm": (64, 80)},
)


def _ensembles(instrumentation, labels):
    """label -> ensemble dict for the by-class rendering, validated."""
    if isinstance(instrumentation, str):
        generic = iter(_GENERIC_ENSEMBLES * (1 + len(labels) // len(_GENERIC_ENSEMBLES)))
        chosen = {
            label: ENSEMBLES[label] if label in ENSEMBLES else next(generic) for label in labels
        }
    else:
        missing = sorted(set(labels) - set(instrumentation))
        if missing:
            raise ValueError(
                f"instrumentation has no ensemble for class(es) {missing}; give one per "
                "class, e.g. {'bach': {'programs': (19,), 'timbre': 'organ', "
                "'bpm': (66, 84)}}."
            )
        chosen = {label: dict(instrumentation[label]) for label in labels}
    for label, ensemble in chosen.items():
        extra = sorted(set(ensemble) - {"programs", "timbre", "bpm"})
        if extra or ensemble.get("timbre") not in TIMBRES:
            raise ValueError(
                f"The ensemble of class {label!r} must have a 'timbre' among "
                f"{sorted(TIMBRES)}, and optionally 'programs' and 'bpm'; got {ensemble!r}."
            )
        low, high = ensemble.get("bpm", (80, 120))
        if not 0 < low <= high:
            raise ValueError(f"The bpm range of class {label!r} must be 0 < low <= high.")
    return chosen


_DEFAULT_CAP = {"composers": 100, "bach": None, "folk": 150}

_DESCR = {
    "composers": """\
Composers and collections of the music21 corpus
-----------------------------------------------
Real scores that ship with music21 (no download), one class per composer or
collection:

- bach: J. S. Bach's four-part chorales (MusicXML, 408 in the corpus)
- palestrina: G. P. da Palestrina's mass movements (Humdrum kern, 1,318)
- trecento: Italian 14th-century pieces (MusicXML, 103)
- ryans_mammoth: Ryan's Mammoth Collection, 1883, American/Irish/Scottish
  fiddle tunes (ABC, 1,059)
- oneills: O'Neill's Music of Ireland, 1850 collection (ABC, ~2,000 tunes,
  each addressed as 'file.abc#N')

The two fiddle-tune collections share a repertoire, so the task is not
trivial. Each item is a note-event array (see skmusic.io.notes).
""",
    "bach": """\
Bach chorales of the music21 corpus
-----------------------------------
J. S. Bach's four-part chorales as note-event arrays (see skmusic.io.notes), for
generation. ``target`` is ``"bach"`` throughout.
""",
    "folk": """\
Folk songs of four regions from the Essen collection (music21 corpus)
---------------------------------------------------------------------
Monophonic folk melodies of the Essen Associative Code (EsAC) database, as
Seymour Schlien's ABC encodings that ship with music21 (no download), one
class per collection; every tune is addressed as 'file.abc#N':

- china: Han Chinese folk songs, essenFolksong/han2.abc (670 tunes from many
  provinces)
- german_ballad: German-language ballads, essenFolksong/ballad*.abc (1,174
  tunes, collected in Germany and in German-speaking regions and enclaves
  elsewhere: Lorraine, Silesia, Gottschee, ...)
- german_boehme: German songs of F. M. Boehme's collection,
  essenFolksong/boehme*.abc (719 tunes)
- ireland: Irish folk songs, essenFolksong/irl.abc (62 tunes)

At most 150 tunes a class are drawn by default, so the classes hold 150,
150, 150 and 62 tunes: stratify the folds. The two German classes share a
language and a repertoire, so the task is not trivial. Each item is a
note-event array (see skmusic.io.notes).
""",
}


def get_data_home(data_home=None):
    """The folder where skmusic caches parsed corpora.

    ``data_home`` if given, else the ``SKMUSIC_DATA`` environment variable,
    else ``~/skmusic_data``; created if missing (as sklearn's fetchers do).

    Parameters
    ----------
    data_home : str or path-like, default=None

    Returns
    -------
    path : str
    """
    if data_home is None:
        data_home = os.environ.get("SKMUSIC_DATA", os.path.join("~", "skmusic_data"))
    return _sklearn_data_home(data_home=data_home)


def _corpus_root():
    from music21 import corpus

    return Path(str(corpus.getWork("bach/bwv66.6"))).parent.parent


def _candidates(patterns, root):
    addresses = []
    for pattern in patterns:
        for path in sorted(glob.glob(str(root / pattern))):
            if path.endswith(".abc"):
                tunes = list_tunes(path)
                addresses.extend(tunes if len(tunes) > 1 else [path])
            else:
                addresses.append(path)
    return addresses


def _cache_file(address, root, cache_dir):
    rel = os.path.relpath(address, root)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", rel)
    digest = hashlib.sha1(rel.encode()).hexdigest()[:8]
    return os.path.join(cache_dir, f"{stem}.{digest}.npy")


def _read_cached(address, root, cache_dir):
    cache = _cache_file(address, root, cache_dir)
    if os.path.exists(cache):
        return np.load(cache)
    notes = read_score(address)
    tmp = f"{cache}.{os.getpid()}.tmp.npy"
    np.save(tmp, notes)
    os.replace(tmp, cache)
    return notes


class _CachedReader:
    """Picklable ``read(path)`` for joblib workers."""

    def __init__(self, root, cache_dir):
        self.root, self.cache_dir = root, cache_dir

    def __call__(self, address):
        return _read_cached(address, self.root, self.cache_dir)


def _select(candidates, cap, rng, reader, n_jobs, verbose, label):
    """Draw ``cap`` readable pieces in a fixed random order; skip unreadable ones."""
    order = [candidates[i] for i in rng.permutation(len(candidates))]
    cap = len(order) if cap is None else cap
    chosen, notes, position = [], [], 0
    while len(chosen) < cap and position < len(order):
        batch = order[position : position + cap - len(chosen)]
        position += len(batch)
        items, kept = read_files(
            batch, reader, on_error="skip", n_jobs=n_jobs, verbose=verbose, desc=label
        )
        chosen.extend(np.asarray(batch)[kept].tolist())
        notes.extend(items)
    ordering = np.argsort(chosen, kind="stable")
    return [chosen[i] for i in ordering], [notes[i] for i in ordering]


def load_corpus(
    name="composers",
    *,
    classes=None,
    max_per_class="default",
    as_audio=False,
    instrumentation="random",
    backend=None,
    sr=22050,
    max_seconds=30.0,
    data_home=None,
    n_jobs=None,
    verbose=True,
    random_state=0,
):
    """Load a labelled dataset of real scores from the music21 corpus.

    Scores are parsed once with music21 (in parallel with ``n_jobs``, with a
    progress bar) and cached as note-event arrays under ``data_home``, so a
    second load takes a fraction of a second. Nothing is downloaded.

    Parameters
    ----------
    name : {"composers", "bach", "folk"}, default="composers"
        ``"composers"``: five classes of composers and collections (Bach
        chorales, Palestrina, trecento, Ryan's Mammoth, O'Neill's 1850).
        ``"bach"``: the Bach chorales alone, for generation.
        ``"folk"``: folk melodies of four regions from the Essen collection
        (``"china"``, ``"german_ballad"``, ``"german_boehme"``,
        ``"ireland"``); see the returned ``DESCR``.
    classes : list of str, default=None
        Keep only these classes; ``None`` keeps all.
    max_per_class : int, None or "default", default="default"
        At most this many pieces per class, drawn at random (``random_state``)
        from all of the class's pieces. ``"default"`` is 100 for
        ``"composers"``, 150 for ``"folk"`` and all pieces for ``"bach"``;
        ``None`` takes all.
    as_audio : bool, default=False
        Render every piece to a waveform with :func:`render_audio`. ``data``
        then holds ``(1, n_samples)`` waveforms and ``notes`` the note events.
    instrumentation : {"random", "by_class"} or dict, default="random"
        How pieces are rendered with ``as_audio``:

        * ``"random"``: a timbre and a tempo of 80-120 bpm drawn per piece
          from ``random_state``, independently of its label -- only the notes
          tell the classes apart (the harder setting).
        * ``"by_class"``: every class has its own ensemble and tempo range
          (:data:`ENSEMBLES`: a church organ for Bach, a choir for Palestrina,
          lute, recorder and harp for the trecento, a fast fiddle for Ryan's
          Mammoth, a tin whistle for O'Neill's; classes without an entry get
          one of a few generic ensembles), the tempo drawn per piece within
          the range. The classes then differ in instruments, texture and pace
          as genres do: a **stand-in for genre audio** (GTZAN) offline.
          Through FluidSynth the parts play the ensemble's General MIDI
          programs; the built-in synthesizer plays its ``timbre`` instead.
        * a dict ``{label: {"programs": (...), "timbre": ..., "bpm": (low,
          high)}}`` with an ensemble for every class.
    backend : {"numpy", "fluidsynth", "auto"} or None, default=None
        Renderer (see :func:`render_audio`); ``None`` is ``"numpy"`` for the
        random rendering (as before) and ``"auto"`` (FluidSynth where
        installed) for the by-class rendering.
    sr : int, default=22050
        Sampling rate of the rendered audio.
    max_seconds : float, default=30.0
        Length at which rendered audio is cut; ``None`` renders whole pieces.
    data_home : str or path-like, default=None
        Cache folder; see :func:`get_data_home`.
    n_jobs : int, default=None
        Processes for parsing and rendering; ``None`` means 1.
    verbose : bool, default=True
        Show progress bars.
    random_state : int, RandomState instance or None, default=0
        Which pieces are drawn under ``max_per_class``, and the rendering's
        timbres and tempi.

    Returns
    -------
    data : Bunch
        ``data`` (list of note-event arrays, or waveforms when ``as_audio``),
        ``target`` (ndarray of str), ``target_names``, ``filenames`` (addresses
        :class:`skmusic.io.ScoreLoader` reads: paths, or ``"file.abc#N"`` for a
        tune of a collection), ``groups`` (the tune family of every piece,
        :func:`skmusic.model_selection.tune_families`: the harmonizations of
        one hymn tune, the variants of one folk tune share a family; pass it
        to a grouped splitter such as
        :class:`~sklearn.model_selection.StratifiedGroupKFold`), ``DESCR``;
        with ``as_audio`` also ``notes``, ``sr``, ``timbres``, ``bpm`` and
        ``backend`` (the renderer that ran: ``"numpy"`` or ``"fluidsynth"``).

    Examples
    --------
    >>> from skmusic.datasets import load_corpus
    >>> songs = load_corpus("composers", max_per_class=2, verbose=False)
    >>> songs.target_names
    ['bach', 'oneills', 'palestrina', 'ryans_mammoth', 'trecento']
    >>> len(songs.data), songs.data[0].dtype.names[:3]
    (10, ('pitch', 'onset', 'duration'))
    >>> folk = load_corpus("folk", max_per_class=2, verbose=False)
    >>> folk.target_names
    ['china', 'german_ballad', 'german_boehme', 'ireland']
    >>> folk.filenames[0].rsplit("/", 1)[-1]  # one tune of an ABC collection
    'han2.abc#...'
    >>> folk.groups.shape  # the tune family of every piece
    (8,)
    """
    if name not in CORPUS_DATASETS:
        raise ValueError(
            f"Unknown corpus dataset {name!r}; choose one of {sorted(CORPUS_DATASETS)}."
        )
    spec = CORPUS_DATASETS[name]
    if classes is not None:
        unknown = sorted(set(classes) - set(spec))
        if unknown:
            raise ValueError(f"Unknown class(es) {unknown} for {name!r}; it has {sorted(spec)}.")
        spec = {label: spec[label] for label in spec if label in set(classes)}
    if not isinstance(instrumentation, dict) and instrumentation not in ("random", "by_class"):
        raise ValueError(
            f"instrumentation must be 'random', 'by_class' or a dict of ensembles, got "
            f"{instrumentation!r}."
        )
    if backend is None:
        backend = "numpy" if instrumentation == "random" else "auto"
    if backend not in ("numpy", "fluidsynth", "auto"):
        raise ValueError(f"backend must be 'numpy', 'fluidsynth', 'auto' or None, got {backend!r}.")
    cap = _DEFAULT_CAP[name] if max_per_class == "default" else max_per_class
    if cap is not None and (not isinstance(cap, (int, np.integer)) or cap < 1):
        raise ValueError(f"max_per_class must be a positive int, None or 'default', got {cap!r}.")
    root = _corpus_root()
    cache_dir = os.path.join(get_data_home(data_home), "music21_corpus", _CACHE_VERSION)
    os.makedirs(cache_dir, exist_ok=True)
    reader = _CachedReader(root, cache_dir)
    rng = check_random_state(random_state)

    data, target, filenames = [], [], []
    for label, patterns in spec.items():
        chosen, notes = _select(
            _candidates(patterns, root), cap, rng, reader, n_jobs, verbose, label
        )
        data.extend(notes)
        filenames.extend(chosen)
        target.extend([label] * len(chosen))
    bunch = Bunch(
        data=data,
        target=np.asarray(target),
        target_names=sorted(set(target)),
        filenames=np.asarray(filenames),
        groups=tune_families(data),
        DESCR=_DESCR[name],
    )
    if as_audio:
        if instrumentation == "random":
            timbres = rng.choice(sorted(TIMBRES), size=len(data))
            bpm = rng.uniform(80, 120, size=len(data))
            programs = [None] * len(data)
        else:
            ensembles = _ensembles(instrumentation, sorted(set(target)))
            timbres = np.array([ensembles[label]["timbre"] for label in target])
            bpm = np.array(
                [rng.uniform(*ensembles[label].get("bpm", (80, 120))) for label in target]
            )
            programs = [ensembles[label].get("programs") for label in target]
        if backend == "auto":
            backend = "fluidsynth" if fluidsynth_available() else "numpy"
        waves = Parallel(n_jobs=n_jobs)(
            delayed(render_audio)(
                notes,
                sr=sr,
                bpm=b,
                timbre=t,
                max_seconds=max_seconds,
                backend=backend,
                programs=p,
            )
            for notes, t, b, p in zip(data, timbres, bpm, programs)
        )
        bunch.update(notes=data, data=waves, sr=sr, timbres=timbres, bpm=bpm, backend=backend)
    return bunch
