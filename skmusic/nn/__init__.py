"""Networks as scikit-learn classifiers: PyTorch modules trained through skorch.

Estimators
----------
LSTMClassifier
    Stacked (Bi)LSTM read at each sequence's true end (Chen & Wang's NN1; Wang; Bai & Wang).
CRNNClassifier
    Conv1D + (Bi)LSTM stacks (Chen & Wang's NN2, NN3).
ResNet1DClassifier
    1D ResNet with adaptive pooling (Wang).
SpectrogramCNNClassifier
    2D CNN on (frequency, frames) images (Zong; Doyle & Lopez).
RCNNClassifier
    Recurrent convolutional network (Bai & Wang).
NoteNetworkClassifier
    Notes with their categories embedded, whole songs read through masked
    dilated convolutions and pooling, song-level histograms beside.
InceptionTimeClassifier
    InceptionTime (Ismail Fawaz et al., 2020), the strongest deep classifier
    on the UCR/UEA archives.

The torch modules live in :mod:`skmusic.nn.modules` (and the generators' in
:mod:`skmusic.nn.generative`); the shared estimator machinery, the core, in
the modules below.

The network core
----------------
Every network estimator of skmusic (the classifiers of :mod:`skmusic.nn` and the
generators of :mod:`skmusic.generation`) derives from
:class:`skmusic.nn.base.BaseNeuralEstimator`.
The core is split by concern:

=================================  ===============================================
:mod:`skmusic.nn.data`             the one pad (``batch_to_tensors``), the dataset
                                   and iterator skorch trains on, ``inference``
                                   and the one batched-inference loop
                                   (``predict_batches``)
:mod:`skmusic.nn.preprocessing`    input normalization fitted in ``fit`` (the one
                                   per-channel standardization), shortening
:mod:`skmusic.nn.splits`           the early-stopping validation split (skorch's
                                   ``ValidSplit``)
:mod:`skmusic.nn.callbacks`        the schedule (skorch's ``LRScheduler``), early
                                   stopping with ``min_epochs``, the time budget
:mod:`skmusic.nn.base`             the estimator bases, ``EnsembleMixin`` (seed
                                   ensembles), ``PresetMixin`` and ``fill_doc``
                                   (the one doc mechanism)
=================================  ===============================================

How to build a network estimator on this core
---------------------------------------------
1. Subclass :class:`~skmusic.nn.base.BaseNeuralClassifier` (labels, cross-entropy,
   ``predict_proba``; ``fit`` is written) or :class:`~skmusic.nn.base.BaseNeuralEstimator`
   (anything else: write ``fit`` yourself). List every parameter in
   ``__init__`` -- the architecture's knobs, then the training parameters
   (``max_epochs`` ... ``random_state``, and ``normalize``, ``max_timesteps``,
   ``augment`` for classifiers) -- and only store them. The signature is the
   one source of defaults; ``_parameter_constraints`` extends
   ``BaseNeuralEstimator._parameter_constraints``.
2. Implement the hooks:

   * ``_build_module(self, n_channels, n_outputs)``: the untrained
     ``torch.nn.Module`` (validate the architecture's parameters here). Its
     ``forward(X)`` takes ``(batch, n_channels, n_timesteps)``, or
     ``forward(X, lengths)`` when batches are ragged;
   * ``_min_timesteps(self)``: ``(shortest input, reason)`` the module needs,
     default ``(1, None)``; ``BaseNeuralEstimator._validate_X`` refuses
     shorter sequences with skmusic's one message;
   * ``_check_n_channels(self, n_channels)``: raise if the module cannot take
     that many channels (optional);
   * class attributes ``_criterion`` (a torch loss class), ``_net_class``
     (``skorch.NeuralNet`` or ``NeuralNetClassifier``), ``_stratify``
     (whether the validation split is stratified by ``y``).

3. In ``fit`` (decorated with sklearn's ``_fit_context``): validate with
   ``batch = self._validate_X(X, reset=True)`` (this calls
   :func:`skmusic.utils.validation.validate_batch`, which sets
   ``n_channels_in_``), preprocess with :mod:`skmusic.nn.preprocessing`,
   pad with ``self._make_dataset(batch, y)`` (or build a
   :class:`~skmusic.nn.data.SequenceDataset` of your windows), and call
   ``self._fit_net(dataset, n_channels=..., n_outputs=..., y=..., groups=...)``.
   ``_fit_net`` seeds torch from ``random_state``, calls ``_build_module``,
   draws the validation split (stratified by ``y`` or holding out whole
   ``groups``), wraps the module in the skorch net with the recipe's
   callbacks (``BaseNeuralEstimator._recipe_callbacks``) and trains it;
   the fitted net is ``net_``. A classifier that lists
   :class:`~skmusic.nn.base.EnsembleMixin` before ``BaseNeuralClassifier`` in
   its bases (and has an ``n_estimators`` parameter) trains that many nets,
   each with its own seed and split, into ``nets_`` and averages their
   probabilities.
4. Inference goes through ``BaseNeuralEstimator._predict_batches``
   (:func:`skmusic.nn.data.predict_batches` on ``net_.module_``): sorted by
   length, in mini-batches of ``batch_size``, in evaluation mode without
   autograd, order restored. Step-by-step sampling loops wrap the module in
   :func:`skmusic.nn.data.inference` instead.
5. Docstrings: write ``{training}`` where the shared parameters go and
   decorate the class with :func:`skmusic.nn.base.fill_doc`; the text is generated from the
   signature's defaults. ``tests/test_docstrings.py`` checks that every
   parameter and fitted attribute is documented.

The training recipe (one place, the same for every network)
-----------------------------------------------------------
Chosen on many data sets at once (``benchmarks/bench_peers.py``), never per
set: input normalization inside the estimator (classifiers: ``normalize``);
long inputs averaged down to ``max_timesteps``; AdamW with weight decay, a
per-batch learning-rate schedule (warm-up then cosine decay) and gradient
clipping; early stopping on an internal validation split, not before 30 % of
``max_epochs``, best weights restored; an optional wall-clock budget;
for ResNet-1D and InceptionTime, an average of up to five seeds on small
training sets (``n_estimators="auto"``).
"""

from .classifiers import (
    CRNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from .notes import NoteNetworkClassifier

__all__ = [
    "LSTMClassifier",
    "CRNNClassifier",
    "ResNet1DClassifier",
    "SpectrogramCNNClassifier",
    "RCNNClassifier",
    "InceptionTimeClassifier",
    "NoteNetworkClassifier",
]
