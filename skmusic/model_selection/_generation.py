"""Learning to generate pieces, checked on held-out pieces against a baseline."""

import numpy as np
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.utils import Bunch

__all__ = [
    "GENERATION_KINDS",
    "NotEnoughDataError",
    "TOKENIZER_PRESETS",
    "fit_generation",
    "sample_generation",
]

# What a piece is for each kind of generation; a waveform kind would join here.
GENERATION_KINDS = ("symbolic",)

# NoteTokenizer settings by name.
TOKENIZER_PRESETS = {
    "melody": {"durations": True, "rests": True, "part": 0},  # first part: notes, rests
    "chords": {"durations": True},  # all parts: chords with their durations
}

# The bigram baseline's smoothing, tuned by held-out likelihood.
_BIGRAM_ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)


class NotEnoughDataError(ValueError):
    """The data given is too little (or too short) for the workflow asked of it.

    A :class:`ValueError`, raised before any fitting, whose message says how much
    is needed; a command-line front end shows it as a one-line message.
    """


def _split(pieces, test_size, random_state, what):
    if len(pieces) < 4:
        raise NotEnoughDataError(
            f"{len(pieces)} usable pieces in the {what}; learning to generate needs at "
            "least 4 (3 to learn from, 1 to check the model on)."
        )
    if test_size is None:
        test_size = 0.1 if len(pieces) >= 40 else 0.25
    return train_test_split(pieces, test_size=test_size, random_state=random_state)


def fit_generation(
    pieces,
    *,
    kind="symbolic",
    tokens="melody",
    test_size=None,
    max_time=150.0,
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
    :class:`~skmusic.generation.NoteLSTMGenerator` and the baseline a bigram
    :class:`~skmusic.generation.NGramTokenGenerator` whose smoothing ``alpha``
    is chosen by :class:`~sklearn.model_selection.GridSearchCV`.

    Parameters
    ----------
    pieces : list
        The pieces to learn from (note-event arrays for ``"symbolic"``).
        Pieces of fewer than two notes are left out.
    kind : {"symbolic"}, default="symbolic"
        What a piece is (``GENERATION_KINDS``).
    tokens : {"melody", "chords"}, default="melody"
        Tokenizer preset (``TOKENIZER_PRESETS``): ``"melody"`` is the first
        part's notes and rests with their durations, ``"chords"`` all parts as
        chords with their durations.
    test_size : float or int, default=None
        Held-out pieces, as in
        :func:`~sklearn.model_selection.train_test_split`; ``None``: 10% from
        40 pieces on, 25% below.
    max_time : float, default=150.0
        Seconds of training at most (the generator's time budget).
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
        token, higher is better); ``what``.

    Raises
    ------
    NotEnoughDataError
        Fewer than 4 usable pieces, or pieces too short to learn from.

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
    if tokens not in TOKENIZER_PRESETS:
        raise ValueError(f"tokens must be one of {sorted(TOKENIZER_PRESETS)}, got {tokens!r}.")
    return _fit_symbolic(pieces, tokens, test_size, max_time, random_state, verbose, what)


def _fit_symbolic(pieces, tokens, test_size, max_time, random_state, verbose, what):
    from ..features import NoteTokenizer
    from ..generation import NGramTokenGenerator, NoteLSTMGenerator

    pieces = [p for p in pieces if len(p) >= 2]
    train, test = _split(pieces, test_size, random_state, what)
    tokenizer = NoteTokenizer(**TOKENIZER_PRESETS[tokens]).fit(train)
    X_train = [x for x in tokenizer.transform(train) if x.shape[-1] >= 2]
    X_test = [x for x in tokenizer.transform(test) if x.shape[-1] >= 2]
    if len(X_train) < 2 or not X_test:
        raise NotEnoughDataError(
            f"the {what} are too short to learn from (fewer than 2 {tokens} tokens)."
        )
    n_tokens = tokenizer.n_tokens_
    generator = NoteLSTMGenerator(
        n_tokens=n_tokens, max_time=max_time, random_state=random_state, verbose=int(verbose)
    ).fit(X_train)
    search = GridSearchCV(
        NGramTokenGenerator(2, n_tokens=n_tokens),
        {"alpha": list(_BIGRAM_ALPHAS)},
        cv=min(3, len(X_train)),
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


def sample_generation(result, n_steps=None, *, temperature=1.0, random_state=None):
    """Sample one new piece from what :func:`fit_generation` learned.

    Parameters
    ----------
    result : Bunch
        Returned by :func:`fit_generation`.
    n_steps : int, default=None
        Length of the piece (tokens for ``"symbolic"``); ``None``: the median
        length of the training pieces.
    temperature : float, default=1.0
        Sampling temperature (lower is more conservative).
    random_state : int, default=None

    Returns
    -------
    piece : ndarray
        For ``"symbolic"``: token ids of shape ``(n_steps,)``; decode them
        with ``result.tokenizer.decode`` or write them with
        :func:`skmusic.generation.write_tokens_midi`.
    """
    if n_steps is None:
        n_steps = int(np.median([x.shape[-1] for x in result.X_train]))
    piece = result.generator.sample(n_steps, temperature=temperature, random_state=random_state)
    return np.asarray(piece[0]).reshape(-1)  # one piece, one channel of ids
