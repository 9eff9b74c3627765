"""The ``skmusic`` command: compare models, fit, predict, generate, harmonize.

Run ``skmusic --help`` (or ``python -m skmusic --help``). Every sub-command
works on the embedded music21 corpus when no data is given.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

__all__ = ["main", "build_parser"]

PROG = "skmusic"
CORPUS = "corpus"


class CommandError(Exception):
    """A user error, shown as one line (exit status 2).

    Only user errors are: a missing folder or file, an unreadable file
    (:class:`skmusic.io.ReadError`), a bad option value, too little data.
    The commands check these explicitly and raise this; any other exception
    (a ``ValueError`` from inside the library included) is a bug and shows its
    traceback.
    """


# Options that take a count: (smallest value, what it counts).
_COUNTS = {
    "cv": (2, "folds"),
    "max_per_class": (1, "songs"),
    "epochs": (1, "epochs"),
    "n_trials": (1, "trials"),
    "steps": (1, "tokens"),
    "max_pieces": (1, "pieces"),
    "torch_threads": (0, "threads"),
    "candidates": (1, "harmonizations"),
}


def _check_options(args):
    """Bad option values as one-line errors, before any work."""
    for name, (low, unit) in _COUNTS.items():
        value = getattr(args, name, None)
        if value is not None and value < low:
            kind = "a positive" if low == 1 else f"at least {low}" if low else "a non-negative"
            raise CommandError(
                f"--{name.replace('_', '-')} must be {kind} number of {unit}, got {value}"
            )
    if getattr(args, "n_jobs", None) == 0:
        raise CommandError("--n-jobs must be a positive number of processes or -1 (all), got 0")
    for name in ("temperature", "max_time"):
        value = getattr(args, name, None)
        if value is not None and not value > 0:
            raise CommandError(f"--{name.replace('_', '-')} must be positive, got {value}")


def _check_models(models):
    """Model names as a one-line error: ``resolve_models`` only checks names."""
    from .model_selection import resolve_models

    try:
        return resolve_models(models)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


# --------------------------------------------------------------------- data
def _detect_kind(root):
    from .io.audio import AUDIO_EXTENSIONS
    from .io.scores import SCORE_EXTENSIONS

    root = Path(root)
    if not root.exists():
        raise CommandError(f"data folder '{root}' does not exist")
    if not root.is_dir():
        raise CommandError(
            f"'{root}' is a file; --data takes a folder with one sub-folder per class "
            "(e.g. data/jazz/a.wav, data/rock/b.wav)"
        )
    n_audio = n_score = 0
    for path in root.rglob("*"):
        if len(path.relative_to(root).parts) < 2 or path.name.startswith("."):
            continue  # only files in class sub-folders count
        ext = path.suffix.lower()
        n_audio += ext in AUDIO_EXTENSIONS
        n_score += ext in SCORE_EXTENSIONS
    if n_audio == n_score == 0:
        raise CommandError(
            f"no audio ({', '.join(sorted(AUDIO_EXTENSIONS))}) or score "
            f"({', '.join(sorted(SCORE_EXTENSIONS))}) files in class sub-folders of '{root}' "
            "(expected the layout folder/<class>/<file>)"
        )
    if n_audio and n_score:
        warnings.warn(
            f"'{root}' holds both audio ({n_audio}) and score ({n_score}) files; "
            f"using the {'audio' if n_audio > n_score else 'score'} files.",
            stacklevel=2,
        )
    return "audio" if n_audio > n_score else "symbolic"


def _load(data, *, classes=None, max_per_class=None, verbose=True, name="composers", sr=None):
    """(bunch, kind) for ``--data``: the corpus or a user's folder."""
    from .datasets import CORPUS_DATASETS, load_audio_folder, load_corpus, load_score_folder

    if data in (None, CORPUS, "composers", "bach"):
        corpus_name = "bach" if data == "bach" else name
        unknown = sorted(set(classes or ()) - set(CORPUS_DATASETS[corpus_name]))
        if unknown:
            raise CommandError(
                f"no class {', '.join(unknown)} in the corpus; its classes are "
                f"{', '.join(CORPUS_DATASETS[corpus_name])}"
            )
        cap = "default" if max_per_class is None else max_per_class
        bunch = load_corpus(
            corpus_name, classes=classes, max_per_class=cap, verbose=verbose, n_jobs=2
        )
        return bunch, "symbolic"
    kind = _detect_kind(data)
    loader = load_audio_folder if kind == "audio" else load_score_folder
    kwargs = {"sr": sr} if kind == "audio" and sr is not None else {}
    bunch = loader(data, verbose=verbose, n_jobs=2, **kwargs)
    if max_per_class is not None:
        import numpy as np

        keep = np.concatenate(
            [np.flatnonzero(bunch.target == c)[:max_per_class] for c in np.unique(bunch.target)]
        )
        keep.sort()
        bunch.data = [bunch.data[i] for i in keep]
        bunch.target, bunch.filenames = bunch.target[keep], bunch.filenames[keep]
        if "groups" in bunch:
            bunch.groups = bunch.groups[keep]
    return bunch, kind


def _classes(bunch):
    """(labels of every song, the classes, songs per class); a single class is a user error."""
    import numpy as np

    y = np.asarray(bunch.target)
    labels, counts = np.unique(y, return_counts=True)
    if len(labels) < 2:
        raise CommandError(f"the data has a single class ({labels[0]}); give two or more")
    return y, labels, counts


def _limit_threads(n):
    """Torch threads of this process: OpenMP spinning on a busy 2-core machine
    makes 2+ threads many times slower than 1 for these small networks."""
    if n:
        import torch

        torch.set_num_threads(n)


