"""A suite of music tasks, and on each a learning curve: where the networks start to pay.

Issue 29. Ten tasks from the music21 corpus (no download), each a classification of
whole pieces with tune-family folds (``skmusic.model_selection.song_folds`` over
``tune_families``; for excerpts and voice lines, over the piece they come from):

========================= ======== ==========================================================
task                      kind     classes (labels come from where)
========================= ======== ==========================================================
composers                 symbolic bach, palestrina, trecento, ryans_mammoth, oneills
                                   (``load_corpus("composers")``)
folk                      symbolic china, german_ballad, german_boehme (``load_corpus("folk")``;
                                   ireland, 62 tunes, left out so the curve reaches 160)
tunes                     symbolic three ABC tune books (bench_peers' ``TUNES``)
meter                     symbolic duple / triple / compound, German Essen folk songs; label from
                                   the tune's ``M:`` field, which the note events never carry
mode                      symbolic major / minor, four fiddle tune books; label from the ``K:``
                                   field (the notated mode), as many majors as minors drawn
                                   from every book
era                       symbolic renaissance / baroque / classical, 32-quarter excerpts
                                   (Palestrina, Monteverdi / Bach chorales, Handel,
                                   Corelli, C. P. E. Bach / Haydn, Mozart, Beethoven)
voice                     symbolic soprano / alto / tenor / bass lines of Bach's chorales, each
                                   line its own piece, transposed to a mean pitch of 66
dance                     symbolic reel / jig / hornpipe, O'Neill's and Ryan's; label from the
                                   ``R:`` field, every dance drawn equally from both books
audio_composers           audio    composers rendered with a timbre and tempo drawn per piece
audio_mode                audio    mode rendered the same way
========================= ======== ==========================================================

``era`` and ``dance`` are **held out**: no default is ever chosen on them; they are
reported apart from the suite mean. For every task a learning curve
(:func:`skmusic.model_selection.learning_curve_table`): 10, 20, 40, 80 and 160 training
songs a class where every training fold holds them, three draws at 10, 20 and 40 and one
at 80 and 160 (draw ``d`` on fold ``d % 3``), every draw scored on the whole held-out fold.
Every network at its defaults -- for scores the note network, ResNet-1D and InceptionTime,
for audio the CRNN and the spectrogram CNN -- against every classical candidate of
``compare`` (random forest, SVM, KNN, logistic regression, gradient boosting, AdaBoost; for
scores also the viewpoint event classifier ``ngram_events`` and MiniRocket), in one run.
Classical models use ``compare --quick``'s small grids, tuned on each draw alone.

What the suite leaves out to fit two hours of two cores: the LSTM, the CRNN layouts NN2 and
NN3 and the RCNN (``compare`` has them; the RCNN alone took 226 s a fold on 80 songs of audio);
ResNet-1D and InceptionTime on audio, the CRNN and the spectrogram CNN on scores; the classical
models' full grids (``compare --quick``'s instead); more than one draw at 80 and 160 songs a
class; audio beyond 40 songs a class (75 pieces a class rendered, 10 s each); ``folk``'s
ireland class (62 tunes). ``composers`` stops at 40 songs a class (trecento has 103 pieces),
``tunes`` at 20 (american_fife has 56). The first run also parses the pieces it draws with
music21 (cached under skmusic's data home; ``era``'s quartet movements take minutes).

Run (``pip install -e ".[bench]"`` first; one torch thread per process)::

    OMP_NUM_THREADS=1 python benchmarks/bench_music_tasks.py           # the suite
    OMP_NUM_THREADS=1 python benchmarks/bench_music_tasks.py --quick   # 10 and 20 a class
    python benchmarks/bench_music_tasks.py --tasks meter,mode --models svm,note_network
    python benchmarks/bench_music_tasks.py --from-csv                  # report from the CSV

Writes ``benchmarks/results/music_tasks.md``, appends every fit to ``music_tasks.csv`` as
soon as a model's curve on a task ends, and draws ``music_tasks/<task>.png`` and
``music_tasks/suite_mean.png`` (``music_tasks_quick*`` under ``--quick``).
"""

import argparse
import csv
import glob
import os
import re
import time
import warnings
from datetime import UTC, datetime

import numpy as np
from _common import RESULTS, command_line, log, machine_note, md_table, setup
from sklearn.utils import Bunch

from skmusic.datasets import get_data_home, load_corpus
from skmusic.model_selection import (
    DEFAULT_SIZES,
    LEARNING_CURVE_NETWORKS,
    describe_families,
    learning_curve_summary,
    learning_curve_table,
    make_candidates,
    song_folds,
    tune_families,
)
from skmusic.plotting import plot_learning_curve

