"""Next-token LSTM generator over NoteTokenizer tokens, and the n-gram baseline."""

from collections import Counter
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from scipy.special import log_softmax, logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from ..nn.base import (
    BaseNeuralEstimator,
    SequenceDataset,
    check_sizes,
    inference,
    training_params_doc,
)
from ..nn.generative import TokenLSTMNet
from ..utils.validation import validate_batch
from ..utils.windows import window_starts
from ._base import (
    PresetMixin,
    check_dense_batch,
    check_min_length,
    check_positive_int,
    check_temperature,
    held_out_split,
)

__all__ = ["NGramTokenGenerator", "NoteLSTMGenerator", "write_tokens_midi"]

_IGNORE = -100  # CrossEntropyLoss's ignore_index: padded targets


def _validate_tokens(estimator, X, *, reset, name="X"):
    """A list of 1D int64 id arrays from a batch of single-channel id sequences."""
    check_dense_batch(estimator, X)
    batch = validate_batch(estimator, X, reset=reset, dtype=np.float64)
    check_min_length(X, batch, 2, "every token after the first is predicted from those before it")
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


_ZONG = """
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated; cites work up to 2017)."""


class NoteLSTMGenerator(PresetMixin, DensityMixin, BaseNeuralEstimator):
    """Next-token LSTM over note/chord tokens, sampled into new music.

    A language model over the token ids of :class:`skmusic.features.NoteTokenizer`,
    after Zong's note/chord generator [1]_: an embedding, ``num_layers`` stacked
    LSTM layers with dropout, optional dense layers and a softmax over the
    vocabulary. It is trained on windows of ``width + 1`` tokens (``hop``
    apart) to predict every token of a window from the ones before it (the
    paper predicts the token after 100; predicting all of them teaches the same
    conditional distributions from the same windows, many times faster).
    Scoring and sampling carry the LSTM state over a whole sequence.

    The defaults are set for the small corpora of music: early stopping on
    held-out *whole sequences* (windows of one sequence overlap, so windows held
    out at random would score text the net trained on), best weights restored,
    AdamW with weight decay, dropout 0.5, and a width chosen from the
    vocabulary size (``hidden_size=None``). Tokens seen fewer than
    ``min_count`` times in ``fit`` share one output class, its probability
    split evenly among them, so a held-out token the model never saw (a
    tokenizer's ``"<unk>"``) keeps a realistic likelihood, as an n-gram's
    smoothing gives it.

    It is a density estimator in sklearn's sense: :meth:`score` is the mean
    log-likelihood per predicted token of held-out sequences (natural log; its
    negative is the cross-entropy the paper reports, and ``exp(-score)`` the
    :meth:`perplexity`), so ``GridSearchCV`` tunes it by held-out likelihood;
    :meth:`sample` draws new token sequences. Compose it with the tokenizer,
    ``make_pipeline(NoteTokenizer(durations=True, rests=True), NoteLSTMGenerator())``,
    to fit and score note-event arrays directly; decode what it samples with the
    tokenizer's ``inverse_transform`` and write it with :func:`write_tokens_midi`.

    Presets (:meth:`from_preset`): ``"chopin"``, the paper's network (windows
    of 100 tokens, 3 LSTM layers of 512, a dense layer of 256, dropout 0.3,
    RMSprop).

    Parameters
    ----------
    width : int, default=64
        Tokens of context in every training window.
    hop : int, default=None
        Tokens between the starts of training windows; ``None`` is
        ``width // 2``. Sequences shorter than a window are one window.
    n_tokens : int, default=None
        Vocabulary size (a tokenizer's ``n_tokens_``); ``None`` is the largest id
        seen in ``fit`` plus one. Ids at or above it are refused as unknown.
    min_count : int, default=2
        Tokens seen fewer times than this in ``fit`` (and tokens never seen)
        share one output class and one embedding; the class's probability is
        split evenly among them. ``1`` gives every seen token its own class.
    embedding_dim : int, default=64
    hidden_size : int, default=None
        Units of every LSTM layer; ``None`` chooses from the vocabulary size:
        the power of 2 nearest ``8 * sqrt(n_tokens_)``, between 64 and 256
        (``hidden_size_``).
    num_layers : int, default=1
    dropout : float, default=0.5
        On the embeddings, between and after the LSTM layers and after every
        dense layer.
    dense : tuple of int, default=()
        Hidden dense layers (ReLU) before the softmax layer.
    tie_weights : bool, default=False
        Share the embedding matrix with the softmax layer.
    {training}

    Attributes
    ----------
    n_tokens_ : int
        Vocabulary size.
    hidden_size_ : int
        Units of every LSTM layer.
    token_map_ : ndarray of shape (n_tokens_,)
        The output class of every token id; the rare tokens share the last.
    n_rare_ : int
        Tokens sharing the rare class (0 when every token has its own).
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

    References
    ----------
    {references}

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import NoteLSTMGenerator
    >>> X = [np.tile([1, 2, 3, 4], 10)] * 8          # a repeating pattern
    >>> gen = NoteLSTMGenerator(width=8, hidden_size=16, dropout=0.0, lr=0.05,
    ...                         max_epochs=40, random_state=0)
    >>> gen.fit(X).sample(8, prompt=[1, 2], temperature=0.1)[0, 0].tolist()
    [3, 4, 1, 2, 3, 4, 1, 2]
    >>> bool(gen.score(X) > np.log(1 / 5))          # beats a uniform guess
    True
    """

    _defaults: ClassVar[dict] = {"max_epochs": 100, "batch_size": 32, "lr": 0.003, "patience": 8}
    _presets: ClassVar[dict] = {
        "chopin": {
            "width": 100,
            "hidden_size": 512,
            "num_layers": 3,
            "dense": (256,),
            "dropout": 0.3,
            "optimizer": "rmsprop",
            "weight_decay": 0.0,
            "lr_schedule": "constant",
            "lr": 0.001,
            "min_count": 1,
        },
    }
    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        "width": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "n_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_size": [Interval(Integral, 1, None, closed="left"), None],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense": [tuple, list],
        "tie_weights": ["boolean"],
    }
    _criterion = torch.nn.CrossEntropyLoss

    def __init__(
        self,
        width=64,
        *,
        hop=None,
        n_tokens=None,
        min_count=2,
        embedding_dim=64,
        hidden_size=None,
        num_layers=1,
        dropout=0.5,
        dense=(),
        tie_weights=False,
        max_epochs=100,
        batch_size=32,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=0.1,
        patience=8,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.width = width
        self.hop = hop
        self.n_tokens = n_tokens
        self.min_count = min_count
        self.embedding_dim = embedding_dim
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.dense = dense
        self.tie_weights = tie_weights
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.max_time = max_time
        self.grad_clip = grad_clip
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    def make_module(self, n_classes):
        """The untrained torch module these parameters describe (after ``fit``
        has chosen ``hidden_size_``).

        Parameters
        ----------
        n_classes : int
            Output classes: the tokens with their own class, plus the shared
            rare class if any.

        Returns
        -------
        module : skmusic.nn.generative.TokenLSTMNet
        """
        return TokenLSTMNet(
            n_classes,
            embedding_dim=self.embedding_dim,
            hidden_size=self.hidden_size_,
            num_layers=self.num_layers,
            dropout=self.dropout,
            dense=check_sizes("dense", self.dense, allow_empty=True),
            tie_weights=self.tie_weights,
        )

    def _windows(self, seqs):
        width = self.width + 1
        hop = self.hop or max(self.width // 2, 1)
        windows, owner = [], []
        for index, ids in enumerate(seqs):
            for s in window_starts(len(ids), width, hop, tail="shift"):
                windows.append(ids[s : s + width])
                owner.append(index)
        longest = max(len(w) for w in windows)
        X = np.zeros((len(windows), 1, longest - 1), dtype=np.float32)
        y = np.full((len(windows), longest - 1), _IGNORE, dtype=np.int64)
        for i, w in enumerate(windows):
            X[i, 0, : len(w) - 1] = w[:-1]
            y[i, : len(w) - 1] = w[1:]
        return torch.from_numpy(X), torch.from_numpy(y), np.asarray(owner)

    def _fit_vocabulary(self, seqs):
        counts = np.bincount(np.concatenate(seqs), minlength=self.n_tokens_)
        keep = counts >= self.min_count
        n_keep = int(keep.sum())
        self.n_rare_ = self.n_tokens_ - n_keep
        self.token_map_ = np.full(self.n_tokens_, n_keep, dtype=np.int64)
        self.token_map_[keep] = np.arange(n_keep)
        self.n_classes_ = n_keep + (self.n_rare_ > 0)
        # the rare tokens, for sampling: the class n_keep is one of them, evenly
        self._rare_ids = np.flatnonzero(~keep)
        self._class_ids = np.flatnonzero(keep)

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
        if self.hidden_size is None:
            width = 2 ** round(np.log2(8 * np.sqrt(self.n_tokens_)))
            self.hidden_size_ = int(np.clip(width, 64, 256))
        else:
            self.hidden_size_ = int(self.hidden_size)
        self._fit_vocabulary(seqs)
        Xw, yw, owner = self._windows([self.token_map_[ids] for ids in seqs])
        # whole sequences are held out: their windows would overlap training ones
        split = held_out_split(owner, len(seqs), self.validation_fraction, self._seed())
        self._fit_net(
            lambda: self.make_module(self.n_classes_),
            SequenceDataset(Xw, None, yw),
            train_split=split,
        )
        return self

    def _log_probs(self, seqs):
        """Per sequence, log p(token_t | tokens before t) for t = 1 .. n - 1."""
        module = self.net_.module_
        device = next(module.parameters()).device
        order = np.argsort([len(s) for s in seqs])
        results = [None] * len(seqs)
        rare_class = self.n_classes_ - 1 if self.n_rare_ else -1
        penalty = np.log(self.n_rare_) if self.n_rare_ else 0.0
        with inference(module):
            for start in range(0, len(seqs), self.batch_size):
                idx = order[start : start + self.batch_size]
                longest = max(len(seqs[i]) for i in idx)
                ids = np.zeros((len(idx), longest), dtype=np.int64)
                for row, i in enumerate(idx):
                    ids[row, : len(seqs[i])] = self.token_map_[seqs[i]]
                logits, _ = module.step(torch.from_numpy(ids).to(device))
                logp = torch.log_softmax(logits.double(), dim=-1).cpu().numpy()
                for row, i in enumerate(idx):
                    n = len(seqs[i])
                    target = ids[row, 1:n]
                    lp = logp[row, np.arange(n - 1), target]
                    results[i] = lp - penalty * (target == rare_class)
        return results

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

    def sample(self, n_steps=100, *, n_samples=1, prompt=None, temperature=1.0, random_state=None):
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
            A draw of the shared rare class becomes one of the rare tokens,
            chosen evenly.
        """
        check_is_fitted(self, "net_")
        n_steps = check_positive_int("n_steps", n_steps)
        n_samples = check_positive_int("n_samples", n_samples)
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        module = self.net_.module_
        device = next(module.parameters()).device
        classes = np.empty((n_samples, n_steps), dtype=np.int64)
        with inference(module):
            if prompt is None:
                first_ids = _draw(rng, np.tile(self.start_probs_, (n_samples, 1)))
                classes[:, 0] = self.token_map_[first_ids]
                state, first = None, 1
                feed = classes[:, :1]
            else:
                ids = _prompt_ids(prompt, self.n_tokens_)
                state, first = None, 0
                feed = np.tile(self.token_map_[ids], (n_samples, 1))
            for t in range(first, n_steps):
                logits, state = module.step(torch.from_numpy(feed).to(device), state)
                logits = logits[:, -1].double().cpu().numpy() / temperature
                probs = np.exp(log_softmax(logits, axis=1))
                classes[:, t] = _draw(rng, probs)
                feed = classes[:, t : t + 1]
        out = np.empty_like(classes)
        common = classes < len(self._class_ids)
        out[common] = self._class_ids[classes[common]]
        if (~common).any():
            out[~common] = rng.choice(self._rare_ids, size=int((~common).sum()))
        if prompt is None:
            out[:, 0] = first_ids
        return out[:, np.newaxis, :]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True  # token ids
        tags.input_tags.positive_only = True
        tags.input_tags.three_d_array = True
        return tags


NoteLSTMGenerator.__doc__ = NoteLSTMGenerator.__doc__.replace(
    "{training}",
    training_params_doc(
        split="whole training sequences, at least one kept for training",
        **NoteLSTMGenerator._defaults,
    ),
).replace("{references}", _ZONG.strip())


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
        seqs = _validate_tokens(self, X, reset=True)
        self.n_tokens_ = _vocabulary_size(self, seqs)
        self.start_probs_ = _start_distribution(seqs, self.n_tokens_)
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