# ------------------------------------------------------------------ compare
def _cmd_compare(args):
    import numpy as np

    from .model_selection import compare_models, make_candidates
    from .plotting import plot_confusion_matrix, plot_training_curves

    if args.learning_curve:
        return _compare_learning_curve(args)
    start = time.perf_counter()
    _check_models(args.models)  # a misspelt model fails before any loading
    _limit_threads(args.torch_threads)
    cv = args.cv or (3 if args.quick else 5)
    max_per_class = args.max_per_class or (20 if args.quick else 40)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    classes = args.classes.split(",") if args.classes else None
    bunch, kind = _load(
        args.data, classes=classes, max_per_class=max_per_class, verbose=not args.silent
    )
    y, labels, counts = _classes(bunch)
    if counts.min() < cv:
        raise CommandError(
            f"class '{labels[np.argmin(counts)]}' has {counts.min()} songs, fewer than "
            f"--cv {cv} folds; use a smaller --cv or more songs"
        )
    _say(
        args,
        f"{len(y)} songs ({kind}), classes: "
        + ", ".join(f"{c} ({n})" for c, n in zip(labels, counts, strict=True)),
    )
    groups, split_note = _compare_groups(args, bunch, kind)
    candidates = make_candidates(
        kind, models=args.models, quick=args.quick, max_epochs=args.epochs, random_state=args.seed
    )
    result = compare_models(
        bunch.data,
        y,
        candidates=candidates,
        cv=cv,
        groups=groups,
        engine=args.engine,
        n_trials=args.n_trials,
        storage=args.storage,
        n_jobs=args.n_jobs,
        keep_predictions=True,
        progress=not args.silent,
        random_state=args.seed,
    )
    table = result.table
    csv = out / "results.csv"
    table.assign(params=table["params"].astype(str)).to_csv(csv, index=False)

    best = result.best
    figures = []
    cm_path = out / "confusion_matrix.png"
    acc = table.loc[0, "mean_score"]
    plot_confusion_matrix(
        y,
        result.details[best].y_pred,
        labels=list(labels),
        path=cm_path,
        title=f"{best}: out-of-fold song predictions (accuracy {acc:.2f})",
    )
    figures.append(cm_path)
    for name, det in result.details.items():
        fam = table.loc[table["model"] == name, "family"].iloc[0]
        if fam != "deep":
            continue
        path = out / f"training_curves_{name}.png"
        plot_training_curves(
            det.estimators[0], path=path, title=f"{name} (fold 1 of {len(result.cv)})"
        )
        figures.append(path)
    _close_figures()

    wall = time.perf_counter() - start
    print(_format_table(table, cv=cv, n_songs=len(y), wall=wall))
    print(split_note)
    print(f"\nwrote {csv}")
    for f in figures:
        print(f"wrote {f}")
    return 0


def _compare_groups(args, bunch, kind):
    """(groups, one line saying how songs were split) for ``compare``."""
    from .model_selection import describe_families

    if args.split == "songs":
        return None, "Folds split songs freely (--split songs): variants of a tune may be split."
    groups = bunch.get("groups")
    if groups is None:
        return None, (
            f"Folds split songs freely: tune families need scores, and this {kind} folder has none."
        )
    return groups, f"Folds keep tune families together: {describe_families(groups)}."


def _parse_sizes(text):
    """``--sizes``: 'auto' or comma-separated positive ints."""
    if text is None or text.strip() == "auto":
        return "auto"
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise CommandError(
            f"--sizes takes 'auto' or songs per class separated by commas, e.g. 10,20,40; "
            f"got {text!r}"
        )
    return sizes


def _compare_learning_curve(args):
    """``compare --learning-curve``: the candidates at growing numbers of songs per class."""
    import numpy as np

    from .model_selection import (
        LEARNING_CURVE_NETWORKS,
        learning_curve_summary,
        learning_curve_table,
        make_candidates,
    )
    from .plotting import plot_learning_curve

    start = time.perf_counter()
    models = _check_models(args.models) if args.models else None
    sizes = _parse_sizes(args.sizes)
    if args.draws is not None and args.draws < 1:
        raise CommandError(f"--draws must be a positive number of draws, got {args.draws}")
    _limit_threads(args.torch_threads)
    cv = args.cv or 3
    max_per_class = args.max_per_class
    if max_per_class is None and args.data in (None, CORPUS, "composers", "bach"):
        max_per_class = 40 if args.quick else 60
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    classes = args.classes.split(",") if args.classes else None
    bunch, kind = _load(
        args.data, classes=classes, max_per_class=max_per_class, verbose=not args.silent
    )
    y, labels, counts = _classes(bunch)
    if counts.min() < cv + 1:
        raise CommandError(
            f"class '{labels[np.argmin(counts)]}' has {counts.min()} songs: a learning curve "
            f"over --cv {cv} folds needs more; use a smaller --cv or more songs"
        )
    _say(
        args,
        f"{len(y)} songs ({kind}), classes: "
        + ", ".join(f"{c} ({n})" for c, n in zip(labels, counts, strict=True)),
    )
    groups, split_note = _compare_groups(args, bunch, kind)
    candidates = make_candidates(
        kind,
        models=models or ["classical", *LEARNING_CURVE_NETWORKS[kind]],
        quick=args.quick,
        max_epochs=args.epochs,
        random_state=args.seed,
    )
    try:
        table = learning_curve_table(
            bunch.data,
            y,
            kind=kind,
            groups=groups,
            sizes=sizes,
            n_draws=args.draws or 3,
            candidates=candidates,
            cv=cv,
            quick=args.quick,
            n_jobs=args.n_jobs,
            progress=not args.silent,
            random_state=args.seed,
        )
    except ValueError as exc:
        if "sizes" in str(exc) or "training fold" in str(exc):  # too few songs: a user error
            raise CommandError(str(exc).replace("sizes=", "--sizes ")) from None
        raise
    csv = out / "learning_curve.csv"
    table.to_csv(csv, index=False)
    png = out / "learning_curve.png"
    plot_learning_curve(
        table,
        chance=1 / len(labels),
        path=png,
        title=f"{len(labels)} classes, {len(y)} songs; held out: {cv} folds",
    )
    _close_figures()
    wall = time.perf_counter() - start
    print(_format_learning_curve(table, learning_curve_summary(table), cv=cv, wall=wall))
    print(split_note)
    print(f"\nwrote {csv}")
    print(f"wrote {png}")
    return 0