SYMBOLIC_TASKS = ("composers", "folk", "tunes", "meter", "mode", "era", "voice", "dance")
AUDIO_TASKS = ("audio_composers", "audio_mode")
TASKS = SYMBOLIC_TASKS + AUDIO_TASKS
HELD_OUT = ("era", "dance")
CV = 3
# songs per class drawn into a task's pool: the full run (160 training songs a class need
# about 240 in the pool with 3 folds) and --quick (20 need about 31)
POOL = {"full": 255, "quick": 36}
AUDIO_POOL = {"full": 75, "quick": 36}  # audio: the curve stops at 40
AUDIO_SECONDS = 10.0
DRAWS = {"full": {10: 3, 20: 3, 40: 3, 80: 1, 160: 1}, "quick": {10: 3, 20: 3}}
QUICK_SIZES = (10, 20)

# The third music task of issue 18 (bench_peers.py): three ABC tune books.
TUNES = {
    "airds_airs": ("airdsAirs/book*.abc",),
    "american_fife": ("miscFolk/americanfifeopus.abc",),
    "northumbrian": ("miscFolk/northumbrianminstrelsyopus.abc",),
}
# Meter: German-language Essen collections (the Chinese han*.abc left out, so that a
# region cannot stand in for a meter).
ESSEN_GERMAN = (
    "altdeu*.abc",
    "ballad*.abc",
    "boehme*.abc",
    "dva*.abc",
    "erk*.abc",
    "fink*.abc",
    "kinder*.abc",
    "zuccal*.abc",
    "lot.abc",
    "lux.abc",
)
METERS = {
    "duple": {"2/4", "4/4", "2/2", "4/2", "C", "C|"},
    "triple": {"3/4", "3/8", "3/2", "3/1"},
    "compound": {"6/8", "6/4", "9/8", "12/8", "6/16", "9/4"},
}
FIDDLE_BOOKS = {
    "oneills": "oneills1850/*.abc",
    "ryans_mammoth": "ryansMammoth/*.abc",
    "airds_airs": "airdsAirs/book*.abc",
    "misc_folk": "miscFolk/*.abc",
}
DANCES = {"reel": {"reel"}, "jig": {"jig", "double jig"}, "hornpipe": {"hornpipe"}}
ERAS = {
    "renaissance": ("palestrina/*.krn", "monteverdi/*.mxl"),
    "baroque": (
        "bach/bwv*.mxl",
        "handel/rinaldo/*.mxl",
        "corelli/opus3no1/*.xml",
        "cpebach/*.mxl",
    ),
    # movements (a whole quartet in one file takes music21 minutes to parse)
    "classical": ("haydn/*/*.mxl", "mozart/*/*.mxl", "beethoven/*/*.mxl"),
}
ERA_WINDOW, ERA_MIN_NOTES = 32.0, 24  # quarter notes per excerpt; notes an excerpt needs
ERA_EXCERPTS = {"renaissance": 2, "baroque": 2, "classical": 12}  # at most, per piece
ERA_PIECES = {"renaissance": 200, "baroque": 200, "classical": None}  # pieces read, at most
VOICES = ("soprano", "alto", "tenor", "bass")
VOICE_MEAN_PITCH = 66

LEFT_OUT = (
    "the LSTM, the CRNN layouts NN2/NN3 and the RCNN; ResNet-1D and InceptionTime on audio, "
    "the CRNN and the spectrogram CNN on scores; the classical models' full grids; more than "
    "one draw at 80 and 160 songs a class; audio beyond 40 songs a class; folk's ireland class."
)

CSV_FIELDS = (
    "run",
    "task",
    "kind",
    "held_out",
    "model",
    "family",
    "songs_per_class",
    "draw",
    "fold",
    "score",
    "fit_time",
    "n_train",
    "n_test",
    "params",
    "quick",
)


# --------------------------------------------------------------------------- reading pieces


def _reader():
    """The corpus loader's cached reader (private helpers, so that a benchmark adds no
    public names to ``load_corpus``) and the corpus root."""
    from skmusic.datasets._corpus import _CACHE_VERSION, _CachedReader, _corpus_root

    root = _corpus_root()
    cache_dir = os.path.join(get_data_home(), "music21_corpus", _CACHE_VERSION)
    os.makedirs(cache_dir, exist_ok=True)
    return _CachedReader(root, cache_dir), root


