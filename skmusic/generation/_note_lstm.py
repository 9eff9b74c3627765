"""Next-token LSTM generator over NoteTokenizer tokens."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from scipy.special import log_softmax
from sklearn.base import DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..nn.base import BaseNeuralEstimator, PresetMixin, fill_doc
from ..nn.data import SequenceDataset, batch_to_tensors, inference
from ..nn.generative import TokenLSTMNet
from ..nn.splits import split_valid_indices
from ..utils.validation import check_positive_int, check_sizes
from ..utils.windows import window_starts
from ._base import check_temperature
from ._ngram import NGramTokenGenerator
from ._tokens import (
    _check_known,
    _draw,
    _prompt_ids,
    _validate_tokens,
    fit_token_statistics,
)

__all__ = ["NoteLSTMGenerator"]

_IGNORE = -100  # CrossEntropyLoss's ignore_index: padded targets

# ngram_mix="auto": the variable-order models tried beside the LSTM, and the weights.
_MIX_MODELS = (
    {"order": 3, "smoothing": "kneser_ney"},
    {"order": 5, "smoothing": "kneser_ney"},
)
_MIX_WEIGHTS = np.linspace(0.0, 0.95, 20)


@fill_doc
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

    With ``ngram_mix="auto"`` (the default) the LSTM's next-token distribution
    is mixed with a variable-order model's (interpolated Kneser-Ney or PPM*,
    :class:`NGramTokenGenerator`), ``(1 - w) * p_lstm + w * p_ngram``: the
    model and the weight ``w`` are those that give the early-stopping
    sequences the highest likelihood (the n-gram fitted on the training
    sequences only, then refitted on all), so ``w`` is 0 where the n-gram adds
    nothing. The n-gram's smoothing carries rare tokens and verbatim repeats
    that a small network learns poorly, as neural language models are
    interpolated with n-grams in speech recognition.

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
    RMSprop), alone (no n-gram mixed in).

    Parameters
    ----------
    width : int, default=64
        Tokens of context in every training window.
    hop : int or None, default=32
        Tokens between the starts of training windows; ``None`` is ``width``
        (windows that do not overlap), as everywhere in skmusic. Sequences
        shorter than a window are one window.
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
    ngram_mix : {{"auto"}} or None, default="auto"
        ``"auto"``: mix in the variable-order model and weight that the
        held-out early-stopping sequences prefer (see above; without a
        validation split, nothing is mixed in). ``None``: the LSTM alone.
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
    n_classes_ : int
        Output classes of the network: the tokens with their own class, plus
        the shared rare class when ``n_rare_ > 0``.
    ngram_ : NGramTokenGenerator or None
        The variable-order model mixed in (``None``: the LSTM alone).
    ngram_weight_ : float
        Its weight ``w`` in the mixture (0 when none is mixed in).
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
    NGramTokenGenerator : the n-gram baseline (additive, Kneser-Ney, PPM).
    skmusic.features.NoteTokenizer : scores to token ids and back.

    References
    ----------
    .. [1] Y. Zong, "Chopin Music Generation and Classification", UCSD course
       project report (undated; cites work up to 2017).

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

    _presets: ClassVar[dict] = {
        "chopin": {
            "width": 100,
            "hop": 50,
            "hidden_size": 512,
            "num_layers": 3,
            "dense": (256,),
            "dropout": 0.3,
            "optimizer": "rmsprop",
            "weight_decay": 0.0,
            "lr_schedule": "constant",
            "lr": 0.001,
            "min_count": 1,
            "ngram_mix": None,  # the paper's network alone
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
        "ngram_mix": [StrOptions({"auto"}), None],
    }
    _criterion = torch.nn.CrossEntropyLoss

    def __init__(
        self,
        width=64,
        *,
        hop=32,
        n_tokens=None,
        min_count=2,
        embedding_dim=64,
        hidden_size=None,
        num_layers=1,
        dropout=0.5,
        dense=(),
        tie_weights=False,
        ngram_mix="auto",
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
        self.ngram_mix = ngram_mix
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

    def _build_module(self, n_channels, n_outputs):
        return self.make_module(n_outputs)

    def _windows(self, seqs):
        """(inputs, targets, owner) of every training window, padded; targets
        past a window's end are ``_IGNORE``."""
        width = self.width + 1
        hop = self.width if self.hop is None else self.hop
        windows, owner = [], []
        for index, ids in enumerate(seqs):
            for s in window_starts(len(ids), width, hop, tail="shift"):
                windows.append(ids[s : s + width])
                owner.append(index)
        X, lengths = batch_to_tensors([w[None, :-1] for w in windows])
        y, _ = batch_to_tensors([w[1:] for w in windows], dtype=np.int64)
        if lengths is not None:
            y[torch.arange(y.shape[1])[None, :] >= lengths[:, None]] = _IGNORE
        return X, y, np.asarray(owner)

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
    def fit(self, X, y=None, groups=None):
        """Train on token sequences.

        Parameters
        ----------
        X : list of array-like of shape (1, n_tokens_i) or (n_tokens_i,), or \
                array-like of shape (n_sequences, n_tokens)
            Token ids, e.g. ``NoteTokenizer().fit_transform(scores)``; each
            sequence has at least 2 tokens.
        y : None
            Ignored.
        groups : array-like of shape (n_sequences,), default=None
            A group per sequence, e.g. its tune family
            (:func:`skmusic.model_selection.tune_families` of the scores): the
            early-stopping sequences are whole groups, so the epochs and the
            n-gram mixture are chosen on tunes the model did not learn from.
            ``None``: every sequence is its own group.

        Returns
        -------
        self : object
        """
        seqs = fit_token_statistics(self, X)
        if groups is not None:
            groups = np.asarray(groups)
            if groups.shape != (len(seqs),):
                raise ValueError(
                    f"groups has shape {groups.shape}, but X holds {len(seqs)} sequences; "
                    "give one group per sequence."
                )
        if self.hidden_size is None:
            width = 2 ** round(np.log2(8 * np.sqrt(self.n_tokens_)))
            self.hidden_size_ = int(np.clip(width, 64, 256))
        else:
            self.hidden_size_ = int(self.hidden_size)
        self._fit_vocabulary(seqs)
        Xw, yw, owner = self._windows([self.token_map_[ids] for ids in seqs])
        # whole sequences (or groups) are held out: their windows would overlap training ones
        self._fit_net(
            SequenceDataset(Xw, None, yw),
            n_channels=1,
            n_outputs=self.n_classes_,
            groups=owner if groups is None else np.unique(groups, return_inverse=True)[1][owner],
        )
        self._fit_ngram_mix(seqs, owner)
        return self

    def _fit_ngram_mix(self, seqs, owner):
        """Choose the variable-order model and its weight on the early-stopping sequences."""
        self.ngram_, self.ngram_weight_ = None, 0.0
        split = self.net_.train_split
        if self.ngram_mix is None or split is None:
            return
        held = np.unique(owner[split_valid_indices(split)])
        valid = [seqs[i] for i in held]
        train = [seqs[i] for i in np.setdiff1d(np.arange(len(seqs)), held)]
        lstm = np.concatenate(self._lstm_log_probs(valid))
        best = (lstm.mean(), None, 0.0)
        for params in _MIX_MODELS:
            ngram = NGramTokenGenerator(n_tokens=self.n_tokens_, **params).fit(train)
            other = np.concatenate(ngram._all_log_probs(valid))
            for w in _MIX_WEIGHTS[1:]:
                mixed = np.logaddexp(np.log1p(-w) + lstm, np.log(w) + other).mean()
                if mixed > best[0]:
                    best = (mixed, params, float(w))
        if best[1] is not None:
            self.ngram_ = NGramTokenGenerator(n_tokens=self.n_tokens_, **best[1]).fit(seqs)
            self.ngram_weight_ = best[2]

    def _log_probs(self, seqs):
        """Per sequence, log p(token_t | tokens before t) for t = 1 .. n - 1 (the mixture)."""
        lstm = self._lstm_log_probs(seqs)
        if getattr(self, "ngram_", None) is None:
            return lstm
        w = self.ngram_weight_
        other = self.ngram_._all_log_probs(seqs)
        return [
            np.logaddexp(np.log1p(-w) + a, np.log(w) + b) for a, b in zip(lstm, other, strict=True)
        ]

    def _lstm_log_probs(self, seqs):
        """Per sequence, the LSTM's own log p(token_t | tokens before t)."""
        rare_class = self.n_classes_ - 1 if self.n_rare_ else -1
        penalty = np.log(self.n_rare_) if self.n_rare_ else 0.0
        classes = [self.token_map_[ids] for ids in seqs]
        logp = self._predict_batches(
            *batch_to_tensors(classes, dtype=np.int64), forward=_next_log_probs
        )
        results = []
        for target, lp in zip(classes, logp, strict=True):
            target = target[1:]
            lp = lp[np.arange(len(target)), target].numpy()
            results.append(lp - penalty * (target == rare_class))
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
        if getattr(self, "ngram_", None) is not None:
            with inference(module):
                tokens = self._sample_mixed(
                    module, device, n_steps, n_samples, prompt, temperature, rng
                )
            return tokens[:, np.newaxis, :]
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

    def _sample_mixed(self, module, device, n_steps, n_samples, prompt, temperature, rng):
        """:meth:`sample` through the mixture: LSTM and n-gram in token space."""
        n_keep, w = len(self._class_ids), self.ngram_weight_
        tokens = np.empty((n_samples, n_steps), dtype=np.int64)
        if prompt is None:
            tokens[:, 0] = _draw(rng, np.tile(self.start_probs_, (n_samples, 1)))
            histories = [[int(token)] for token in tokens[:, 0]]
            first = 1
            feed = self.token_map_[tokens[:, :1]]
        else:
            ids = _prompt_ids(prompt, self.n_tokens_)
            histories = [ids.tolist() for _ in range(n_samples)]
            first = 0
            feed = np.tile(self.token_map_[ids], (n_samples, 1))
        state = None
        for t in range(first, n_steps):
            logits, state = module.step(torch.from_numpy(feed).to(device), state)
            cls = np.exp(log_softmax(logits[:, -1].double().cpu().numpy(), axis=1))
            probs = np.zeros((n_samples, self.n_tokens_))
            probs[:, self._class_ids] = cls[:, :n_keep]
            if self.n_rare_:
                probs[:, self._rare_ids] = cls[:, n_keep:] / self.n_rare_
            ngram = np.exp([self.ngram_._next_log_probs(h) for h in histories])
            log_probs = np.log((1 - w) * probs + w * ngram + 1e-300) / temperature
            tokens[:, t] = _draw(rng, np.exp(log_softmax(log_probs, axis=1)))
            for history, token in zip(histories, tokens[:, t], strict=True):
                history.append(int(token))
            feed = self.token_map_[tokens[:, t : t + 1]]
        return tokens

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True  # token ids
        tags.input_tags.positive_only = True
        tags.input_tags.three_d_array = True
        return tags


def _next_log_probs(module, ids, lengths=None):
    """log p of every next token after each prefix of ``ids`` (batch, time)."""
    logits, _ = module.step(ids)
    return torch.log_softmax(logits.double(), dim=-1)
