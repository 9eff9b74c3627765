"""Learning to generate pieces, checked on held-out pieces against a baseline."""

import numpy as np
from sklearn.model_selection import GridSearchCV, GroupShuffleSplit, train_test_split
from sklearn.utils import Bunch

from ..utils.tunes import tune_families

__all__ = [
    "GENERATION_KINDS",
    "NotEnoughDataError",
    "TOKENIZER_PRESETS",
    "describe_token_model",
    "fit_generation",
    "sample_generation",
]

# What a piece is for each kind of generation: note events, or mono waveforms.
GENERATION_KINDS = ("symbolic", "audio")

# Seconds of audio sampled when no length is asked for.
_AUDIO_SECONDS = 5.0

# NoteTokenizer settings by name.
TOKENIZER_PRESETS = {
    "melody": {"durations": True, "rests": True, "part": 0},  # first part: notes, rests
    "chords": {"durations": True},  # all parts: chords with their durations
}

# The token baseline: the variable-order model (smoothing, order) that the
# training pieces' cross-validated likelihood prefers.
_BIGRAM_ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)
_BASELINE_GRID = [
    {"smoothing": ["additive"], "order": [2], "alpha": list(_BIGRAM_ALPHAS)},
    {"smoothing": ["kneser_ney"], "order": [3, 4]},
    {"smoothing": ["ppm"], "order": [None], "escape": ["C", "X"]},
]


def describe_token_model(model):
    """A short name of a fitted NGramTokenGenerator: ``"PPM*-C"``, ``"bigram (alpha=0.1)"``."""
    if model.smoothing == "additive":
        names = {1: "unigram", 2: "bigram", 3: "trigram"}
        return f"{names.get(model.order, f'{model.order}-gram')} (alpha={model.alpha:g})"
    if model.smoothing == "kneser_ney":
        return f"Kneser-Ney {model.order}-gram"
    return (
        f"PPM*-{model.escape}" if model.order is None else f"PPM-{model.escape} order {model.order}"
    )


class NotEnoughDataError(ValueError):
    """The data given is too little (or too short) for the workflow asked of it.

    A :class:`ValueError`, raised before any fitting, whose message says how much
    is needed; a command-line front end shows it as a one-line message.
    """


def _split(pieces, test_size, random_state, what, groups=None):
    """Training and held-out pieces; with ``groups``, whole tune families held out."""
    if len(pieces) < 4:
        raise NotEnoughDataError(
            f"{len(pieces)} usable pieces in the {what}; learning to generate needs at "
            "least 4 (3 to learn from, 1 to check the model on)."
        )
    if test_size is None:
        test_size = 0.1 if len(pieces) >= 40 else 0.25
    if groups is None or len(np.unique(groups)) == len(groups):
        return train_test_split(pieces, test_size=test_size, random_state=random_state)
    splitter = GroupShuffleSplit(1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(pieces, groups=groups))
    return [pieces[i] for i in train], [pieces[i] for i in test]


