"""The estimator bases of skmusic's networks: :class:`BaseNeuralEstimator`,
:class:`BaseNeuralClassifier`, :class:`PresetMixin` and :func:`fill_doc`.

How to build a network estimator on them, and where the rest of the core
lives, is written in :mod:`skmusic.nn`'s docstring.
"""

import copy
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import torch
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import EarlyStopping as SkorchEarlyStopping
from skorch.callbacks import GradientNormClipping, LRScheduler

from ..utils.validation import batch_lengths, validate_batch
from ._docs import fill_doc
from .augment import bind_augmenters
from .callbacks import EarlyStopping, TimeBudget, lr_schedule
from .data import (
    BatchIterator,
    SequenceDataset,
    batch_to_tensors,
    predict_batches,
    resolve_device,
)
from .preprocessing import (
    NORMALIZE_MODES,
    apply_normalization,
    downsample_batch,
    fit_normalization,
    normalized_channels,
)
from .splits import validation_indices, validation_split

__all__ = [
    "BaseNeuralClassifier",
    "BaseNeuralEstimator",
    "EnsembleMixin",
    "PresetMixin",
    "fill_doc",
]

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
}


class PresetMixin:
    """``from_preset(name, **params)`` for estimators with a ``_presets`` table."""

    _presets: ClassVar[dict] = {}

    @classmethod
    def from_preset(cls, name, **params):
        """An estimator configured as one of the named presets.

        Parameters
        ----------
        name : str
            One of the presets listed in the class docstring.
        **params
            Further parameters, overriding the preset's.

        Returns
        -------
        estimator : instance of this class
        """
        if name not in cls._presets:
            raise ValueError(
                f"Unknown preset {name!r} for {cls.__name__}; choose one of {sorted(cls._presets)}."
            )
        return cls(**{**cls._presets[name], **params})


