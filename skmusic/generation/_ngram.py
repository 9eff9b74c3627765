"""The n-gram models of the token generators: additive, Kneser-Ney and PPM (variable order)."""

from collections import Counter
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..utils.validation import check_positive_int
from ._base import check_temperature
from ._ppm import ESCAPE_METHODS, VariableOrderModel
from ._tokens import (
    _check_known,
    _draw,
    _prompt_ids,
    _validate_tokens,
    fit_token_statistics,
)

__all__ = ["NGramTokenGenerator"]


class NGramTokenGenerator(DensityMixin, BaseEstimator):
    """n-gram model of token sequences: additive, Kneser-Ney or PPM smoothing.

    The baseline for :class:`NoteLSTMGenerator`, with the same face:
    ``order=1`` is the unigram model, ``order=2`` the bigram model, and so on;
    a token is predicted from the ``order - 1`` tokens before it (fewer near a
    sequence's start). ``smoothing`` says how unseen continuations get
    probability:

    - ``"additive"`` (the default, kept for backward compatibility: every
      figure measured with this class before is unchanged)::

          p(x | context) = (count(context, x) + alpha) / (count(context) + alpha * n_tokens_)

    - ``"kneser_ney"``: interpolated Kneser-Ney, the standard of language
      modelling. Each order's discounted estimate is blended with the next
      shorter context's, whose counts are *continuation* counts (in how many
      different contexts a token was seen); ``discount=None`` estimates three
      discounts per order from the counts of counts (modified Kneser-Ney,
      Chen and Goodman [1]_), a number uses that one discount. Sequence
      starts are padded, so the first tokens have full contexts.
    - ``"ppm"``: prediction by partial match as in IDyOM (Pearce [2]_), the
      model of melodic expectation in music cognition: every order from the
      selected context down to a uniform order -1 is blended (interpolated
      smoothing), each weighted by its escape method (``escape``: ``"C"``,
      Moffat's, IDyOM's default for the long-term model; ``"X"``, Moffat,
      Neal and Witten's AX; also ``"A"``, ``"B"``, ``"D"``), with exclusion
      (a lower order leaves out the tokens already predicted one order above)
      and, optionally, update exclusion. ``order=None`` is PPM*: the
      context is unbounded -- the shortest context that has only ever been
      followed by one token, else the longest context seen in training.

    On held-out Bach soprano lines PPM* and Kneser-Ney both beat the additive
    bigram by a wide margin (``benchmarks/results/viewpoints.md``); the
    default stays additive so that existing results do not move.

    Parameters
    ----------
    order : int or None, default=2
        Contexts of up to ``order - 1`` tokens. ``None``: unbounded (PPM*,
        ``smoothing="ppm"`` only).
    smoothing : {"additive", "kneser_ney", "ppm"}, default="additive"
    alpha : float, default=1.0
        Additive smoothing (1 is add-one); must be positive so that unseen
        tokens keep a finite likelihood. Used by ``"additive"`` only.
    escape : {"A", "B", "C", "D", "X"}, default="C"
        PPM's escape method.
    exclusion : bool, default=True
        PPM: exclusion, IDyOM's default.
    update_exclusion : bool, default=False
        PPM: count a token only in the contexts from the longest down to the
        first in which it had been seen before (Moffat's update exclusion;
        IDyOM uses it for its short-term model, not its long-term one).
    discount : float in (0, 1] or None, default=None
        Kneser-Ney's discount; ``None``: three estimated per order.
    n_tokens : int, default=None
        Vocabulary size; ``None`` is the largest id seen in ``fit`` plus one.
    random_state : int, RandomState instance or None, default=None
        Seeds :meth:`sample` when it gets none.

    Attributes
    ----------
    n_tokens_ : int
    counts_ : list of dict
        ``smoothing="additive"`` only: ``counts_[k][context]`` holds the
        next-token counts after each context of ``k`` tokens (a tuple),
        ``k = 0 .. order - 1``.
    tables_ : object
        ``"kneser_ney"`` and ``"ppm"``: the count tables of every context
        length (numpy arrays).
    start_probs_ : ndarray of shape (n_tokens_,)
    n_channels_in_ : int

    References
    ----------
    .. [1] S. F. Chen and J. Goodman, "An empirical study of smoothing
       techniques for language modeling", Computer Speech and Language 13, 1999.
    .. [2] M. T. Pearce, "The construction and evaluation of statistical models
       of melodic structure in music perception and composition", PhD thesis,
       City University London, 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import NGramTokenGenerator
    >>> X = [np.tile([1, 2, 3], 5)] * 4
    >>> bigram = NGramTokenGenerator(order=2, alpha=0.01).fit(X)
    >>> bigram.sample(6, prompt=[1], random_state=0)[0, 0].tolist()
    [2, 3, 1, 2, 3, 1]
    >>> ppm = NGramTokenGenerator(order=None, smoothing="ppm").fit(X)
    >>> bool(ppm.score(X) > bigram.score(X) - 0.1)
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "order": [Interval(Integral, 1, None, closed="left"), None],
        "smoothing": [StrOptions({"additive", "kneser_ney", "ppm"})],
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "escape": [StrOptions(set(ESCAPE_METHODS))],
        "exclusion": ["boolean"],
        "update_exclusion": ["boolean"],
        "discount": [Interval(Real, 0, 1, closed="right"), None],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        order=2,
        *,
        smoothing="additive",
        alpha=1.0,
        escape="C",
        exclusion=True,
        update_exclusion=False,
        discount=None,
        n_tokens=None,
        random_state=None,
    ):
        self.order = order
        self.smoothing = smoothing
        self.alpha = alpha
        self.escape = escape
        self.exclusion = exclusion
        self.update_exclusion = update_exclusion
        self.discount = discount
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
        if self.order is None and self.smoothing != "ppm":
            raise ValueError(
                f"order=None (unbounded context) needs smoothing='ppm' (PPM*); got "
                f"smoothing={self.smoothing!r}. Give an integer order."
            )
        seqs = fit_token_statistics(self, X)
        if self.smoothing != "additive":
            self.tables_ = VariableOrderModel(
                self.n_tokens_,
                order=self.order,
                smoothing=self.smoothing,
                escape=self.escape,
                exclusion=self.exclusion,
                update_exclusion=self.update_exclusion,
                discount=self.discount,
                start=1,
            ).fit(seqs)
            return self
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
        if self.smoothing != "additive":
            seq = np.r_[np.asarray(history, dtype=np.int64), 0]
            return np.log(self.tables_.proba([seq])[-1])
        k = min(self.order - 1, len(history))
        ctx = tuple(history[len(history) - k :]) if k else ()
        table = self.counts_[k].get(ctx, Counter())
        counts = np.full(self.n_tokens_, self.alpha, dtype=float)
        if table:
            counts[list(table)] += list(table.values())
        return np.log(counts) - np.log(counts.sum())

    def _predict_proba_sequence(self, ids):
        """Next-token distributions after every prefix of one sequence.

        Parameters
        ----------
        ids : ndarray of int of shape (n,)

        Returns
        -------
        proba : ndarray of shape (n - 1, n_tokens_)
            Row ``t`` is the distribution of ``ids[t + 1]`` given ``ids[:t + 1]``.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if self.smoothing != "additive":
            return self.tables_.proba([ids])
        return np.exp([self._next_log_probs(ids[: t + 1].tolist()) for t in range(ids.size - 1)])

    def _all_log_probs(self, seqs):
        if self.smoothing != "additive":
            return self.tables_.log_proba(seqs)
        return [self._log_probs(ids) for ids in seqs]

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
        return np.array([lp.mean() for lp in self._all_log_probs(seqs)])

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
        return float(np.concatenate(self._all_log_probs(seqs)).mean())

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