def _draw_pieces(addresses, cap, rng, n_jobs, label):
    """At most ``cap`` readable pieces of ``addresses`` in a random order (unreadable ones
    skipped), as ``load_corpus`` draws them: (addresses, note arrays)."""
    from skmusic.datasets._corpus import _select

    reader, _ = _reader()
    return _select(list(addresses), cap, rng, reader, n_jobs, False, label)


def _files(patterns):
    _, root = _reader()
    out = []
    for pattern in patterns:
        out += sorted(glob.glob(str(root / pattern)))
    return out


_FIELD = re.compile(r"^([A-Za-z]):\s*(.*?)\s*$")


def abc_tunes(path):
    """``[(address, {field: [values]}, body)]`` for every tune of an ABC file: the header
    fields (``M:``, ``K:``, ``R:``...) as written, read from the text (as music21 reads
    them), and whether the body changes them inline."""
    from skmusic.io.scores import _read_text, _split_abc

    _, tunes = _split_abc(_read_text(path))
    out = []
    for number, text in tunes.items():
        fields, body = {}, []
        in_body = False
        for line in text.splitlines():
            if line.lstrip().startswith("%"):  # a comment
                continue
            match = _FIELD.match(line)
            if match and not in_body:
                fields.setdefault(match.group(1), []).append(match.group(2))
                in_body = match.group(1) == "K"
            else:
                body.append(line)
                in_body = True
        out.append((f"{path}#{number}", fields, "\n".join(body)))
    return out


def _changes_inline(body, field):
    """Whether an ABC tune body changes ``field`` (``M`` or ``K``) mid-tune."""
    return bool(re.search(rf"\[{field}:|^{field}:", body, flags=re.MULTILINE))


def meter_label(fields, body):
    """duple / triple / compound from the ``M:`` field; None where it is absent, changes
    mid-tune or is none of them (5/4, "none", ...)."""
    values = fields.get("M", [])
    if len(values) != 1 or _changes_inline(body, "M"):
        return None
    value = values[0].split("%")[0].strip()
    for label, signatures in METERS.items():
        if value in signatures:
            return label
    return None


def mode_label(fields, body):
    """major / minor from the ``K:`` field (the notated mode); None for the church modes,
    a missing key or a key change mid-tune."""
    values = fields.get("K", [])
    if len(values) != 1 or _changes_inline(body, "K"):
        return None
    key = values[0].split("%")[0].strip().lower().replace(" ", "")
    match = re.match(r"^([a-g][#b]?)(.*)$", key)
    if not match:
        return None
    mode = match.group(2)
    if mode in ("", "maj", "major", "ion", "ionian"):
        return "major"
    if mode in ("m", "min", "minor", "aeo", "aeolian"):
        return "minor"
    return None


def dance_label(fields, body):
    """reel / jig / hornpipe from the ``R:`` field; None for other dances and none."""
    values = [v.lower().strip() for v in fields.get("R", [])]
    if len(values) != 1:
        return None
    for label, names in DANCES.items():
        if values[0] in names:
            return label
    return None


def _labelled_tunes(patterns, labeller):
    """``{label: [address]}`` of the tunes of some ABC files that ``labeller`` labels."""
    by_label = {}
    for path in _files(patterns):
        for address, fields, body in abc_tunes(path):
            label = labeller(fields, body)
            if label is not None:
                by_label.setdefault(label, []).append(address)
    return by_label


def _balanced_by_book(labeller, books, rng):
    """``{label: [address]}`` with every label drawn equally from every tune book: per
    book, as many tunes of each label as its rarest label has, so that the book cannot
    stand in for the label."""
    out = {}
    for pattern in books.values():
        found = _labelled_tunes((pattern,), labeller)
        if len(found) < 2:
            continue
        n = min(len(v) for v in found.values())
        for label, addresses in found.items():
            out.setdefault(label, []).extend(rng.permutation(addresses)[:n].tolist())
    return out


# --------------------------------------------------------------------------- tasks


def _bunch(data, target, groups, about, classes, **extra):
    target = np.asarray(target)
    return Bunch(
        data=data,
        target=target,
        groups=np.asarray(groups),
        about=about,
        classes=list(classes),
        **extra,
    )


def _from_addresses(by_label, cap, n_jobs, seed=0):
    """Note arrays of at most ``cap`` pieces per label, tune families as groups."""
    rng = np.random.RandomState(seed)
    data, target, addresses = [], [], []
    for label in sorted(by_label):
        chosen, notes = _draw_pieces(by_label[label], cap, rng, n_jobs, label)
        data += notes
        target += [label] * len(notes)
        addresses += chosen
    return data, np.asarray(target), tune_families(data), addresses