def _format_learning_curve(table, summary, *, cv, wall):
    """Mean score per model and size, the best of each family per size, the crossover."""
    pivot = table.pivot_table(
        index=["model", "family"], columns="songs_per_class", values="score", aggfunc="mean"
    )
    pivot = pivot.sort_values(pivot.columns[-1], ascending=False).round(3)
    pivot.columns = [f"{c} a class" for c in pivot.columns]
    draws = table.groupby("songs_per_class")["draw"].nunique()
    n_draws = f"{draws.min()}" if draws.min() == draws.max() else f"{draws.min()}-{draws.max()}"
    lines = [
        f"Song accuracy on held-out songs ({cv} song-level folds) by training songs per "
        f"class, mean of {n_draws} draws per size ({wall:.0f} s in all):",
        "",
        pivot.reset_index().to_string(index=False),
        "",
    ]
    crossover = summary.attrs.get("crossover")
    has_both = summary["gap"].notna().any()
    if not has_both:
        return "\n".join(lines)
    for row in summary.itertuples():
        lines.append(
            f"{row.songs_per_class:>4} a class: best network {row.best_network} "
            f"{row.network_score:.3f}, best classical {row.best_classical} "
            f"{row.classical_score:.3f} ({row.gap:+.3f})"
        )
    last = summary.iloc[-1]
    if crossover is None:
        lines.append(
            f"\nThe best network stays below the best classical model at every size measured "
            f"(at {last.songs_per_class} songs a class by {-last.gap:.3f}; compare the gaps "
            "with the spread over draws in the CSV before choosing)."
        )
    elif crossover == summary["songs_per_class"].iloc[0]:
        lines.append(
            f"\nThe best network matches the best classical model from the smallest size "
            f"measured on ({crossover} songs a class)."
        )
    else:
        lines.append(
            f"\nThe best network matches the best classical model from {crossover} songs a "
            "class on; below that a classical model scores higher."
        )
    return "\n".join(lines)


def _format_table(table, *, cv, n_songs, wall):
    lines = [
        f"Song accuracy, {cv}-fold song-level CV over {n_songs} songs ({wall:.0f} s in all):",
        "",
    ]
    shown = table.assign(
        accuracy=[
            f"{m:.3f} ± {s:.3f}" for m, s in zip(table.mean_score, table.std_score, strict=True)
        ],
        fit_s=table.mean_fit_time.round(2),
        params=table.params.astype(str),
    )[["model", "family", "accuracy", "fit_s", "n_settings", "params"]]
    lines.append(shown.to_string(index=False))
    deep = table[table.family == "deep"]
    classical = table[table.family == "classical"]
    if len(deep) and len(classical):
        d, c = deep.iloc[0], classical.iloc[0]
        verdict = (
            "at least as accurate as" if d.mean_score >= c.mean_score else "less accurate than"
        )
        lines.append(
            f"\nBest network {d.model} ({d.mean_score:.3f}) is {verdict} the best "
            f"classical model {c.model} ({c.mean_score:.3f})."
        )
    return "\n".join(lines)


def _close_figures():
    import matplotlib.pyplot as plt

    plt.close("all")


def _say(args, text):
    if not args.silent:
        print(text, file=sys.stderr)


# ---------------------------------------------------------------------- fit
def _cmd_fit(args):
    import joblib
    from sklearn.pipeline import Pipeline

    from .io import AudioLoader, ScoreLoader
    from .model_selection import make_candidates

    _check_models([args.model])
    _limit_threads(args.torch_threads)
    classes = args.classes.split(",") if args.classes else None
    bunch, kind = _load(
        args.data, classes=classes, max_per_class=args.max_per_class, verbose=not args.silent
    )
    (cand,) = make_candidates(
        kind, models=[args.model], quick=args.quick, max_epochs=args.epochs, random_state=args.seed
    )
    model = cand.estimator
    _say(args, f"fitting {args.model} on {len(bunch.target)} songs ...")
    model.fit(bunch.data, bunch.target)
    loader = AudioLoader(sr=getattr(bunch, "sr", 22050)) if kind == "audio" else ScoreLoader()
    # The fitted steps, behind a (stateless) loader: predicts from file paths.
    full = Pipeline([("load", loader.fit(None)), *model.steps])
    save = Path(args.save)
    if save.parent and not save.parent.exists():
        save.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(full, save)
    acc = float((model.predict(bunch.data) == bunch.target).mean())
    print(
        f"saved {args.model} ({kind}, classes: {', '.join(map(str, model.classes_))}) "
        f"to {save}; training accuracy {acc:.3f}"
    )
    return 0


