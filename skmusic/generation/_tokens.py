"""Token sequences shared by the token generators: validation, vocabulary, drawing, MIDI out."""

import numpy as np

from ..utils.validation import validate_batch

__all__ = ["write_tokens_midi"]


def _validate_tokens(estimator, X, *, reset, name="X"):
    """A list of 1D int64 id arrays from a batch of single-channel id sequences."""
    batch = validate_batch(
        estimator,
        X,
        reset=reset,
        dtype=np.float64,
        min_timesteps=2,
        min_timesteps_reason="every token after the first is predicted from those before it",
    )
    if batch[0].shape[0] != 1:
        raise ValueError(
            f"{name} has {batch[0].shape[0]} channels; token sequences have one "
            "(NoteTokenizer().transform gives a list of (1, n_tokens) arrays)."
        )
    seqs = []
    for i, seq in enumerate(batch):
        ids = seq[0]
        if (ids < 0).any():
            raise ValueError(
                f"Negative values in data passed to {type(estimator).__name__}: "
                f"{name}[{i}] holds negative values, but token ids are non-negative "
                "integers. Encode scores with skmusic.features.NoteTokenizer first."
            )
        if (ids != np.round(ids)).any():
            raise ValueError(
                f"{name}[{i}] holds values that are not token ids (non-negative "
                "integers). Encode scores with skmusic.features.NoteTokenizer first."
            )
        seqs.append(ids.astype(np.int64))
    return seqs


def _check_known(seqs, n_tokens, name="X"):
    for i, ids in enumerate(seqs):
        if ids.size and ids.max() >= n_tokens:
            raise ValueError(
                f"{name}[{i}] holds token id {int(ids.max())}, unknown to this model "
                f"(its vocabulary has ids 0..{n_tokens - 1}). Encode with the "
                "tokenizer the model was fitted with, or set n_tokens to the "
                "tokenizer's n_tokens_ when fitting."
            )


def _vocabulary_size(estimator, seqs):
    largest = int(max(ids.max() for ids in seqs)) + 1
    if estimator.n_tokens is None:
        return largest
    if largest > estimator.n_tokens:
        raise ValueError(
            f"X holds token id {largest - 1}, but n_tokens={estimator.n_tokens}; "
            "n_tokens must exceed every id (use the tokenizer's n_tokens_)."
        )
    return int(estimator.n_tokens)


def _start_distribution(seqs, n_tokens):
    counts = np.bincount([ids[0] for ids in seqs], minlength=n_tokens).astype(float)
    return counts / counts.sum()


def _draw(rng, probs):
    """One index per row of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random_sample(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((cum < u).sum(axis=1), probs.shape[1] - 1)


def _prompt_ids(prompt, n_tokens):
    ids = np.asarray(prompt)
    if ids.ndim == 2 and ids.shape[0] == 1:
        ids = ids[0]
    if ids.ndim != 1:
        raise ValueError(
            f"prompt is one token sequence of shape (n_tokens,) or (1, n_tokens); got "
            f"shape {ids.shape}."
        )
    if ids.size == 0:
        raise ValueError("prompt is empty; pass at least one token id, or prompt=None.")
    if not np.issubdtype(ids.dtype, np.number) or (ids != np.round(ids)).any() or (ids < 0).any():
        raise ValueError("prompt must hold token ids (non-negative integers).")
    ids = ids.astype(np.int64)
    _check_known([ids], n_tokens, name="prompt")
    return ids


def write_tokens_midi(ids, tokenizer, path, *, bpm=120.0):
    """Write one token sequence as a MIDI file a notation program opens.

    The ids are decoded with the fitted tokenizer's ``decode`` (durations and
    rests kept as the tokens carry them) and written with
    :func:`skmusic.io.write_midi`.

    Parameters
    ----------
    ids : array-like of int of shape (n_tokens,) or (1, n_tokens)
        E.g. ``generator.sample(200)[0]``.
    tokenizer : skmusic.features.NoteTokenizer
        The fitted tokenizer that made the generator's training ids.
    path : str or path-like
    bpm : float, default=120.0

    Returns
    -------
    path : str
    """
    from ..io import write_midi

    notes = tokenizer.decode(ids)
    if notes.shape[0] == 0:
        raise ValueError(
            "The token sequence decodes to no notes (only rests or unknown tokens); "
            "sample more steps."
        )
    return write_midi(notes, path, bpm=bpm)


def fit_token_statistics(estimator, X):
    """The prelude of a token generator's ``fit``: validated sequences, and the
    fitted ``n_tokens_`` and ``start_probs_`` set on ``estimator``.

    Returns
    -------
    seqs : list of ndarray of int64
    """
    seqs = _validate_tokens(estimator, X, reset=True)
    estimator.n_tokens_ = _vocabulary_size(estimator, seqs)
    estimator.start_probs_ = _start_distribution(seqs, estimator.n_tokens_)
    return seqs