def task_composers(cap, n_jobs):
    songs = load_corpus("composers", max_per_class=cap, n_jobs=n_jobs, verbose=False)
    about = "`load_corpus('composers')`: five collections and composers"
    return _bunch(songs.data, songs.target, songs.groups, about, songs.target_names)


def task_folk(cap, n_jobs):
    classes = ["china", "german_ballad", "german_boehme"]
    songs = load_corpus("folk", classes=classes, max_per_class=cap, n_jobs=n_jobs, verbose=False)
    about = "`load_corpus('folk')` without ireland (62 tunes): three Essen collections"
    return _bunch(songs.data, songs.target, songs.groups, about, classes)


def task_tunes(cap, n_jobs):
    by_label = {}
    for label, patterns in TUNES.items():
        by_label[label] = []
        for path in _files(patterns):
            by_label[label] += [a for a, _, _ in abc_tunes(path)]
    data, target, groups, _ = _from_addresses(by_label, cap, n_jobs)
    about = "three ABC tune books (bench_peers' `TUNES`): " + ", ".join(
        f"{k} ({v[0]})" for k, v in TUNES.items()
    )
    return _bunch(data, target, groups, about, sorted(TUNES))


def task_meter(cap, n_jobs):
    patterns = [f"essenFolksong/{p}" for p in ESSEN_GERMAN]
    by_label = _labelled_tunes(patterns, meter_label)
    data, target, groups, addresses = _from_addresses(by_label, cap, n_jobs)
    about = (
        "German Essen folk songs by the meter of their `M:` field (duple: 2/4, 4/4, 2/2, 4/2; "
        "triple: 3/4, 3/8, 3/2, 3/1; compound: 6/8, 6/4, 9/8, 12/8); tunes whose meter "
        "changes mid-tune left out. The note events carry no time signature: the meter "
        "must be heard in the onsets and durations"
    )
    return _bunch(data, target, groups, about, sorted(by_label), addresses=addresses)


def task_mode(cap, n_jobs):
    by_label = _balanced_by_book(mode_label, FIDDLE_BOOKS, np.random.RandomState(0))
    data, target, groups, addresses = _from_addresses(by_label, cap, n_jobs)
    about = (
        "fiddle tunes of O'Neill's, Ryan's Mammoth, Aird's Airs and two miscellaneous books "
        "by the mode of their `K:` field (major: K:G, K:Dmaj...; minor: K:Em, K:A Minor...; "
        "church modes and key changes left out), as many majors as minors from every book"
    )
    return _bunch(data, target, groups, about, ["major", "minor"], addresses=addresses)


def task_dance(cap, n_jobs):
    books = {k: FIDDLE_BOOKS[k] for k in ("oneills", "ryans_mammoth")}
    by_label = _balanced_by_book(dance_label, books, np.random.RandomState(0))
    data, target, groups, _ = _from_addresses(by_label, cap, n_jobs)
    about = (
        "O'Neill's and Ryan's Mammoth tunes by the dance of their `R:` field (reel; jig and "
        "double jig; hornpipe), every dance drawn equally from both books"
    )
    return _bunch(data, target, groups, about, sorted(DANCES))


def _excerpts(notes, n_max):
    """At most ``n_max`` windows of :data:`ERA_WINDOW` quarter notes, evenly spread."""
    if notes.shape[0] == 0:
        return []
    starts = np.arange(0.0, float(notes["onset"].max()), ERA_WINDOW)
    windows = []
    for start in starts:
        inside = notes[(notes["onset"] >= start) & (notes["onset"] < start + ERA_WINDOW)].copy()
        if inside.shape[0] >= ERA_MIN_NOTES:
            inside["onset"] -= start
            end = ERA_WINDOW - inside["onset"]
            inside["duration"] = np.minimum(inside["duration"], end)
            windows.append(inside)
    if len(windows) > n_max:
        keep = np.unique(np.linspace(0, len(windows) - 1, n_max).round().astype(int))
        windows = [windows[i] for i in keep]
    return windows