# ------------------------------------------------------------------ predict
def _cmd_predict(args):
    import joblib
    import numpy as np

    from .io import split_tune_number

    _limit_threads(args.torch_threads)
    if not os.path.exists(args.model):
        raise CommandError(
            f"model file '{args.model}' does not exist (make one with "
            "'skmusic fit ... --save model.joblib')"
        )
    try:
        model = joblib.load(args.model)
    except Exception as exc:  # joblib raises many kinds for a bad file
        raise CommandError(f"cannot read model '{args.model}': {exc}") from None
    if not hasattr(model, "predict"):
        raise CommandError(f"'{args.model}' does not hold a fitted model")
    for f in args.files:
        if not os.path.exists(split_tune_number(f)[0]):
            raise CommandError(f"file '{f}' does not exist")
    y_pred = model.predict(list(args.files))
    proba = model.predict_proba(list(args.files)) if hasattr(model, "predict_proba") else None
    classes = [str(c) for c in model.classes_]
    width = max(len(f) for f in args.files)
    header = f"{'file':<{width}}  {'label':<14}" + (
        "  " + "  ".join(f"{c[:10]:>10}" for c in classes) if proba is not None else ""
    )
    print(header)
    for i, f in enumerate(args.files):
        row = f"{f:<{width}}  {str(y_pred[i]):<14}"
        if proba is not None:
            row += "  " + "  ".join(f"{p:>10.3f}" for p in np.asarray(proba[i]))
        print(row)
    return 0


# ----------------------------------------------------------------- generate
# The highest rate `generate` analyses audio at by default: a folder at a lower rate
# is analysed at its own (no empty bands above its Nyquist frequency, fewer frames).
_AUDIO_SR = 22050


def _audio_folder_rate(root):
    """The rate to analyse a folder's recordings at: their most common rate, at most
    ``_AUDIO_SR``; None when the folder holds no readable audio (scores)."""
    from collections import Counter

    import soundfile

    from .io.audio import AUDIO_EXTENSIONS

    root = Path(root)
    if not root.is_dir():
        return None  # _load says what is wrong
    rates = Counter()
    for path in sorted(root.glob("*/*")):
        if path.suffix.lower() in AUDIO_EXTENSIONS and not path.name.startswith("."):
            try:
                rates[soundfile.info(str(path)).samplerate] += 1
            except Exception:  # a format soundfile cannot read: the loader decodes it
                continue
    if not rates:
        return None
    return min(rates.most_common(1)[0][0], _AUDIO_SR)


def _generation_pieces(args):
    """(pieces, what they are, kind): the note arrays of --data (and --class), or
    its waveforms ("audio": a folder of audio, or the corpus rendered with --audio)."""
    import numpy as np

    data = args.data
    if args.audio and data in ("bach", None, CORPUS, "composers"):
        from .datasets import load_corpus

        klass = args.klass or "bach"
        args.sr = args.sr or _AUDIO_SR
        bunch = load_corpus(
            "composers",
            classes=[klass],
            max_per_class=args.max_pieces or 12,
            as_audio=True,
            instrumentation="by_class",
            sr=args.sr,
            verbose=not args.silent,
        )
        what = f"'{klass}' pieces of the corpus rendered as audio ({bunch.backend})"
        return list(bunch.data), what, "audio"
    if data in ("bach", None):
        if args.klass not in (None, "bach"):
            raise CommandError(
                f"--data bach holds only Bach chorales; for --class {args.klass} use --data corpus"
            )
        bunch, _ = _load("bach", max_per_class=args.max_pieces, verbose=not args.silent)
        return list(bunch.data), "Bach chorales", "symbolic"
    if data in (CORPUS, "composers"):
        bunch, _ = _load(
            CORPUS,
            max_per_class=args.max_pieces,
            verbose=not args.silent,
            classes=[args.klass or "bach"],
        )
        return list(bunch.data), f"'{args.klass or 'bach'}' pieces of the corpus", "symbolic"
    if args.sr is None:
        args.sr = _audio_folder_rate(data)  # None for a folder of scores
    bunch, kind = _load(data, verbose=not args.silent, sr=args.sr)
    if kind == "audio" and args.sr is None:  # no header soundfile reads: the loader's rate
        args.sr = getattr(bunch, "sr", None) or _AUDIO_SR
    if args.audio and kind != "audio":
        raise CommandError(
            f"'{data}' holds score files; --audio renders the corpus (--data corpus), "
            "or give a folder of audio files"
        )
    target = np.asarray(bunch.target)
    if args.klass is not None:
        if args.klass not in set(target.tolist()):
            raise CommandError(
                f"no class '{args.klass}' in '{data}'; its classes are "
                f"{', '.join(sorted(set(target.tolist())))}"
            )
        keep = np.flatnonzero(target == args.klass)
    else:
        keep = np.arange(len(target))
    if args.max_pieces:
        keep = keep[: args.max_pieces]
    what = f"{'recordings' if kind == 'audio' else 'pieces'} of '{data}'"
    return [bunch.data[i] for i in keep], what, kind


