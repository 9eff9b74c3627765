"""The words of the networks' shared parameters, filled by :func:`skmusic.nn.base.fill_doc`.

Each entry is the numpydoc text of one ``__init__`` parameter; ``{default}``
becomes the class's signature default and ``{split}`` the class's
``_split_doc``. Only the parameters a class's signature has are written.
"""

import inspect

__all__ = ["CLASSIFIER_ATTRIBUTES", "ENSEMBLE_ATTRIBUTES", "SHARED", "fill_doc"]


def _shown(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_doc(cls):
    """Fill a network estimator's docstring placeholders; the one doc mechanism.

    ``{training}`` becomes the text of every shared parameter the class's
    ``__init__`` has and does not document itself (a ``name :`` entry of its
    own wins), with the default its signature gives (so the signature
    is the one source of defaults); ``{split}`` in it becomes the class's
    ``_split_doc``; ``{attributes}`` becomes the classifiers' fitted
    attributes (:data:`CLASSIFIER_ATTRIBUTES`, and :data:`ENSEMBLE_ATTRIBUTES`
    for a class with ``n_estimators``).
    """
    params = inspect.signature(cls.__init__).parameters
    text = "".join(
        SHARED[name].format(default=_shown(p.default))
        for name, p in params.items()
        if name in SHARED and f"\n    {name} :" not in cls.__doc__
    )
    doc = cls.__doc__.replace("{training}", text.replace("{split}", cls._split_doc))
    attributes = CLASSIFIER_ATTRIBUTES + (ENSEMBLE_ATTRIBUTES if "n_estimators" in params else "")
    cls.__doc__ = doc.replace("{attributes}", attributes.rstrip("\n"))
    return cls


CLASSIFIER_ATTRIBUTES = """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_channels_in_ : int
        Channels of the training sequences.
    n_features_in_ : int
        Timesteps of tabular (2D) training input; only set for such input.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame passed to ``fit``; only set for such input.
    input_mean_, input_scale_ : ndarray or None
        Statistics of the training data: per channel (``normalize="channel"``),
        or of the per-series means and log deviations (``"series+stats"``).
    input_stride_ : int
        Time stride of the averaging that shortens inputs to ``max_timesteps``
        (1: none).
    net_ : skorch.NeuralNetClassifier
        The fitted net; ``net_.module_`` is the torch module, ``net_.history``
        the per-epoch losses and scores.
"""

ENSEMBLE_ATTRIBUTES = """    n_estimators_ : int
        Networks trained: ``n_estimators`` with ``"auto"`` resolved.
    nets_ : list of skorch.NeuralNetClassifier
        Every trained network; ``net_`` is the first.
"""

SHARED = {
    "n_estimators": """
    n_estimators : int or "auto", default={default}
        Networks trained, each a whole run of the recipe with its own seed
        (drawn from ``random_state``) and validation split; their class
        probabilities are averaged, and fit time grows in proportion (a
        ``max_time`` budget is shared). ``"auto"``: as many as
        ``min(5, max(1, 50_000 // total))``, where ``total`` is the sum of
        the training sequences' lengths after shortening: five on small sets,
        where one network's result hangs on its seed, one from 50,000
        timesteps on (see :class:`~skmusic.nn.base.EnsembleMixin`).""",
    "normalize": """
    normalize : {{"series+stats", "series", "channel"}} or None, default={default}
        Input normalization inside the estimator. ``"series"`` scales each
        sequence and channel by its own mean and standard deviation (padding
        excluded), so recordings of different scale look alike;
        ``"series+stats"`` does the same and gives the network each sequence's
        per-channel mean and log standard deviation (standardized over the
        training data) as extra constant channels, so level and scale still
        count; ``"channel"`` standardizes each channel with statistics of the
        training data; ``None`` feeds raw values. Statistics learned in ``fit``
        are stored with the model.""",
    "max_timesteps": """
    max_timesteps : int or None, default={default}
        Inputs longer than this are averaged over non-overlapping windows of
        one stride, fixed in ``fit`` from the longest training sequence, so
        long sequences train fast; ``None`` keeps every timestep.""",
    "augment": """
    augment : augmenter or list of augmenters, default={default}
        Training-time augmentation from :mod:`skmusic.nn.augment`, e.g.
        ``[RandomTranspose(channels=0), RandomCrop(0.5)]`` for note series
        whose first row is the pitch; applied to training batches only.""",
    "max_epochs": """
    max_epochs : int, default={default}
        Upper bound on passes over the training data (early stopping usually
        ends sooner).""",
    "batch_size": """
    batch_size : int or "auto", default={default}
        Sequences per mini-batch (training and inference). ``"auto"``:
        ``min(32, max(4, n_train // 10))`` for ``n_train`` training sequences
        (small sets get small batches, so that they train for enough steps;
        32 from 320 sequences on).""",
    "lr": """
    lr : float, default={default}
        Peak learning rate (see ``lr_schedule``).""",
    "optimizer": """
    optimizer : {{"adamw", "adam", "sgd", "rmsprop", "adadelta"}} or torch optimizer \
class, default={default}""",
    "weight_decay": """
    weight_decay : float, default={default}
        Weight decay of the optimizer (decoupled for AdamW).""",
    "lr_schedule": """
    lr_schedule : {{"cosine", "onecycle", "constant"}}, default={default}
        Set every training batch: ``"cosine"``, linear warm-up over the first
        5 % of ``max_epochs``, then cosine decay; ``"onecycle"``, 30 % warm-up
        from ``lr / 25``, cosine decay to ``lr / 1e4``; ``"constant"``, ``lr``
        throughout. A ``skorch.callbacks.LRScheduler`` in ``callbacks``
        replaces it.""",
    "validation_fraction": """
    validation_fraction : float in (0, 1) or None, default={default}
        Share of the training data held out ({{split}}) and scored after every
        epoch (``valid_loss`` in ``net_.history``); the weights of the epoch with
        the lowest validation loss are restored at the end. ``None`` trains on
        everything, as does a data set too small to hold out at least two
        sequences per class (then the whole schedule runs, without early stopping).""",
    "patience": """
    patience : int or None, default={default}
        Stop when the validation loss (the training loss without validation)
        has not improved for this many epochs, but not before 30 % of
        ``max_epochs``; ``None`` never stops early.""",
    "max_time": """
    max_time : float or None, default={default}
        Wall-clock budget in seconds, checked after every training batch; the
        best epoch's weights are restored when it ends training.""",
    "grad_clip": """
    grad_clip : float or None, default={default}
        Clip the gradients' global norm to this value; ``None`` does not clip.""",
    "callbacks": """
    callbacks : list of skorch callbacks, default={default}
        Extra callbacks (copied at every fit), run beside the recipe's. One of
        a kind the recipe has replaces the recipe's: a ``LRScheduler`` the
        schedule, an ``EarlyStopping`` (skorch's or
        :class:`skmusic.nn.callbacks.EarlyStopping`) the early stopping, a
        ``GradientNormClipping`` the clipping.""",
    "device": """
    device : str, default={default}
        ``"auto"`` uses CUDA when available, else the CPU; or any torch device.""",
    "verbose": """
    verbose : int, default={default}
        ``1`` prints skorch's epoch table.""",
    "random_state": """
    random_state : int, RandomState instance or None, default={default}
        Seeds torch (weights, shuffling, dropout) and the validation split; a
        fixed value makes two fits give identical predictions.""",
}