def task_era(cap, n_jobs):
    rng = np.random.RandomState(0)
    data, target, group_keys = [], [], []
    bach = load_corpus("bach", verbose=False, n_jobs=n_jobs)
    chorale_family = dict(zip(bach.filenames.tolist(), bach.groups.tolist(), strict=True))
    counts = {}
    for era in sorted(ERAS):
        addresses, pieces = _draw_pieces(_files(ERAS[era]), ERA_PIECES[era], rng, n_jobs, era)
        n = 0
        for address, notes in zip(addresses, pieces, strict=True):
            key = (
                ("hymn tune", chorale_family[address])
                if address in chorale_family
                else ("piece", address)
            )
            for window in _excerpts(notes, ERA_EXCERPTS[era]):
                data.append(window)
                target.append(era)
                group_keys.append(key)
                n += 1
        counts[era] = (len(pieces), n)
    ids = {key: i for i, key in enumerate(dict.fromkeys(group_keys))}
    groups = np.array([ids[k] for k in group_keys])
    # at most ``cap`` excerpts per era, drawn at random
    target = np.asarray(target)
    keep = np.sort(
        np.concatenate(
            [rng.permutation(np.flatnonzero(target == era))[:cap] for era in sorted(ERAS)]
        )
    )
    about = (
        f"excerpts of {ERA_WINDOW:g} quarter notes (at least {ERA_MIN_NOTES} notes; at most "
        + ", ".join(f"{ERA_EXCERPTS[e]} per {e} piece" for e in sorted(ERAS))
        + ") from "
        + "; ".join(
            f"{e}: {counts[e][0]} pieces ({', '.join(p.split('/')[0] for p in ERAS[e])}), "
            f"{counts[e][1]} excerpts"
            for e in sorted(ERAS)
        )
        + ". Baroque is mostly Bach's chorales: the corpus holds little else of the era. "
        "Groups: the piece an excerpt comes from (a chorale: its hymn tune's family)"
    )
    return _bunch(
        [data[i] for i in keep], target[keep], groups[keep], about, sorted(ERAS), n_groups=len(ids)
    )


def voice_lines(chorale):
    """The four lines of a four-part chorale, top part first, each as its own piece
    (part 0), moved by whole semitones to a mean pitch of :data:`VOICE_MEAN_PITCH`, or
    None when the chorale has not four parts from high to low."""
    parts = np.unique(chorale["part"])
    if parts.size != 4:
        return None
    lines = [chorale[chorale["part"] == p].copy() for p in parts]
    means = [line["pitch"].mean() for line in lines]
    if any(len(line) < 8 for line in lines) or not all(np.diff(means) < 0):
        return None
    for line in lines:
        line["part"] = 0
        line["pitch"] += int(round(VOICE_MEAN_PITCH - line["pitch"].mean()))
    return lines


def task_voice(cap, n_jobs):
    bach = load_corpus("bach", verbose=False, n_jobs=n_jobs)
    rng = np.random.RandomState(0)
    data, target, groups, used = [], [], [], 0
    for i in rng.permutation(len(bach.data)):
        lines = voice_lines(bach.data[i])
        if lines is None:
            continue
        used += 1
        for voice, line in zip(VOICES, lines, strict=True):
            data.append(line)
            target.append(voice)
            groups.append(bach.groups[i])
        if used == cap:
            break
    about = (
        f"the four lines of {used} Bach chorales (four parts, top to bottom), each line its "
        f"own piece, moved by whole semitones to a mean pitch of {VOICE_MEAN_PITCH} so that "
        "register alone does not tell the voice; the four lines of a chorale and of every "
        "harmonization of its hymn tune share a group"
    )
    return _bunch(data, target, groups, about, list(VOICES))


def _render_random(notes_list, seed, n_jobs):
    """Waveforms with a timbre and a tempo (80-120 bpm) drawn per piece, independently of
    its label, as ``load_corpus(..., as_audio=True, instrumentation="random")`` renders."""
    from joblib import Parallel, delayed

    from skmusic.datasets import render_audio
    from skmusic.datasets._render import TIMBRES

    rng = np.random.RandomState(seed)
    timbres = rng.choice(sorted(TIMBRES), size=len(notes_list))
    bpm = rng.uniform(80, 120, size=len(notes_list))
    return Parallel(n_jobs=n_jobs)(
        delayed(render_audio)(n, sr=22050, bpm=b, timbre=t, max_seconds=AUDIO_SECONDS)
        for n, t, b in zip(notes_list, timbres, bpm, strict=True)
    )


def task_audio_composers(cap, n_jobs):
    songs = load_corpus(
        "composers",
        max_per_class=cap,
        as_audio=True,
        instrumentation="random",
        max_seconds=AUDIO_SECONDS,
        n_jobs=n_jobs,
        verbose=False,
    )
    about = (
        f"`load_corpus('composers', as_audio=True, instrumentation='random', "
        f"max_seconds={AUDIO_SECONDS:g})`: the first {AUDIO_SECONDS:g} s at 22,050 Hz, a timbre "
        "and a tempo of 80-120 bpm drawn per piece (only the music tells the classes apart)"
    )
    return _bunch(songs.data, songs.target, songs.groups, about, songs.target_names)