def _cmd_generate(args):
    import numpy as np

    from .generation import write_tokens_midi
    from .model_selection import NotEnoughDataError, fit_generation, sample_generation
    from .model_selection._generation import describe_token_model
    from .plotting import plot_piano_roll

    start = time.perf_counter()
    _limit_threads(args.torch_threads)
    pieces, what, kind = _generation_pieces(args)
    if kind == "audio":
        if args.tokens == "satb":
            raise CommandError(
                f"--tokens satb learns four-part scores; the {what} are audio (use --data bach)"
            )
        return _generate_audio(args, pieces, what, start)
    if args.tokens == "satb":
        return _generate_satb(args, pieces, what, start)
    _say(
        args,
        f"learning {args.tokens} tokens of {len(pieces)} {what}, checking on held-out "
        f"pieces; at most {args.max_time:g} s of training ...",
    )
    try:
        result = fit_generation(
            pieces,
            tokens=args.tokens,
            max_time=args.max_time,
            random_state=args.seed,
            verbose=int(args.verbose),
            what=what,
        )
    except NotEnoughDataError as exc:  # raised before any fitting: the user's data
        raise CommandError(str(exc)) from None
    sample = sample_generation(
        result, args.steps, temperature=args.temperature, random_state=args.seed
    )
    notes = result.tokenizer.decode(sample)
    if len(notes) == 0:
        raise CommandError(
            f"the {len(sample)} sampled tokens decode to no notes (only rests); "
            "give more --steps or another --seed"
        )
    out = Path(args.out or "generated.mid")
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    write_tokens_midi(sample, result.tokenizer, out)
    plot_piano_roll(
        notes,
        path=out.with_suffix(".png"),
        title=f"Generated from {what} ({len(sample)} tokens, T={args.temperature:g})",
    )
    _close_figures()
    lstm_ll, ngram_ll = result.score, result.baseline_score
    better = "better" if lstm_ll > ngram_ll else "worse"
    print(f"wrote {out} ({len(sample)} tokens) and its piano roll {out.with_suffix('.png')}")
    print(
        f"held-out log-likelihood per token: note LSTM {lstm_ll:.3f} "
        f"(perplexity {np.exp(-lstm_ll):.1f}), {describe_token_model(result.baseline)} "
        f"{ngram_ll:.3f} (perplexity {np.exp(-ngram_ll):.1f}): the LSTM is {better}; "
        f"{len(result.generator.history_)} epochs, {time.perf_counter() - start:.0f} s in all"
    )
    return 0


def _generate_audio(args, waves, what, start):
    """``generate`` on audio: a spectral generator, a WAV, real and generated spectrograms."""
    from .features import MelSpectrogram
    from .io import write_wav
    from .model_selection import NotEnoughDataError, fit_generation, sample_generation
    from .plotting import _pyplot, plot_spectrogram

    _say(
        args,
        f"learning the log-mel frames of {len(waves)} {what} at {args.sr} Hz, checking on "
        f"held-out recordings; at most {args.max_time:g} s of training ...",
    )
    try:
        result = fit_generation(
            waves,
            kind="audio",
            sr=args.sr,
            max_time=args.max_time,
            random_state=args.seed,
            verbose=int(args.verbose),
            what=what,
        )
    except NotEnoughDataError as exc:  # raised before any fitting: the user's data
        raise CommandError(str(exc)) from None
    n_out = None if args.seconds is None else max(round(args.seconds * args.sr), 1)
    clip = sample_generation(result, n_out, temperature=args.temperature, random_state=args.seed)
    out = Path(args.out or "generated.wav")
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(clip, out, sr=args.sr)
    gen = result.generator
    mel = MelSpectrogram(
        sr=args.sr, n_fft=gen.n_fft, hop_length=gen.hop_length, n_mels=gen.n_mels
    ).fit([clip])
    real = result.test[0][:, : clip.shape[-1]]
    fig, axes = _pyplot().subplots(1, 2, figsize=(12, 3.8))
    for ax, wave, title in ((axes[0], real, "real, held out"), (axes[1], clip, "generated")):
        plot_spectrogram(
            mel.transform([wave])[0], sr=args.sr, hop_length=gen.hop_length, ax=ax, title=title
        )
    fig.tight_layout()
    fig.savefig(out.with_suffix(".png"), dpi=100)
    _close_figures()
    better = "better" if result.score > result.baseline_score else "worse"
    print(
        f"wrote {out} ({clip.shape[-1] / args.sr:g} s at {args.sr} Hz) and its spectrogram "
        f"beside a held-out real one {out.with_suffix('.png')}"
    )
    print(
        f"held-out log-likelihood per mel band and frame: spectral generator "
        f"{result.score:.3f}, mean-spectrum baseline {result.baseline_score:.3f}: the "
        f"spectral generator is {better}; {len(gen.history_)} epochs, "
        f"{time.perf_counter() - start:.0f} s in all"
    )
    return 0


# -------------------------------------------------------------- four voices
_VOICE_NAMES = ("soprano", "alto", "tenor", "bass")


def _note_name(midi):
    names = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
    return f"{names[midi % 12]}{midi // 12 - 1}"


def _four_part(pieces):
    """The pieces with exactly four parts (the chorales a ChoraleGenerator reads)."""
    return [p for p in pieces if len(set(p["part"].tolist())) == 4]


def _voice_leading_line(chorale):
    from .metrics import voice_leading_statistics

    s = voice_leading_statistics([chorale], pooled=True)
    return (
        f"voice leading: {s['n_parallel_fifths']} parallel fifths and "
        f"{s['n_parallel_octaves']} octaves in {s['n_pair_transitions']} voice-pair moves, "
        f"{s['n_crossings']} crossings, {s['n_out_of_range']} of {s['n_notes']} notes "
        "outside Bach's voice ranges"
    )


def _write_chorale(chorale, out, title):
    from .io import write_midi
    from .plotting import plot_piano_roll

    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    write_midi(chorale, out)
    plot_piano_roll(chorale, path=out.with_suffix(".png"), title=title)
    _close_figures()
    return out


