"""The n-gram baseline of the token generators."""

from collections import Counter
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..utils.validation import check_positive_int
from ._base import check_temperature
from ._tokens import (
    _check_known,
    _draw,
    _prompt_ids,
    _validate_tokens,
    fit_token_statistics,
)

__all__ = ["NGramTokenGenerator"]


class NGramTokenGenerator(DensityMixin, BaseEstimator):
    """n-gram model of token sequences with additive (Laplace) smoothing.

    The baseline for :class:`NoteLSTMGenerator`, with the same face:
    ``order=1`` is the unigram model, ``order=2`` the bigram model, and so on.
    A token is predicted from the ``order - 1`` tokens before it (fewer near a
    sequence's start)::

        p(x | context) = (count(context, x) + alpha) / (count(context) + alpha * n_tokens_)

    Parameters
    ----------
    order : int, default=2
    alpha : float, default=1.0
        Additive smoothing (1 is add-one); must be positive so that unseen
        tokens keep a finite likelihood.
    n_tokens : int, default=None
        Vocabulary size; ``None`` is the largest id seen in ``fit`` plus one.
    random_state : int, RandomState instance or None, default=None
        Seeds :meth:`sample` when it gets none.

    Attributes
    ----------
    n_tokens_ : int
    counts_ : list of dict
        ``counts_[k][context]`` holds the next-token counts after each context
        of ``k`` tokens (a tuple), ``k = 0 .. order - 1``.
    start_probs_ : ndarray of shape (n_tokens_,)
    n_channels_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import NGramTokenGenerator
    >>> X = [np.tile([1, 2, 3], 5)] * 4
    >>> bigram = NGramTokenGenerator(order=2, alpha=0.01).fit(X)
    >>> bigram.sample(6, prompt=[1], random_state=0)[0, 0].tolist()
    [2, 3, 1, 2, 3, 1]
    """

    _parameter_constraints: ClassVar[dict] = {
        "order": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, order=2, *, alpha=1.0, n_tokens=None, random_state=None):
        self.order = order
        self.alpha = alpha
        self.n_tokens = n_tokens
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Count the n-grams of token sequences.

        Parameters
        ----------
        X : token sequences, as in :meth:`NoteLSTMGenerator.fit`
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        seqs = fit_token_statistics(self, X)
        counts = [{} for _ in range(self.order)]
        for ids in seqs:
            ids = ids.tolist()
            for t in range(1, len(ids)):
                for k in range(min(self.order - 1, t) + 1):
                    ctx = tuple(ids[t - k : t])
                    table = counts[k].setdefault(ctx, Counter())
                    table[ids[t]] += 1
        self.counts_ = counts
        return self

    def _next_log_probs(self, history):
        k = min(self.order - 1, len(history))
        ctx = tuple(history[len(history) - k :]) if k else ()
        table = self.counts_[k].get(ctx, Counter())
        counts = np.full(self.n_tokens_, self.alpha, dtype=float)
        if table:
            counts[list(table)] += list(table.values())
        return np.log(counts) - np.log(counts.sum())

    def _log_probs(self, ids):
        ids = ids.tolist()
        out = np.empty(len(ids) - 1)
        for t in range(1, len(ids)):
            k = min(self.order - 1, t)
            table = self.counts_[k].get(tuple(ids[t - k : t]), Counter())
            total = sum(table.values()) + self.alpha * self.n_tokens_
            out[t - 1] = np.log(table.get(ids[t], 0) + self.alpha) - np.log(total)
        return out

    def score_samples(self, X):
        """Mean log-likelihood per predicted token of every sequence.

        Parameters
        ----------
        X : token sequences

        Returns
        -------
        scores : ndarray of shape (n_sequences,)
        """
        check_is_fitted(self)
        seqs = _validate_tokens(self, X, reset=False)
        _check_known(seqs, self.n_tokens_)
        return np.array([self._log_probs(ids).mean() for ids in seqs])

    def score(self, X, y=None):
        """Mean log-likelihood per predicted token (all but each sequence's first).

        Parameters
        ----------
        X : token sequences
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        seqs = _validate_tokens(self, X, reset=False)
        _check_known(seqs, self.n_tokens_)
        return float(np.concatenate([self._log_probs(ids) for ids in seqs]).mean())

    def perplexity(self, X):
        """``exp(-score(X))``."""
        return float(np.exp(-self.score(X)))

    def sample(self, n_steps=100, *, n_samples=1, prompt=None, temperature=1.0, random_state=None):
        """Draw token sequences; parameters and output as :meth:`NoteLSTMGenerator.sample`."""
        check_is_fitted(self)
        n_steps = check_positive_int("n_steps", n_steps)
        n_samples = check_positive_int("n_samples", n_samples)
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        out = np.empty((n_samples, n_steps), dtype=np.int64)
        for i in range(n_samples):
            if prompt is None:
                history = [int(_draw(rng, self.start_probs_[None])[0])]
                out[i, 0] = history[0]
                first = 1
            else:
                history = _prompt_ids(prompt, self.n_tokens_).tolist()
                first = 0
            for t in range(first, n_steps):
                logits = self._next_log_probs(history) / temperature
                probs = np.exp(logits - logsumexp(logits))
                token = int(_draw(rng, probs[None])[0])
                out[i, t] = token
                history.append(token)
        return out[:, np.newaxis, :]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        return tags