def task_audio_mode(cap, n_jobs):
    mode = task_mode(cap, n_jobs)
    waves = _render_random(mode.data, seed=1, n_jobs=n_jobs)
    about = (
        f"the mode task's tunes rendered as audio_composers is (first {AUDIO_SECONDS:g} s, "
        "timbre and tempo drawn per piece)"
    )
    return _bunch(waves, mode.target, mode.groups, about, mode.classes)


LOADERS = {
    "composers": task_composers,
    "folk": task_folk,
    "tunes": task_tunes,
    "meter": task_meter,
    "mode": task_mode,
    "era": task_era,
    "voice": task_voice,
    "dance": task_dance,
    "audio_composers": task_audio_composers,
    "audio_mode": task_audio_mode,
}


def load_task(name, quick, n_jobs=1):
    """The task's Bunch: data, target, groups, about, classes, and kind, held_out, folds,
    sizes (the curve's songs per class), pool."""
    scope = "quick" if quick else "full"
    kind = "audio" if name in AUDIO_TASKS else "symbolic"
    cap = (AUDIO_POOL if kind == "audio" else POOL)[scope]
    task = LOADERS[name](cap, n_jobs)
    folds = song_folds(task.target, groups=task.groups, cv=CV, random_state=0)
    largest = min(
        int(np.sum(task.target[train] == c)) for train, _ in folds for c in np.unique(task.target)
    )
    allowed = QUICK_SIZES if quick else DEFAULT_SIZES
    task.update(
        name=name,
        kind=kind,
        held_out=name in HELD_OUT,
        largest=largest,
        sizes=[s for s in allowed if s <= largest],
        pool=cap,
    )
    counts = ", ".join(
        f"{c} {n}" for c, n in zip(*np.unique(task.target, return_counts=True), strict=True)
    )
    task.summary = (
        f"{len(task.target)} pieces ({counts}); {describe_families(task.groups)}; at most "
        f"{largest} training pieces a class in every fold"
    )
    return task


# --------------------------------------------------------------------------- running


def candidates_for(kind, models, quick, seed):
    """Classical candidates with compare --quick's small grids; networks at their defaults
    (``quick``: at most 30 epochs and one ResNet-1D or InceptionTime network, the note
    network at its defaults, as compare --quick builds them)."""
    networks = list(LEARNING_CURVE_NETWORKS[kind])
    out = make_candidates(kind, models=["classical"], quick=True, random_state=seed)
    out += make_candidates(kind, models=networks, quick=quick, random_state=seed)
    if models is not None:
        out = [c for c in out if c.name in models]
    return out


def append_rows(path, rows):
    new = not path.exists()
    with path.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        if new:
            writer.writeheader()
        writer.writerows(rows)


def read_rows(path, quick):
    """The newest run's rows of every (task, model) in the CSV."""
    import pandas as pd

    table = pd.read_csv(path)
    table = table[table["quick"] == int(quick)]
    newest = table.groupby(["task", "model"])["run"].transform("max")
    return table[table["run"] == newest].reset_index(drop=True)


def run_task(task, candidates, args, run, csv_path):
    import pandas as pd

    tables = []
    for cand in candidates:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="sktime")
            table = learning_curve_table(
                task.data,
                task.target,
                kind=task.kind,
                groups=task.groups,
                sizes=task.sizes,
                n_draws=DRAWS["quick" if args.quick else "full"],
                candidates=[cand],
                cv=CV,
                n_jobs=args.n_jobs,
                error_score=np.nan,
                random_state=args.seed,
            )
        table.insert(0, "task", task.name)
        table.insert(1, "kind", task.kind)
        table.insert(2, "held_out", int(task.held_out))
        table["run"], table["quick"] = run, int(args.quick)
        append_rows(csv_path, table.to_dict("records"))
        means = table.groupby("songs_per_class")["score"].mean()
        log(
            f"  {cand.name:20s} "
            + "  ".join(f"{s}: {m:.3f}" for s, m in means.items())
            + f"   ({time.perf_counter() - start:.0f} s, slowest fit {table.fit_time.max():.0f} s)"
        )
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


# --------------------------------------------------------------------------- reporting


def task_means(rows):
    """Mean score per (task, model, size) over draws."""
    return (
        rows.groupby(["task", "kind", "held_out", "model", "family", "songs_per_class"])["score"]
        .mean()
        .reset_index()
    )


