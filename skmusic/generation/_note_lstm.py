"""Next-token LSTM generator over NoteTokenizer tokens (seed 002), and the n-gram baseline."""

from collections import Counter
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import log_softmax, logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted
from skorch.helper import predefined_split

from ..nn.base import BaseNeuralEstimator, SequenceDataset, check_sizes
from ..nn.generative import TokenLSTMNet
from ..utils.validation import validate_batch
from ._base import (
    check_dense_batch,
    check_min_length,
    check_positive_int,
    check_temperature,
    window_starts,
)

__all__ = ["NoteLSTMGenerator", "NGramTokenGenerator", "write_tokens_midi"]

_IGNORE = -100  # CrossEntropyLoss's ignore_index: padded targets


def _validate_tokens(estimator, X, *, reset, name="X"):
    """A list of 1D int64 id arrays from a batch of single-channel id sequences."""
    check_dense_batch(estimator, X)
    batch = validate_batch(estimator, X, reset=reset, dtype=np.float64)
    check_min_length(
        X, batch, 2, "every token after the first is predicted from those before it"
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


class NoteLSTMGenerator(DensityMixin, BaseNeuralEstimator):
    """Next-token LSTM over note/chord tokens, sampled into new music (seed 002).

    A language model over the token ids of :class:`skmusic.features.NoteTokenizer`:
    an embedding, ``num_layers`` stacked LSTM layers with dropout, dense
    layers and a softmax over the vocabulary. It is trained on windows of
    ``seq_len + 1`` tokens (``stride`` apart) to predict every token of a window
    from the ones before it (the paper predicts the token after 100; predicting
    all of them teaches the same conditional distributions from the same
    windows, many times faster). Scoring and sampling carry the LSTM state over
    a whole sequence.

    It is a density estimator in sklearn's sense: :meth:`score` is the mean
    log-likelihood per predicted token of held-out sequences (natural log; its
    negative is the cross-entropy the paper reports, and ``exp(-score)`` the
    :meth:`perplexity`), so ``GridSearchCV`` tunes it by held-out likelihood;
    :meth:`sample` draws new token sequences. Compose it with the tokenizer,
    ``make_pipeline(NoteTokenizer(durations=True, rests=True), NoteLSTMGenerator())``,
    to fit and score note-event arrays directly; decode what it samples with the
    tokenizer's ``inverse_transform`` and write it with :func:`write_tokens_midi`.

    Parameters
    ----------
    seq_len : int, default=100
        Tokens of context in every training window (seed 002: 100).
    stride : int, default=None
        Tokens between the starts of training windows; ``None`` is
        ``seq_len // 2``. Sequences shorter than a window are one window.
    n_tokens : int, default=None
        Vocabulary size (a tokenizer's ``n_tokens_``); ``None`` is the largest id
        seen in ``fit`` plus one. Ids at or above it are refused as unknown.
    embedding_dim : int, default=64
    hidden_size : int, default=256
        Units of every LSTM layer.
    num_layers : int, default=3
    dropout : float, default=0.3
        Between and after the LSTM layers and after every dense layer.
    dense : tuple of int, default=(256,)
        Hidden dense layers (ReLU) before the softmax layer.
    max_epochs : int, default=30
    batch_size : int, default=64
        Windows per mini-batch.
    lr : float, default=0.002
    optimizer : {"adam", "adamw", "sgd", "rmsprop", "adadelta"} or torch optimizer class, \
default="adam"
        Seed 002 used RMSprop.
    validation_fraction : float in (0, 1), default=None
        Share of the training *sequences* held out and scored every epoch; the
        best weights are kept. Whole sequences are held out (at least one), since
        overlapping windows of one sequence would leak into training.
    patience : int, default=None
        Early-stopping patience (epochs).
    callbacks : list of skorch callbacks, default=None
    device : str, default="auto"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None
        Seeds training, and sampling when :meth:`sample` gets none.

    Attributes
    ----------
    n_tokens_ : int
        Vocabulary size.
    start_probs_ : ndarray of shape (n_tokens_,)
        How often each token opened a training sequence (the first token of an
        unprompted sample is drawn from it).
    n_channels_in_ : int
        Always 1.
    n_features_in_ : int
        Only for 2D array input.
    net_ : skorch.NeuralNet
        The fitted net; ``net_.history`` holds the losses per epoch.

    See Also
    --------
    NGramTokenGenerator : the additive-smoothing n-gram baseline.
    skmusic.features.NoteTokenizer : scores to token ids and back.

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import NoteLSTMGenerator
    >>> X = [np.tile([1, 2, 3, 4], 10)] * 8          # a repeating pattern
    >>> gen = NoteLSTMGenerator(seq_len=8, hidden_size=16, num_layers=1, dense=(),
    ...                         dropout=0.0, max_epochs=40, lr=0.05, random_state=0)
    >>> gen.fit(X).sample(8, prompt=[1, 2], temperature=0.1)[0, 0].tolist()
    [3, 4, 1, 2, 3, 4, 1, 2]
    >>> bool(gen.score(X) > np.log(1 / 5))          # beats a uniform guess
    True
    """

    _parameter_constraints = {
        **BaseNeuralEstimator._parameter_constraints,
        "seq_len": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left"), None],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
    }
    _criterion = torch.nn.CrossEntropyLoss

    def __init__(self, seq_len=100, *, stride=None, n_tokens=None, embedding_dim=64,
                 hidden_size=256, num_layers=3, dropout=0.3, dense=(256,), max_epochs=30,
                 batch_size=64, lr=0.002, optimizer="adam", validation_fraction=None,
                 patience=None, callbacks=None, device="auto", verbose=0,
                 random_state=None):
        self.seq_len = seq_len
        self.stride = stride
        self.n_tokens = n_tokens
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.dense = dense
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def make_module(self, n_tokens):
        """The untrained torch module these parameters describe.

        Parameters
        ----------
        n_tokens : int

        Returns
        -------
        module : skmusic.nn.generative.TokenLSTMNet
        """
        return TokenLSTMNet(
            n_tokens,
            embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            dropout=self.dropout,
            dense=check_sizes("dense", self.dense, allow_empty=True),
        )

    def _windows(self, seqs):
        width = self.seq_len + 1
        hop = self.stride or max(self.seq_len // 2, 1)
        windows, owner = [], []
        for index, ids in enumerate(seqs):
            for s in window_starts(len(ids), width, hop):
                windows.append(ids[s : s + width])
                owner.append(index)
        longest = max(len(w) for w in windows)
        X = np.zeros((len(windows), 1, longest - 1), dtype=np.float32)
        y = np.full((len(windows), longest - 1), _IGNORE, dtype=np.int64)
        for i, w in enumerate(windows):
            X[i, 0, : len(w) - 1] = w[:-1]
            y[i, : len(w) - 1] = w[1:]
        return torch.from_numpy(X), torch.from_numpy(y), np.asarray(owner)

    def _held_out_sequences(self, n_sequences):
        """Which sequences ``validation_fraction`` holds out (at least one, not all)."""
        if n_sequences < 2:
            raise ValueError(
                "validation_fraction holds out whole sequences, so it needs at least 2 "
                f"training sequences; got {n_sequences}. Set validation_fraction=None."
            )
        n_valid = min(max(int(round(self.validation_fraction * n_sequences)), 1), n_sequences - 1)
        return check_random_state(self._seed()).permutation(n_sequences)[:n_valid]

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on token sequences.

        Parameters
        ----------
        X : list of array-like of shape (1, n_tokens_i) or (n_tokens_i,), or \
                array-like of shape (n_sequences, n_tokens)
            Token ids, e.g. ``NoteTokenizer().fit_transform(scores)``; each
            sequence has at least 2 tokens.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        seqs = _validate_tokens(self, X, reset=True)
        self.n_tokens_ = _vocabulary_size(self, seqs)
        self.start_probs_ = _start_distribution(seqs, self.n_tokens_)
        Xw, yw, owner = self._windows(seqs)
        net_params = {}
        if self.validation_fraction is not None:
            # Hold out whole sequences: windows overlap, so windows held out at random
            # would share most of their tokens with training windows.
            held = np.isin(owner, self._held_out_sequences(len(seqs)))
            net_params["train_split"] = predefined_split(
                SequenceDataset(Xw[held], None, yw[held])
            )
            Xw, yw = Xw[~held], yw[~held]
        self._fit_net(
            lambda: self.make_module(self.n_tokens_), SequenceDataset(Xw, None, yw), **net_params
        )
        return self

    def _log_probs(self, seqs):
        """Per sequence, log p(token_t | tokens before t) for t = 1 .. n - 1."""
        module = self.net_.module_
        device = next(module.parameters()).device
        module.eval()
        out = []
        order = np.argsort([len(s) for s in seqs])
        results = [None] * len(seqs)
        with torch.no_grad():
            for start in range(0, len(seqs), self.batch_size):
                idx = order[start : start + self.batch_size]
                longest = max(len(seqs[i]) for i in idx)
                ids = np.zeros((len(idx), longest), dtype=np.int64)
                for row, i in enumerate(idx):
                    ids[row, : len(seqs[i])] = seqs[i]
                logits, _ = module.step(torch.from_numpy(ids).to(device))
                logp = torch.log_softmax(logits.double(), dim=-1).cpu().numpy()
                for row, i in enumerate(idx):
                    n = len(seqs[i])
                    results[i] = logp[row, np.arange(n - 1), seqs[i][1:]]
        out.extend(results)
        return out

    def score_samples(self, X):
        """Mean log-likelihood per predicted token of every sequence.

        Parameters
        ----------
        X : token sequences, as in :meth:`fit`

        Returns
        -------
        scores : ndarray of shape (n_sequences,)
        """
        check_is_fitted(self, "net_")
        seqs = _validate_tokens(self, X, reset=False)
        _check_known(seqs, self.n_tokens_)
        return np.array([lp.mean() for lp in self._log_probs(seqs)])

    def score(self, X, y=None):
        """Mean log-likelihood per predicted token of ``X`` (higher is better).

        Every token but the first of each sequence is predicted from all the
        tokens before it; the mean runs over all those tokens together.

        Parameters
        ----------
        X : token sequences, as in :meth:`fit`
        y : None
            Ignored.

        Returns
        -------
        score : float
            Natural-log likelihood per token; ``-score`` is the cross-entropy in
            nats, ``exp(-score)`` the perplexity.
        """
        check_is_fitted(self, "net_")
        seqs = _validate_tokens(self, X, reset=False)
        _check_known(seqs, self.n_tokens_)
        return float(np.concatenate(self._log_probs(seqs)).mean())

    def perplexity(self, X):
        """``exp(-score(X))``: the effective number of equally likely next tokens.

        Parameters
        ----------
        X : token sequences, as in :meth:`fit`

        Returns
        -------
        perplexity : float
        """
        return float(np.exp(-self.score(X)))

    def sample(self, n_steps=100, *, n_samples=1, prompt=None, temperature=1.0,
               random_state=None):
        """Draw new token sequences, one token at a time.

        Parameters
        ----------
        n_steps : int, default=100
            Tokens to generate per sequence.
        n_samples : int, default=1
            Sequences to generate.
        prompt : array-like of int of shape (n_prompt,) or (1, n_prompt), default=None
            Token ids to continue (not repeated in the output). ``None``: the first
            token is drawn from ``start_probs_`` and counts as the first step.
        temperature : float, default=1.0
            The logits are divided by it before the softmax: below 1 is more
            conservative, above 1 more varied. Must be positive.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        ids : ndarray of shape (n_samples, 1, n_steps), dtype int64
            A batch of token sequences, ready for ``NoteTokenizer.inverse_transform``.
        """
        check_is_fitted(self, "net_")
        n_steps = check_positive_int("n_steps", n_steps)
        n_samples = check_positive_int("n_samples", n_samples)
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        module = self.net_.module_
        device = next(module.parameters()).device
        module.eval()
        out = np.empty((n_samples, n_steps), dtype=np.int64)
        with torch.no_grad():
            if prompt is None:
                current = _draw(rng, np.tile(self.start_probs_, (n_samples, 1)))
                out[:, 0] = current
                state, first = None, 1
                feed = current[:, None]
            else:
                ids = _prompt_ids(prompt, self.n_tokens_)
                state, first = None, 0
                feed = np.tile(ids, (n_samples, 1))
            for t in range(first, n_steps):
                logits, state = module.step(torch.from_numpy(feed).to(device), state)
                logits = logits[:, -1].double().cpu().numpy() / temperature
                probs = np.exp(log_softmax(logits, axis=1))
                out[:, t] = _draw(rng, probs)
                feed = out[:, t : t + 1]
        return out[:, np.newaxis, :]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True  # token ids
        tags.input_tags.positive_only = True
        tags.input_tags.three_d_array = True
        return tags


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

    _parameter_constraints = {
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
        seqs = _validate_tokens(self, X, reset=True)
        self.n_tokens_ = _vocabulary_size(self, seqs)
        self.start_probs_ = _start_distribution(seqs, self.n_tokens_)
        counts = [dict() for _ in range(self.order)]
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

    def sample(self, n_steps=100, *, n_samples=1, prompt=None, temperature=1.0,
               random_state=None):
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