def _generate_satb(args, pieces, what, start):
    """``generate --tokens satb``: a ChoraleGenerator, a four-part MIDI file and its roll."""
    import numpy as np
    from sklearn.model_selection import GroupShuffleSplit

    from .generation import ChoraleGenerator, quarter_frames
    from .model_selection import tune_families

    chorales = _four_part(pieces)
    if len(chorales) < 4:
        raise CommandError(
            f"{len(chorales)} of the {len(pieces)} {what} have four parts; --tokens satb "
            "learns from four-part scores (soprano, alto, tenor, bass) and needs at least 4"
        )
    families = tune_families(chorales)  # a hymn tune's settings on one side
    test_size = 0.1 if len(chorales) >= 40 else 0.25
    if len(set(families.tolist())) < 2:
        families = np.arange(len(chorales))
    train, test = next(
        GroupShuffleSplit(1, test_size=test_size, random_state=args.seed).split(
            chorales, groups=families
        )
    )
    _say(
        args,
        f"learning four voices of {len(train)} four-part {what} (skipped "
        f"{len(pieces) - len(chorales)} others), checking on {len(test)} held-out ones "
        f"(no hymn tune on both sides); at most {args.max_time:g} s of training ...",
    )
    model = ChoraleGenerator(
        max_time=args.max_time, random_state=args.seed, verbose=int(args.verbose)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the skipped pieces, said above
        model.fit([chorales[i] for i in train])
    held_out = [chorales[i] for i in test]
    frame_nll = -model.score_frames(held_out)
    # the independent per-key Bernoulli of the JSB-chorales benchmark, as a yardstick
    frames_train = np.concatenate([quarter_frames(chorales[i]) for i in train], axis=1)
    frames_test = np.concatenate([quarter_frames(c) for c in held_out], axis=1)
    p = (frames_train.sum(1) + 0.5) / (frames_train.shape[1] + 1.0)
    bernoulli = -float(
        (np.log(p) @ frames_test + np.log1p(-p) @ ~frames_test).sum() / frames_test.shape[1]
    )
    chorale = model.sample(n_beats=args.steps, temperature=args.temperature)[0]
    out = _write_chorale(
        chorale,
        args.out or "generated.mid",
        f"Four-part chorale sampled from a ChoraleGenerator ({what}, T={args.temperature:g})",
    )
    n_beats = int(np.ceil((chorale["onset"] + chorale["duration"]).max()))
    print(
        f"wrote {out} ({n_beats} beats, four tracks: soprano, alto, tenor, bass) and its "
        f"piano roll {out.with_suffix('.png')}"
    )
    print(_voice_leading_line(chorale))
    better = "better" if frame_nll < bernoulli else "worse"
    print(
        f"held-out frame NLL (JSB style, nats per quarter-note frame, in C): four-part "
        f"model {frame_nll:.2f} (an upper bound), independent per-key Bernoulli "
        f"{bernoulli:.2f}: the model is {better}; {len(model.history_)} epochs, "
        f"{time.perf_counter() - start:.0f} s in all"
    )
    return 0


def _read_melody(path):
    """The melody of a MIDI, MusicXML or ABC file: its first part, one line in
    the soprano's range, or a one-line error naming the file."""
    import numpy as np

    from .io import read_score, split_tune_number
    from .metrics import BACH_VOICE_RANGES

    if not os.path.exists(split_tune_number(path)[0]):
        raise CommandError(f"melody file '{path}' does not exist")
    notes = read_score(path)  # a ReadError names the file and the reason
    parts = np.unique(notes["part"])
    melody = notes[notes["part"] == parts[0]]
    onset = np.round(melody["onset"] * 4)
    end = np.maximum(np.round((melody["onset"] + melody["duration"]) * 4), onset + 1)
    order = np.argsort(onset, kind="stable")
    overlap = np.flatnonzero(onset[order][1:] < end[order][:-1])
    if overlap.size:
        at = onset[order][overlap[0] + 1] / 4
        raise CommandError(
            f"'{path}' has notes sounding together in its "
            f"{'first part' if len(parts) > 1 else 'melody'} (at quarter note {at:g}); "
            "give a single melodic line"
        )
    low, high = BACH_VOICE_RANGES[0]
    lo, hi = int(melody["pitch"].min()), int(melody["pitch"].max())
    if lo < low or hi > high:
        raise CommandError(
            f"'{path}' spans MIDI {lo}-{hi} ({_note_name(lo)}-{_note_name(hi)}), outside the "
            f"soprano's range {low}-{high} ({_note_name(low)}-{_note_name(high)}); "
            "transpose it into that range"
        )
    return melody, len(parts)


def _chorale_model(args):
    """A ChoraleGenerator fitted on every four-part Bach chorale, cached in the data home."""
    import joblib

    from ._version import __version__
    from .datasets import get_data_home
    from .generation import ChoraleGenerator

    folder = Path(get_data_home()) / "models"
    cache = folder / f"chorale_generator_{__version__}_seed{args.seed}.joblib"
    if cache.exists() and not args.refit:
        try:
            model = joblib.load(cache)
        except Exception:  # a stale or broken cache: fit again
            model = None
        if model is not None:
            _say(args, f"using the four-part model cached at {cache} (--refit fits it again)")
            return model
    bunch, _ = _load("bach", verbose=not args.silent)
    chorales = _four_part(bunch.data)
    _say(
        args,
        f"learning four voices of {len(chorales)} Bach chorales (once; the model is then "
        f"cached); at most {args.max_time:g} s of training ...",
    )
    model = ChoraleGenerator(
        max_time=args.max_time, random_state=args.seed, verbose=int(args.verbose)
    )
    model.fit(chorales)
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, cache)
    return model