def suite_mean(rows, tasks):
    """Mean over ``tasks`` of each model's per-task mean, per size, and how many tasks
    hold that size (a row per model and size; ``score`` is the suite mean)."""
    means = task_means(rows[rows["task"].isin(tasks)])
    out = (
        means.groupby(["model", "family", "songs_per_class"])["score"]
        .agg(score="mean", std="std", n_tasks="count")
        .reset_index()
    )
    return out


def _curve_table(means):
    """Markdown: models by size, best network and best classical per size."""
    pivot = means.pivot_table(
        index=["model", "family"], columns="songs_per_class", values="score", aggfunc="mean"
    )
    pivot = pivot.sort_values(pivot.columns[-1], ascending=False)
    sizes = list(pivot.columns)
    rows = [
        [f"{m} (network)" if fam == "deep" else m, *pivot.loc[(m, fam)].tolist()]
        for m, fam in pivot.index
    ]
    text = md_table(["model", *[f"{s} a class" for s in sizes]], rows)
    summary = learning_curve_summary(means)
    lines = []
    for r in summary.itertuples():
        lines.append(
            f"{r.songs_per_class}: {r.best_network} {r.network_score:.3f} vs "
            f"{r.best_classical} {r.classical_score:.3f} ({r.gap:+.3f})"
        )
    crossover = summary.attrs["crossover"]
    verdict = (
        f"crossover at {crossover} songs a class"
        if crossover is not None
        else "no crossover within the sizes measured"
    )
    return text, "Best network vs best classical per size: " + "; ".join(lines) + f"; {verdict}."


def _plot(means_or_rows, path, title, chance=None):
    import matplotlib.pyplot as plt

    plot_learning_curve(means_or_rows, chance=chance, title=title, path=path)
    plt.close("all")