def fit_generation(
    pieces,
    *,
    kind="symbolic",
    tokens="melody",
    test_size=None,
    max_time=150.0,
    sr=None,
    random_state=0,
    verbose=0,
    what="pieces",
):
    """Learn to generate pieces like ``pieces``; score it beside a baseline on held-out pieces.

    The workflow of ``skmusic generate``, as a function. The pieces are split
    into training and held-out pieces; the generator learns from the training
    pieces at its defaults, a simple baseline is tuned on them by
    cross-validated likelihood, and both are scored on the held-out pieces,
    so the scores say whether the generator learned more than the baseline.

    For ``kind="symbolic"`` the pieces are note-event arrays
    (:mod:`skmusic.io.notes`); a :class:`~skmusic.features.NoteTokenizer`
    (settings ``TOKENIZER_PRESETS[tokens]``) fitted on the training pieces
    turns them into token ids; the generator is a
    :class:`~skmusic.generation.NoteLSTMGenerator` and the baseline the
    variable-order :class:`~skmusic.generation.NGramTokenGenerator` (additive
    bigram, Kneser-Ney or PPM*; smoothing and order) that
    :class:`~sklearn.model_selection.GridSearchCV` prefers on the training
    pieces. The held-out pieces are whole tune families
    (:func:`~skmusic.model_selection.tune_families`): a tune set or collected
    several times is never on both sides.

    For ``kind="audio"`` the pieces are mono waveforms ``(1, n_samples)`` at
    ``sr``; the generator is a :class:`~skmusic.generation.SpectralGenerator`
    (log-mel frames drawn forward, Griffin-Lim to sound) and the baseline a
    :class:`~skmusic.generation.MeanSpectrumGenerator` (independent frames
    around the mean spectrum); both are scored by the held-out log-likelihood
    per mel band and frame.

    Parameters
    ----------
    pieces : list
        The pieces to learn from (note-event arrays for ``"symbolic"``, mono
        waveforms for ``"audio"``). Pieces of fewer than two notes are left out.
    kind : {"symbolic", "audio"}, default="symbolic"
        What a piece is (``GENERATION_KINDS``).
    tokens : {"melody", "chords"}, default="melody"
        Tokenizer preset (``TOKENIZER_PRESETS``): ``"melody"`` is the first
        part's notes and rests with their durations, ``"chords"`` all parts as
        chords with their durations.
    test_size : float or int, default=None
        Held-out pieces, as in
        :func:`~sklearn.model_selection.train_test_split` (of tune families,
        :class:`~sklearn.model_selection.GroupShuffleSplit`, where a family
        holds two or more pieces); ``None``: 10% from 40 pieces on, 25% below.
    max_time : float, default=150.0
        Seconds of training at most (the generator's time budget).
    sr : int, default=None
        Sampling rate of the waveforms; needed for ``"audio"``.
    random_state : int, default=0
        Seeds the split, the generator and the baseline's folds.
    verbose : int, default=0
        The generator's epoch table when positive.
    what : str, default="pieces"
        What the pieces are, for messages (e.g. ``"Bach chorales"``).

    Returns
    -------
    result : Bunch
        ``kind``; ``generator`` and ``baseline`` (fitted); ``tokenizer`` (the
        fitted NoteTokenizer); ``train`` and ``test`` (the pieces);
        ``X_train`` and ``X_test`` (the generator's input, token ids);
        ``score`` and ``baseline_score`` (held-out mean log-likelihood per
        token, or per mel band and frame for audio; higher is better);
        ``what``; for audio also ``sr``.

    Raises
    ------
    NotEnoughDataError
        Fewer than 4 usable pieces, or pieces too short to learn from (or,
        for audio, to prompt the generator with).

    See Also
    --------
    sample_generation : sample a new piece from the result.

    Examples
    --------
    >>> from skmusic.datasets import load_corpus
    >>> from skmusic.model_selection import fit_generation, sample_generation
    >>> chorales = load_corpus("bach", max_per_class=8, verbose=False)
    >>> result = fit_generation(chorales.data, max_time=2)
    >>> sorted(result)[:4]
    ['X_test', 'X_train', 'baseline', 'baseline_score']
    >>> sample_generation(result, 20, random_state=0).shape
    (20,)
    """
    if kind not in GENERATION_KINDS:
        raise ValueError(f"kind must be one of {GENERATION_KINDS}, got {kind!r}.")
    if kind == "audio":
        if sr is None:
            raise ValueError("kind='audio' needs sr, the sampling rate of the waveforms.")
        return _fit_audio(pieces, sr, test_size, max_time, random_state, verbose, what)
    if tokens not in TOKENIZER_PRESETS:
        raise ValueError(f"tokens must be one of {sorted(TOKENIZER_PRESETS)}, got {tokens!r}.")
    return _fit_symbolic(pieces, tokens, test_size, max_time, random_state, verbose, what)