def _cmd_harmonize(args):
    start = time.perf_counter()
    _limit_threads(args.torch_threads)
    melody, n_parts = _read_melody(args.melody)
    if n_parts > 1:
        _say(args, f"'{args.melody}' has {n_parts} parts; harmonizing its first")
    model = _chorale_model(args)
    try:
        model.check_melody(melody)  # the model's own limits, said as a user error
    except ValueError as exc:
        raise CommandError(f"cannot harmonize '{args.melody}': {exc}") from None
    chorale = model.harmonize(
        melody,
        n_candidates=args.candidates,
        temperature=args.temperature,
        random_state=args.seed,
    )
    out = _write_chorale(chorale, args.out, f"{Path(args.melody).name} harmonized in four parts")
    print(
        f"wrote {out} (the melody as the soprano, note for note, with alto, tenor and "
        f"bass; four tracks) and its piano roll {out.with_suffix('.png')}"
    )
    print(_voice_leading_line(chorale))
    print(f"{time.perf_counter() - start:.0f} s in all")
    return 0


# ------------------------------------------------------------------- parser
def build_parser():
    """The argparse parser of the ``skmusic`` command."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Classify and generate music with scikit-learn, skorch and music21.",
    )
    parser.add_argument("--version", action="version", version=f"skmusic {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(p):
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        p.add_argument(
            "--torch-threads",
            type=int,
            default=1,
            help="torch threads per process (default 1; 0 leaves torch's default)",
        )
        p.add_argument("--silent", action="store_true", help="no progress bars or notes")

    p = sub.add_parser(
        "compare",
        help="compare classical and deep models with song-level CV",
        description="Compare classical models (random forest, SVM, KNN, logistic regression, "
        "gradient boosting, AdaBoost; for scores also the n-gram event classifier and, where "
        "sktime or aeon is installed, MiniRocket) and networks at their defaults (the note "
        "network on whole songs for scores; LSTM, CRNN and its NN2/NN3 "
        "layouts, ResNet-1D, InceptionTime, 2D CNN, RCNN) on the same songs with song-level "
        "cross-validation. Without --data it uses "
        "the music21 corpus (5 composers/collections). Writes results.csv, "
        "confusion_matrix.png and training_curves_<model>.png into --out.",
    )
    p.add_argument(
        "--data",
        default=CORPUS,
        help="'corpus' (default) or a folder with one sub-folder of audio or score files per class",
    )
    p.add_argument(
        "--classes",
        help="corpus classes to use, comma-separated (default: all: "
        "bach,palestrina,trecento,ryans_mammoth,oneills)",
    )
    p.add_argument(
        "--models", help="comma-separated model names, or 'classical'/'deep' (default: all)"
    )
    p.add_argument("--cv", type=int, help="song-level folds (default 5; 3 with --quick)")
    p.add_argument(
        "--split",
        choices=("families", "songs"),
        default="families",
        help="'families' (default): no fold splits a tune family (the settings or variants "
        "of one tune, skmusic.model_selection.tune_families); 'songs': split songs freely",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="20 songs per class, 3 folds, at most 30 epochs, small grids",
    )
    p.add_argument(
        "--max-per-class", type=int, help="songs per class (default 40; 20 with --quick)"
    )
    p.add_argument(
        "--epochs",
        type=int,
        help="most epochs per network (default: the networks' own, 100, "
        "ended earlier by early stopping; 30 with --quick)",
    )
    p.add_argument(
        "--engine",
        choices=["grid", "optuna"],
        default="grid",
        help="GridSearchCV per model (default) or an Optuna study per model",
    )
    p.add_argument("--n-trials", type=int, default=10, help="Optuna trials per model")
    p.add_argument(
        "--storage",
        default=None,
        help="Optuna storage URL, e.g. sqlite:///skmusic_study.db (resumable)",
    )
    p.add_argument(
        "--learning-curve",
        action="store_true",
        help="fit the models at growing numbers of training songs per class (--sizes), "
        "each scored on the same held-out songs, and write learning_curve.png and "
        "learning_curve.csv: where the networks start to pay on this data (default "
        "models: the classical ones and the networks that read this kind of data best; "
        "corpus: 60 songs a class, 40 with --quick; a folder: all its songs; 3 folds)",
    )
    p.add_argument(
        "--sizes",
        help="with --learning-curve: training songs per class, comma-separated "
        "(default 'auto': 10,20,40,80,160 as far as the data holds them, then the largest)",
    )
    p.add_argument(
        "--draws", type=int, help="with --learning-curve: draws of songs per size (default 3)"
    )
    p.add_argument("--n-jobs", type=int, default=2, help="parallel CV fits (default 2)")
    p.add_argument("--out", default="skmusic_results", help="output folder")
    common(p)
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("fit", help="fit one model and save it (predicts from file paths)")
    p.add_argument("--data", default=CORPUS, help="'corpus' or a folder of labelled files")
    p.add_argument("--model", default="random_forest", help="model name (see compare)")
    p.add_argument("--save", default="model.joblib", help="where to write the model")
    p.add_argument("--classes", help="corpus classes, comma-separated")
    p.add_argument("--max-per-class", type=int, help="songs per class")
    p.add_argument("--epochs", type=int, help="epochs for a network")
    p.add_argument("--quick", action="store_true", help="fewer epochs")
    common(p)
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser(
        "predict",
        help="whole-song label and probabilities per file",
        description="Print the whole-song label (and class probabilities) of every file. "
        "A model file is a pickle, and loading a pickle can run any code: load only model "
        "files you made or trust.",
    )
    p.add_argument("model", help="a model saved by 'skmusic fit' (a pickle: only a file you trust)")
    p.add_argument("files", nargs="+", help="audio or score files")
    common(p)
    p.set_defaults(func=_cmd_predict)

    p = sub.add_parser(
        "generate",
        help="train a note LSTM (or an audio generator) and write a new piece",
        description="Learn a note LSTM (NoteLSTMGenerator at its defaults) from a corpus, "
        "write a sampled piece as MIDI with its piano roll (PNG), and print the held-out "
        "log-likelihood per token beside the best variable-order n-gram model's (chosen by "
        "cross-validation on the training pieces), so you see whether it learned. "
        "Without options: the melodies of the Bach chorales, in a few minutes. On audio "
        "(a folder of audio files, or --audio for the corpus): a SpectralGenerator writes "
        "a WAV and its spectrogram beside a real one (PNG), scored beside a mean-spectrum "
        "baseline.",
    )
    p.add_argument(
        "--data",
        default="bach",
        help="'bach' (default: the Bach chorales), 'corpus' (the composers corpus; "
        "pick one with --class) or a folder of score or audio files (one sub-folder "
        "per class)",
    )
    p.add_argument(
        "--class",
        dest="klass",
        metavar="CLASS",
        help="learn from this class only (corpus: bach, palestrina, trecento, "
        "ryans_mammoth, oneills; default bach)",
    )
    p.add_argument(
        "--tokens",
        # skmusic.model_selection.TOKENIZER_PRESETS (not imported here: --help stays fast)
        choices=["chords", "melody", "satb"],
        default="melody",
        help="'melody' (default: the first part's notes and rests with their "
        "durations), 'chords' (all parts, chords with durations) or 'satb' (four "
        "voices kept apart, a ChoraleGenerator: a four-part MIDI file, one track a voice)",
    )
    p.add_argument(
        "--out",
        help="MIDI file to write (default generated.mid), or WAV file for audio "
        "(default generated.wav); a .png of it is written beside",
    )
    p.add_argument(
        "--steps",
        type=int,
        help="tokens to generate (default: a typical piece's length); quarter-note "
        "beats with --tokens satb (default: the soprano ends the chorale)",
    )
    p.add_argument(
        "--audio",
        action="store_true",
        help="learn audio: the corpus class rendered with its own instruments "
        "(a folder of audio files is audio already)",
    )
    p.add_argument(
        "--sr",
        type=int,
        help="sampling rate to learn and write audio at (default: a folder's own rate, "
        "at most 22050; the corpus rendered with --audio: 22050)",
    )
    p.add_argument("--seconds", type=float, help="seconds of audio to generate (default 5)")
    p.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="sampling temperature (default 1.0; lower is more conservative)",
    )
    p.add_argument("--max-pieces", type=int, help="pieces to learn from (default: all)")
    p.add_argument(
        "--max-time", type=float, default=150.0, help="seconds of training at most (default 150)"
    )
    p.add_argument("--verbose", action="store_true", help="print the epoch table")
    common(p)
    p.set_defaults(func=_cmd_generate)

    p = sub.add_parser(
        "harmonize",
        help="harmonize a melody in four parts (soprano, alto, tenor, bass)",
        description="Keep a melody (the first part of a MIDI, MusicXML or ABC file) as the "
        "soprano, note for note, and write alto, tenor and bass under it with a "
        "ChoraleGenerator learned from the Bach chorales (trained once, in a few minutes, "
        "then cached in skmusic's data folder). Writes a four-part MIDI file, one track "
        "a voice, and its piano roll (PNG).",
    )
    p.add_argument("melody", help="a MIDI, MusicXML or ABC file with the melody")
    p.add_argument("--out", default="chorale.mid", help="MIDI file to write (default chorale.mid)")
    p.add_argument(
        "--candidates",
        type=int,
        default=8,
        help="harmonizations drawn; the one the model finds most likely is kept (default 8)",
    )
    p.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="sampling temperature (default 1.0; lower is more conservative)",
    )
    p.add_argument(
        "--max-time",
        type=float,
        default=300.0,
        help="seconds of training at most, when the model is trained (default 300)",
    )
    p.add_argument("--refit", action="store_true", help="train the model again, not the cached")
    p.add_argument("--verbose", action="store_true", help="print the epoch table")
    common(p)
    p.set_defaults(func=_cmd_harmonize)
    return parser


def main(argv=None):
    """Run the ``skmusic`` command; return its exit status.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``None``: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        0 on success, 2 on a user error (a :class:`CommandError`: a missing
        folder or file, an unreadable file, a bad option value, too little
        data; printed as one line; set the environment variable
        ``SKMUSIC_DEBUG=1`` for the traceback). Any other exception is a bug
        and propagates with its traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from .io import ReadError

    try:
        _check_options(args)
        with warnings.catch_warnings():
            # loky retires idle worker processes between searches and says so; the
            # work is resubmitted, nothing is lost, and the note only puzzles a user.
            warnings.filterwarnings(
                "ignore",
                message="A worker stopped while some jobs were given",
                category=UserWarning,
            )
            return args.func(args)
    except (CommandError, FileNotFoundError, ReadError, PermissionError) as exc:
        if os.environ.get("SKMUSIC_DEBUG"):
            raise
        msg = " ".join(str(exc).split())
        print(f"{PROG}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