def write_report(rows, tasks, args, elapsed, stem, note):
    import pandas as pd

    figures = RESULTS / stem
    figures.mkdir(parents=True, exist_ok=True)
    parts = [
        "# A music task suite: learning curves of the networks and the classical models",
        "",
        *([f"**{note}**", ""] if note else []),
        f"Command: `{command_line()}`",
        "",
        machine_note(elapsed),
        "",
        "Every point: a candidate fitted on that many training songs of each class, drawn from "
        "the training part of one tune-family fold (3 folds, `StratifiedGroupKFold`), and "
        "scored (accuracy) on the whole held-out fold -- the same held-out songs at every "
        "size (`skmusic.model_selection.learning_curve_table`). Draw d uses fold d % 3; "
        f"draws per size: {DRAWS['quick' if args.quick else 'full']}. Networks at their "
        "defaults"
        + (
            " (`--quick`: at most 30 epochs, one ResNet-1D or InceptionTime network; the note "
            "network at its defaults)"
            if args.quick
            else ""
        )
        + "; classical models with `compare --quick`'s grids, tuned on each draw alone.",
        "",
        "## Tasks",
        "",
        md_table(
            ["task", "kind", "held out", "classes", "pieces and families", "sizes"],
            [
                [
                    t.name,
                    t.kind,
                    "yes" if t.held_out else "",
                    ", ".join(t.classes),
                    t.summary,
                    ", ".join(map(str, t.sizes)),
                ]
                for t in tasks.values()
            ],
            align=["---"] * 6,
        ),
        "",
        *[f"- **{t.name}**: {t.about}." for t in tasks.values()],
        "",
        "Left out to fit two hours of two cores: " + LEFT_OUT,
        "",
    ]
    tuning_symbolic = [t for t in tasks.values() if not t.held_out and t.kind == "symbolic"]
    tuning_audio = [t for t in tasks.values() if not t.held_out and t.kind == "audio"]
    for group, members, what in (
        ("suite_mean", tuning_symbolic, "symbolic tasks that are not held out"),
        ("suite_mean_audio", tuning_audio, "audio tasks"),
    ):
        names = [t.name for t in members if t.name in set(rows["task"])]
        if not names:
            continue
        suite = suite_mean(rows, names)
        text, verdict = _curve_table(suite)
        counts = suite.groupby("songs_per_class")["n_tasks"].max().to_dict()
        png = figures / f"{group}.png"
        # one row per task and model: the band is the spread over tasks
        _plot(task_means(rows[rows.task.isin(names)]), png, f"Suite mean over {len(names)} {what}")
        parts += [
            f"## Suite mean: {what} ({', '.join(names)})",
            "",
            "Mean over tasks of each model's mean accuracy; a size counts the tasks that hold "
            f"it ({', '.join(f'{s}: {n}' for s, n in counts.items())}).",
            "",
            text,
            "",
            verdict,
            "",
            f"![{group}]({stem}/{png.name})",
            "",
        ]
    # the family-best mean: per task the best network and the best classical model
    means = task_means(rows)
    per_task = []
    for (task, size), group in means.groupby(["task", "songs_per_class"]):
        deep, classical = group[group.family == "deep"], group[group.family == "classical"]
        if len(deep) and len(classical):
            per_task.append(
                {
                    "task": task,
                    "held_out": int(group.held_out.iloc[0]),
                    "songs_per_class": size,
                    "network": deep.score.max(),
                    "classical": classical.score.max(),
                }
            )
    if per_task:
        best = pd.DataFrame(per_task)
        rows_md = []
        for size, group in best.groupby("songs_per_class"):
            tuning = group[group.held_out == 0]
            rows_md.append(
                [
                    size,
                    len(tuning),
                    tuning.network.mean(),
                    tuning.classical.mean(),
                    tuning.network.mean() - tuning.classical.mean(),
                ]
            )
        parts += [
            "## Best network and best classical model per task, averaged (tasks not held out, "
            "symbolic and audio)",
            "",
            md_table(["songs a class", "tasks", "best network", "best classical", "gap"], rows_md),
            "",
        ]
    for t in tasks.values():
        mine = means[means.task == t.name]
        if mine.empty:
            continue
        text, verdict = _curve_table(mine)
        png = figures / f"{t.name}.png"
        _plot(
            rows[rows.task == t.name],
            png,
            f"{t.name}{' (held out)' if t.held_out else ''}: {len(t.classes)} classes",
            chance=1 / len(t.classes),
        )
        fit = rows[rows.task == t.name].groupby("model")["fit_time"].max()
        parts += [
            f"## {t.name}{' (held out)' if t.held_out else ''}",
            "",
            text,
            "",
            verdict
            + " Slowest fit: "
            + ", ".join(f"{m} {s:.0f} s" for m, s in fit.sort_values().items())
            + (f"; the task took {t.wall / 60:.1f} min." if t.get("wall") else "."),
            "",
            f"![{t.name}]({stem}/{png.name})",
            "",
        ]
    out = RESULTS / f"{stem}.md"
    out.write_text("\n".join(parts))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", help="comma-separated: " + ", ".join(TASKS) + " (default all)")
    parser.add_argument(
        "--models", help="comma-separated candidate names of compare (default: all of the suite)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"10 and 20 songs a class, pools of {POOL['quick']} a class, networks of at most "
        "30 epochs as compare --quick builds them",
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel fits (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="folds, draws and models (default 0)")
    parser.add_argument("--output", metavar="STEM", help="results STEM.md / STEM.csv")
    parser.add_argument("--from-csv", action="store_true", help="report from the CSV, run nothing")
    args = parser.parse_args()
    start = setup(1)
    names = TASKS if args.tasks is None else [t.strip() for t in args.tasks.split(",")]
    unknown = sorted(set(names) - set(TASKS))
    if unknown:
        raise SystemExit(f"Unknown task(s) {unknown}; choose from {list(TASKS)}.")
    models = None if args.models is None else [m.strip() for m in args.models.split(",")]
    stem = args.output or ("music_tasks_quick" if args.quick else "music_tasks")
    complete = args.tasks is None and args.models is None
    if not complete and not args.output:
        stem += "_partial"
    csv_path = RESULTS / f"{stem}.csv"
    note = "" if complete else f"Partial run: tasks {', '.join(names)}; models {models or 'all'}."
    if args.from_csv:
        rows = read_rows(csv_path, args.quick)
        tasks = {n: load_task(n, args.quick, args.n_jobs) for n in names if n in set(rows.task)}
        out = write_report(rows, tasks, args, time.perf_counter() - start, stem, note)
        print(f"wrote {out}")
        return
    run = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    import pandas as pd

    tables, tasks = [], {}
    for name in names:
        t = time.perf_counter()
        task = load_task(name, args.quick, args.n_jobs)
        tasks[name] = task
        log(
            f"\n{name}{' (held out)' if task.held_out else ''}: {task.summary}; sizes "
            f"{task.sizes} (loaded in {time.perf_counter() - t:.0f} s)"
        )
        cands = candidates_for(task.kind, models, args.quick, args.seed)
        t = time.perf_counter()
        tables.append(run_task(task, cands, args, run, csv_path))
        task.wall = time.perf_counter() - t
        rows = pd.concat(tables, ignore_index=True)
        out = write_report(rows, tasks, args, time.perf_counter() - start, stem, note)
    print(out.read_text())
    print(f"wrote {out}; appended {len(rows)} rows to {csv_path}")


if __name__ == "__main__":
    main()