def _fit_symbolic(pieces, tokens, test_size, max_time, random_state, verbose, what):
    from ..features import NoteTokenizer
    from ..generation import NGramTokenGenerator, NoteLSTMGenerator

    pieces = [p for p in pieces if len(p) >= 2]
    groups = tune_families(pieces)
    train, test = _split(pieces, test_size, random_state, what, groups)
    tokenizer = NoteTokenizer(**TOKENIZER_PRESETS[tokens]).fit(train)
    train_tokens = tokenizer.transform(train)
    usable = [i for i, x in enumerate(train_tokens) if x.shape[-1] >= 2]
    X_train = [train_tokens[i] for i in usable]
    train_groups = tune_families(train)[usable]  # early stopping on tunes not learned from
    X_test = [x for x in tokenizer.transform(test) if x.shape[-1] >= 2]
    if len(X_train) < 2 or not X_test:
        raise NotEnoughDataError(
            f"the {what} are too short to learn from (fewer than 2 {tokens} tokens)."
        )
    n_tokens = tokenizer.n_tokens_
    generator = NoteLSTMGenerator(
        n_tokens=n_tokens, max_time=max_time, random_state=random_state, verbose=int(verbose)
    ).fit(X_train, groups=train_groups)
    search = GridSearchCV(
        NGramTokenGenerator(2, n_tokens=n_tokens), _BASELINE_GRID, cv=min(3, len(X_train))
    )
    baseline = search.fit(X_train).best_estimator_
    return Bunch(
        kind="symbolic",
        generator=generator,
        baseline=baseline,
        tokenizer=tokenizer,
        train=train,
        test=test,
        X_train=X_train,
        X_test=X_test,
        score=float(generator.score(X_test)),
        baseline_score=float(baseline.score(X_test)),
        what=what,
    )


def _fit_audio(pieces, sr, test_size, max_time, random_state, verbose, what):
    from ..generation import MeanSpectrumGenerator, SpectralGenerator

    generator = SpectralGenerator(
        sr=int(sr), max_time=max_time, random_state=random_state, verbose=int(verbose)
    )
    need = generator._prompt_samples()
    short = [p for p in pieces if np.shape(p)[-1] < need]
    if short:
        raise NotEnoughDataError(
            f"{len(short)} of the {what} last under {need / sr:.2f} s, too short to learn "
            f"audio from (the generator reads {generator.width} frames of "
            f"{generator.hop_length} samples); use longer recordings."
        )
    train, test = _split(list(pieces), test_size, random_state, what)
    generator.fit(train, sr=sr)
    baseline = MeanSpectrumGenerator(sr=int(sr), random_state=random_state).fit(train, sr=sr)
    return Bunch(
        kind="audio",
        generator=generator,
        baseline=baseline,
        train=train,
        test=test,
        X_train=train,
        X_test=test,
        score=float(generator.score(test)),
        baseline_score=float(baseline.score(test)),
        what=what,
        sr=int(sr),
    )


def sample_generation(result, n_steps=None, *, temperature=1.0, random_state=None):
    """Sample one new piece from what :func:`fit_generation` learned.

    Parameters
    ----------
    result : Bunch
        Returned by :func:`fit_generation`.
    n_steps : int, default=None
        Length of the piece (tokens for ``"symbolic"``, samples for
        ``"audio"``); ``None``: the median length of the training pieces
        (symbolic), 5 seconds (audio).
    temperature : float, default=1.0
        Sampling temperature (lower is more conservative).
    random_state : int, default=None

    Returns
    -------
    piece : ndarray
        For ``"symbolic"``: token ids of shape ``(n_steps,)``; decode them
        with ``result.tokenizer.decode`` or write them with
        :func:`skmusic.generation.write_tokens_midi`. For ``"audio"``: a
        waveform of shape ``(1, n_steps)`` at ``result.sr`` that continues the
        start of the first held-out piece (the prompt is not repeated); write
        it with :func:`skmusic.io.write_wav`.
    """
    if result.kind == "audio":
        sr = result.sr
        seconds = _AUDIO_SECONDS if n_steps is None else n_steps / sr
        prompt = result.test[0][:, : max(sr, result.generator._prompt_samples())]
        return result.generator.sample(
            prompt, seconds=seconds, temperature=temperature, random_state=random_state
        )
    if n_steps is None:
        n_steps = int(np.median([x.shape[-1] for x in result.X_train]))
    piece = result.generator.sample(n_steps, temperature=temperature, random_state=random_state)
    return np.asarray(piece[0]).reshape(-1)  # one piece, one channel of ids