class BaseNeuralEstimator(BaseEstimator):
    """Base class of skmusic's skorch-based network estimators.

    Not for direct use. See the module docstring for the contract.
    """

    _net_class = NeuralNet
    _criterion = torch.nn.MSELoss
    _stratify = False
    _split_doc = "whole training sequences, at least one kept for training"

    _parameter_constraints: ClassVar[dict] = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"cosine", "onecycle", "constant"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "patience": [Interval(Integral, 1, None, closed="left"), None],
        "max_time": [Interval(Real, 0, None, closed="neither"), None],
        "grad_clip": [Interval(Real, 0, None, closed="neither"), None],
        "callbacks": [list, tuple, None],
        "device": [str, torch.device, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # --- the hooks to implement -------------------------------------------
    def _build_module(self, n_channels, n_outputs):
        """Build the ``torch.nn.Module`` from the parameters (validate them here)."""
        raise NotImplementedError

    def _min_timesteps(self):
        """``(minimum length, reason)`` the module needs; ``(1, None)`` by default."""
        return 1, None

    def _check_n_channels(self, n_channels):
        """Raise a ValueError if the module cannot take ``n_channels``."""

    # --- shared machinery -------------------------------------------------
    def _validate_X(self, X, *, reset, **check_params):
        """Validate ``X`` with ``validate_batch`` at the module's minimum length."""
        min_len, reason = self._min_timesteps()
        batch = validate_batch(
            self, X, reset=reset, min_timesteps=min_len, min_timesteps_reason=reason, **check_params
        )
        if reset:
            self._check_n_channels(batch[0].shape[0])
        return batch

    def _make_dataset(self, batch, y=None):
        X, lengths = batch_to_tensors(batch)
        return SequenceDataset(X, lengths, y)

    def _seed(self):
        """An int seed drawn from ``random_state``, or None."""
        if self.random_state is None:
            return None
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _train_batch_size(self, n_train):
        """``batch_size``, with ``"auto"`` resolved for ``n_train`` training sequences.

        ``"auto"``: ``min(32, max(4, n_train // 10))`` -- small training sets get
        small batches (as Ismail Fawaz et al.'s ``min(n / 10, 16)``), so that
        training takes enough optimizer steps: 36 series at 32 a batch make two
        steps an epoch.
        """
        if self.batch_size == "auto":
            return int(min(32, max(4, n_train // 10)))
        return int(self.batch_size)

    def _recipe_callbacks(self, *, n_train, validating, batch_size):
        """The user's callbacks (copied) followed by the recipe's.

        A user's ``LRScheduler``, early stopping or ``GradientNormClipping``
        replaces the recipe's own of that kind (see :mod:`skmusic.nn.callbacks`).
        """
        user = [copy.deepcopy(cb) for cb in (self.callbacks or [])]
        kinds = [cb[1] if isinstance(cb, tuple) else cb for cb in user]

        def given(kind):
            return any(isinstance(cb, kind) for cb in kinds)

        callbacks = list(user)
        min_epochs = int(0.3 * self.max_epochs)
        if not given((EarlyStopping, SkorchEarlyStopping)):
            if validating:
                patience = self.max_epochs + 1 if self.patience is None else self.patience
                stopper = EarlyStopping("valid_loss", patience, min_epochs, load_best=True)
                callbacks.append(("early_stopping", stopper))
            elif self.patience is not None and self.validation_fraction is None:
                # asked for no validation: stop on the training loss
                stopper = EarlyStopping("train_loss", self.patience, min_epochs)
                callbacks.append(("early_stopping", stopper))
        if self.lr_schedule != "constant" and not given(LRScheduler):
            steps = self.max_epochs * max(1, -(-n_train // batch_size))
            callbacks.append(("lr_schedule", lr_schedule(self.lr_schedule, steps)))
        if self.grad_clip is not None and not given(GradientNormClipping):
            callbacks.append(("grad_clip", GradientNormClipping(self.grad_clip)))
        if self.max_time is not None:
            callbacks.append(("time_budget", TimeBudget(self._run_time_budget())))
        return callbacks

    def _run_time_budget(self):
        """Seconds of ``max_time`` one training run may use (all of it here)."""
        return self.max_time

    def _fit_net(self, dataset, *, n_channels, n_outputs, y=None, groups=None, **net_params):
        """Build the module (``_build_module``), wrap it in the skorch net ``net_``; train it.

        Both happen under torch's generator seeded from ``random_state`` (and
        restored afterwards), so weights, shuffling and dropout repeat exactly.

        Parameters
        ----------
        dataset : SequenceDataset
            Inputs and targets.
        n_channels, n_outputs : int
            Passed to :meth:`_build_module`.
        y : array-like, default=None
            Class labels, for the stratified validation split and skorch's
            class inference; ``None`` where not needed.
        groups : array-like, default=None
            Group of every item; the validation split holds out whole groups.
        **net_params : further arguments of the skorch net.
        """
        seed = self._seed()
        valid = validation_indices(
            len(dataset),
            self.validation_fraction,
            seed,
            y=y,
            groups=groups,
            stratify=self._stratify,
        )
        split = validation_split(valid, len(dataset))
        n_train = len(dataset) - (0 if valid is None else len(valid))
        batch_size = self._train_batch_size(n_train)
        callbacks = self._recipe_callbacks(
            n_train=n_train, validating=split is not None, batch_size=batch_size
        )
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = OPTIMIZERS[optimizer]
        if self.weight_decay:
            net_params.setdefault("optimizer__weight_decay", self.weight_decay)
        if optimizer in (torch.optim.AdamW, torch.optim.Adam):
            # one call over all parameters instead of a Python loop over them
            # (torch's default only on a GPU); the same arithmetic, a few per
            # cent less time a step on a CPU
            net_params.setdefault("optimizer__foreach", True)
        device = resolve_device(self.device)
        cuda = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
        with torch.random.fork_rng(devices=cuda):
            if seed is not None:
                torch.manual_seed(seed)
            module = self._build_module(n_channels, n_outputs)
            self.net_ = self._net_class(
                module,
                criterion=self._criterion,
                optimizer=optimizer,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=batch_size,
                iterator_train=BatchIterator,
                iterator_train__shuffle=True,
                iterator_valid=BatchIterator,
                train_split=split,
                callbacks=callbacks,
                device=device,
                verbose=self.verbose,
                **net_params,
            )
            self.net_.fit(dataset, y)
        return self.net_

    def _predict_batches(self, X, lengths=None, *, forward=None):
        """The fitted module over every item of ``X`` (:func:`~skmusic.nn.data.predict_batches`)."""
        return self._net_outputs(self.net_, X, lengths, forward=forward)

    @staticmethod
    def _net_outputs(net, X, lengths=None, *, forward=None):
        """One fitted skorch net's module over every item of ``X``, in its batch size."""
        return predict_batches(net.module_, X, lengths, batch_size=net.batch_size, forward=forward)

    @property
    def history_(self):
        """The fitted net's skorch history (one row per epoch)."""
        check_is_fitted(self, "net_")
        return self.net_.history

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.two_d_array = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags


class EnsembleMixin:
    """``n_estimators`` networks averaged: the classifiers' ensemble of seeds.

    Put before :class:`BaseNeuralClassifier` in a classifier's bases and give
    its ``__init__`` an ``n_estimators`` parameter (int, or ``"auto"``). Every
    member is a whole training run of the shared recipe with its own seed
    (drawn from ``random_state`` and the member's number; member 0 uses the
    estimator's own seed, so ``n_estimators=1`` is the single network) and so
    its own validation split and weights; ``predict_proba`` averages the
    members' class probabilities. A ``max_time`` budget is shared equally.

    ``"auto"`` resolves from the training set's size, counted as the sum of
    its sequences' lengths after shortening (one epoch's work,
    ``_epoch_timesteps``, which a network may count its own way):
    ``min(5, max(1, 50_000 // total))`` -- five members for a set as small as
    ArrowHead's (36 series of 251 steps), where one network's result depends
    much on its seed, one from 50,000 timesteps on, where an epoch is
    already costly (Ismail Fawaz et al. [1]_ average five networks as a rule).

    References
    ----------
    .. [1] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar and P.-A.
       Muller, "Deep neural network ensembles for time series classification",
       IJCNN 2019.
    """

    #: Sum of training lengths from which ``n_estimators="auto"`` trains one network.
    AUTO_ENSEMBLE_TIMESTEPS = 50_000
    #: Most members ``"auto"`` trains.
    AUTO_ENSEMBLE_MAX = 5

    _ensemble_constraints: ClassVar[dict] = {
        "n_estimators": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    }

    def _n_members(self, dataset):
        """``n_estimators``, with ``"auto"`` resolved for the training ``dataset``."""
        if self.n_estimators != "auto":
            return int(self.n_estimators)
        total = self._epoch_timesteps(dataset)
        return int(
            min(self.AUTO_ENSEMBLE_MAX, max(1, self.AUTO_ENSEMBLE_TIMESTEPS // max(1, total)))
        )

    def _epoch_timesteps(self, dataset):
        """Timesteps one epoch of training reads: the sum of the sequences' lengths."""
        if dataset.lengths is None:
            return int(dataset.X.shape[0] * dataset.X.shape[-1])
        return int(dataset.lengths.sum())

    def _fit_net(self, dataset, **kwargs):
        """Train the members, each with its own seed and validation split."""
        self.n_estimators_ = self._n_members(dataset)
        self.nets_ = []
        try:
            for k in range(self.n_estimators_):
                self._member = k
                self.nets_.append(super()._fit_net(dataset, **kwargs))
        finally:
            del self._member
        self.net_ = self.nets_[0]
        return self.net_

    def _seed(self):
        seed = super()._seed()
        member = getattr(self, "_member", 0)
        if seed is None or member == 0:
            return seed
        return int(np.random.RandomState([seed, member]).randint(np.iinfo(np.int32).max))

    def _run_time_budget(self):
        """The members share ``max_time`` equally."""
        return self.max_time / self.n_estimators_

    def _predict_batches(self, X, lengths=None, *, forward=None):
        """The members' mean class probabilities, as logits (their log)."""
        proba = torch.stack(
            [
                torch.softmax(self._net_outputs(net, X, lengths, forward=forward).double(), dim=1)
                for net in self.nets_
            ]
        ).mean(dim=0)
        return torch.log(proba.clamp(min=1e-300))


class BaseNeuralClassifier(ClassifierMixin, BaseNeuralEstimator):
    """Base class of skmusic's network classifiers.

    Labels (strings or integers) are encoded with a ``LabelEncoder`` into
    ``classes_``; the module outputs one logit per class, trained with
    cross-entropy; ``predict_proba`` is their softmax. Inputs are normalized
    (``normalize``) and shortened (``max_timesteps``) the same way in ``fit``
    and at prediction. ``groups`` is a fit parameter, so sklearn's metadata
    routing (``set_fit_request(groups=True)``) reaches it.
    """

    _net_class = NeuralNetClassifier
    _criterion = torch.nn.CrossEntropyLoss
    _stratify = True
    _split_doc = "stratified by class; whole groups when ``fit`` gets ``groups``"

    _parameter_constraints: ClassVar[dict] = {
        **BaseNeuralEstimator._parameter_constraints,
        "normalize": [StrOptions(set(NORMALIZE_MODES)), None],
        "max_timesteps": [Interval(Integral, 1, None, closed="left"), None],
        "augment": [list, tuple, callable, None],
    }

    def _prepare(self, batch, *, fit):
        """Normalize and shorten a validated batch (learning how in ``fit``)."""
        if fit:
            self.input_mean_, self.input_scale_ = fit_normalization(batch, self.normalize)
            longest = int(batch_lengths(batch).max())
            limit = self.max_timesteps
            self.input_stride_ = 1 if limit is None else max(1, -(-longest // limit))
        batch = apply_normalization(batch, self.normalize, self.input_mean_, self.input_scale_)
        return downsample_batch(batch, self.input_stride_)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, groups=None):
        """Fit the network.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_channels, n_timesteps), \
                (n_sequences, n_timesteps) or list of array-like of shape \
                (n_channels, n_timesteps_i)
            Training sequences; a 2D array is read as single-channel sequences.
        y : array-like of shape (n_sequences,)
            Class labels (strings or integers).
        groups : array-like of shape (n_sequences,), default=None
            Group of every sequence (e.g. the song a slice comes from, as
            :class:`~skmusic.ensemble.VotingSliceClassifier` passes it): the
            validation split then holds out whole groups.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        batch = self._validate_X(X, reset=True)
        y = column_or_1d(y, warn=True)
        if len(y) != len(batch):
            raise ValueError(
                f"X has {len(batch)} sequences but y has {len(y)} labels; "
                "give one label per sequence."
            )
        check_classification_targets(y)
        if groups is not None:
            groups = column_or_1d(groups)
            if len(groups) != len(y):
                raise ValueError(
                    f"groups has {len(groups)} entries but X has {len(y)} sequences; "
                    "give one group per sequence."
                )
        encoder = LabelEncoder()
        y_enc = encoder.fit_transform(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has only one class ({self.classes_[0]!r}); a classifier needs "
                "sequences of at least 2 classes."
            )
        batch = self._prepare(batch, fit=True)
        augment = bind_augmenters(
            self.augment, lambda raw: self._prepare(raw, fit=False), self.n_channels_in_
        )
        n_classes = len(self.classes_)
        self._fit_net(
            self._make_dataset(batch, torch.from_numpy(y_enc.astype(np.int64))),
            n_channels=normalized_channels(self.n_channels_in_, self.normalize),
            n_outputs=n_classes,
            y=y_enc,
            groups=groups,
            classes=list(range(n_classes)),
            iterator_train__augment=augment,
        )
        return self

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, as in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_sequences, n_classes)
            Rows sum to 1; columns follow ``classes_``.
        """
        check_is_fitted(self, "net_")
        batch = self._prepare(self._validate_X(X, reset=False), fit=False)
        logits = self._predict_batches(*batch_to_tensors(batch))
        return softmax(logits.double().numpy(), axis=1)

    def predict(self, X):
        """Predicted class labels.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences, as in :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_sequences,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
