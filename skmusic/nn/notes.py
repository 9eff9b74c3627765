"""NoteNetworkClassifier: a network that reads whole songs of notes, categories embedded."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .base import BaseNeuralClassifier, EnsembleMixin, fill_doc
from .data import batch_to_tensors
from .masking import sequence_mask
from .note_modules import CategoryHistograms, NoteInputEncoder, NoteNetwork
from .preprocessing import CategoryVocabulary, resolve_categorical

__all__ = ["NoteNetworkClassifier", "NOTE_NETWORK_FEATURES"]

#: The rows of :class:`~skmusic.features.NoteSequence` that the note network reads
#: by default (``skmusic compare``, ``benchmarks/bench_peers.py``): the categories
#: -- pitch class, octave, scale degree, interval class (in the merged line and in the
#: note's own part), duration class, duration ratio, beat position, the onset's
#: eighth-note slot in a cycle of 12 quarters (``"metric_position"``: where the
#: bars of 2, 3, 4 and 6 quarters fall, read from the onsets, never from a time
#: signature), which of 1, 1.5, 2, 3 and 4 quarters back hold an onset too
#: (``"onset_recurrence"``: the meter's period whatever the phase), the estimated
#: key's mode (``"mode"``), chord size -- beside the magnitudes pitch, duration,
#: inter-onset interval, rest and interval. Issue 29 chose the three metric and
#: key rows on the music task suite's six symbolic tasks that are not held out
#: (``benchmarks/results/music_tasks.md``): ``"metric_position"`` lifted the meter
#: task from 0.41 to 0.53 at 20 songs a class; ``"onset_recurrence"`` and ``"mode"``
#: together lifted the six tasks' mean by 0.035-0.069 at 10 songs a class and
#: 0.015-0.042 at 20 (three draws of songs, one network each; mode +0.11, meter
#: +0.07). ``NoteSequence(features=NOTE_NETWORK_FEATURES).categorical_rows()`` says
#: which are categories.
NOTE_NETWORK_FEATURES = (
    "pitch",
    "pitch_class",
    "octave",
    "degree",
    "interval_class",
    "part_interval_class",
    "duration_class",
    "duration_ratio",
    "beat_class",
    "metric_position",
    "onset_recurrence",
    "mode",
    "chord_size",
    "duration",
    "ioi",
    "rest",
    "interval",
)


@fill_doc
class NoteNetworkClassifier(EnsembleMixin, BaseNeuralClassifier):
    """A network for note series: categories embedded, the whole song read, masks throughout.

    Each note's categorical attributes (pitch class, scale degree, interval
    class, duration class, beat position, ... -- integer rows of
    :class:`~skmusic.features.NoteSequence`) are looked up in vocabularies
    fitted in ``fit`` (an index for values unseen there) and embedded; the
    other rows are standardized per channel and projected. A stack of dilated
    residual convolutions reads the notes, and masked mean, max and attention
    pooling summarize the whole song, of any length, without slicing. Beside
    it (``summaries=True``) the network sees the whole song's histogram of
    every categorical row and the mean, deviation, minimum and maximum of
    every continuous row, standardized with the training songs' statistics
    (the song-level features that classical models win with, as a side
    input). Padding never reaches a convolution or a pooling, so a song's
    prediction does not depend on the other songs of its batch.
    ``n_estimators`` networks, each with its own seed, average their
    probabilities. By default every network trains on every training song for
    the whole schedule and keeps its last weights (``validation_fraction=None``):
    on a folder of tens of songs a class, a validation split of a few songs
    chose worse epochs than the schedule's end did (issue 29's task suite,
    ``benchmarks/results/music_tasks.md``); set ``validation_fraction`` to hold
    songs out and keep the best epoch instead.

    Parameters
    ----------
    categorical : "auto", array-like of int or bool, or None, default="auto"
        Rows of the input that are categories. ``"auto"``: the rows whose
        values in ``fit`` are all whole numbers from 0 to 127 (so every
        categorical row of ``NoteSequence``, and also MIDI ``"pitch"``);
        indices (e.g. ``NoteSequence(...).categorical_rows()``) or a boolean
        mask over the rows; ``None``: no categories.
    d_model : int, default=64
        Features per note inside the network.
    embedding_dim : int, default=16
        Size of each categorical row's embedding.
    n_blocks : int, default=4
        Dilated residual blocks (dilation 1, 2, 4, ...).
    kernel_size : int, default=3
    dropout : float, default=0.2
        Inside the residual blocks, the probability of zeroing a whole channel
        of a song (spatial dropout); on the song summaries' layer and before the
        head, of a single feature.
    summaries : bool, default=True
        Give the head song-level histograms and moments of the whole song
        (standardized, through a small dropout-regularized layer) beside the
        pooled sequence features.
    normalize : {"channel"} or None, default="channel"
        Normalization of the continuous rows: per channel with statistics of
        the training data (stored in the network), or none. Categorical rows
        are never normalized.
    max_train_notes : int or None, default=128
        Training batches show a random window of at most this many notes of
        every longer song (a new window every epoch): training costs little on
        long songs, and the windows are augmentation. The song summaries and
        prediction always read the whole song. ``None`` trains on whole songs.
    n_estimators : int or "auto", default="auto"
        Networks trained one after another, each with its own seed (drawn
        from ``random_state``) and validation split, if any; their class
        probabilities are averaged. Fit time grows in proportion; a
        ``max_time`` budget is shared among them. ``"auto"``: five networks
        for up to 300 training songs (every folder of up to 40 songs a class
        in the music task suite, and ``skmusic compare``'s), fewer beyond, so
        that networks times songs stays within 1,500 (where every song is
        shorter than 128 notes, batches are shorter and more songs fit) and a
        fit under 2 minutes on two cores (the suite's slowest, 480 songs, took
        78 s): ``min(5, max(1, AUTO_ENSEMBLE_TIMESTEPS // (songs * window)))``
        with ``AUTO_ENSEMBLE_TIMESTEPS = 1500 * 128`` and the window
        ``max_train_notes`` notes (or the longest song, if shorter).
        (One network of this size stops learning after 5-15 epochs on a few
        hundred songs; five of them, each a short schedule, were worth more
        than one long one on tens of songs a class; at 80 and 160 songs a
        class the first two to four of five scored as all five did,
        ``benchmarks/results/note_members.md``.)
    augment : augmenter or list of augmenters, default=None
        Training-time augmentation from :mod:`skmusic.nn.augment`, applied in
        the raw units of the input (the network looks the categories up after
        it), e.g. ``RandomTranspose(channels=pitch_rows,
        pitch_class_channels=pitch_class_rows)``.
    {training}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_channels_in_ : int
    categorical_ : list of int
        Rows read as categories.
    vocabularies_ : list of CategoryVocabulary
        One per categorical row: the values seen in ``fit``.
    input_mean_, input_scale_ : ndarray or None
        Per-channel statistics of the continuous rows (``normalize="channel"``).
    summary_mean_, summary_scale_ : ndarray or None
        Statistics of the song summaries over the training songs
        (``summaries=True``).
    n_estimators_ : int
        Networks trained (``n_estimators``, ``"auto"`` resolved).
    nets_ : list of skorch.NeuralNetClassifier
        The ``n_estimators_`` trained networks.
    net_ : skorch.NeuralNetClassifier
        The first of them (``history_`` is its history).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import NoteNetworkClassifier
    >>> rng = np.random.RandomState(0)
    >>> y = np.arange(40) % 2
    >>> X = [np.stack([rng.randint(0, 6, n) + 6 * c, rng.rand(n)]) for n, c in
    ...      zip(rng.randint(5, 30, 40), y)]
    >>> clf = NoteNetworkClassifier(d_model=8, max_epochs=10, random_state=0).fit(X, y)
    >>> clf.categorical_, float(clf.score(X, y)) > 0.9
    ([0], True)
    """

    _parameter_constraints = {
        **{
            k: v
            for k, v in BaseNeuralClassifier._parameter_constraints.items()
            if k not in ("normalize", "max_timesteps")
        },
        "categorical": [StrOptions({"auto"}), "array-like", None],
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "summaries": ["boolean"],
        "normalize": [StrOptions({"channel"}), None],
        "max_train_notes": [Interval(Integral, 1, None, closed="left"), None],
        **EnsembleMixin._ensemble_constraints,
    }

    def __init__(
        self,
        categorical="auto",
        *,
        d_model=64,
        embedding_dim=16,
        n_blocks=4,
        kernel_size=3,
        dropout=0.2,
        summaries=True,
        normalize="channel",
        max_train_notes=128,
        n_estimators="auto",
        augment=None,
        max_epochs=20,
        batch_size=32,
        lr=0.003,
        optimizer="adamw",
        weight_decay=0.01,
        lr_schedule="cosine",
        validation_fraction=None,
        patience=15,
        max_time=None,
        grad_clip=1.0,
        callbacks=None,
        device="auto",
        verbose=0,
        random_state=None,
    ):
        self.categorical = categorical
        self.d_model = d_model
        self.embedding_dim = embedding_dim
        self.n_blocks = n_blocks
        self.kernel_size = kernel_size
        self.dropout = dropout
        self.summaries = summaries
        self.normalize = normalize
        self.max_train_notes = max_train_notes
        self.n_estimators = n_estimators
        self.augment = augment
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

    #: Networks times note steps an epoch, at most, for ``n_estimators="auto"``:
    #: 1,500 songs' windows of 128 notes.
    AUTO_ENSEMBLE_TIMESTEPS = 1_500 * 128

    def _epoch_timesteps(self, dataset):
        """Note steps one epoch of training costs: every song's window, padded.

        A batch is padded to its longest window (``max_train_notes`` notes, or the
        longest song if shorter), so an epoch costs about songs x that length
        whatever the lengths of the other songs.
        """
        n_songs, width = dataset.X.shape[0], dataset.X.shape[-1]
        if dataset.lengths is not None:
            width = int(dataset.lengths.max())
        if self.max_train_notes is not None:
            width = min(width, self.max_train_notes)
        return int(n_songs * width)

    def _prepare(self, batch, *, fit):
        """Learn the vocabularies and statistics in ``fit``; the batch stays in raw units.

        The network's first layer (:class:`~skmusic.nn.note_modules.NoteInputEncoder`)
        codes and standardizes, so augmenters work in the rows' own units.
        """
        if fit:
            n_channels = batch[0].shape[0]
            self.categorical_ = resolve_categorical(self.categorical, batch, n_channels)
            self.vocabularies_ = [
                CategoryVocabulary().fit(_row_values(batch, c)) for c in self.categorical_
            ]
            continuous = [c for c in range(n_channels) if c not in self.categorical_]
            self.input_mean_ = self.input_scale_ = None
            if self.normalize == "channel" and continuous:
                values = np.concatenate([np.asarray(seq)[continuous] for seq in batch], axis=1)
                mean = values.mean(axis=1, dtype=np.float64)
                scale = values.std(axis=1, dtype=np.float64)
                scale[scale < 1e-8] = 1.0
                self.input_mean_ = mean.astype(np.float32)
                self.input_scale_ = scale.astype(np.float32)
            self.summary_mean_ = self.summary_scale_ = None
            if self.summaries:
                self.summary_mean_, self.summary_scale_ = self._summary_statistics(batch)
        if isinstance(batch, np.ndarray):
            return batch.astype(np.float32, copy=False)
        return [np.asarray(seq, dtype=np.float32) for seq in batch]

    def _summary_statistics(self, batch):
        """Mean and deviation of every song-level summary over the training songs."""
        n_channels = batch[0].shape[0]
        categories = [v.categories_ for v in self.vocabularies_]
        encode = NoteInputEncoder(
            n_channels, self.categorical_, categories, self.input_mean_, self.input_scale_
        )
        summarize = CategoryHistograms(
            n_channels, self.categorical_, [len(c) + 1 for c in categories]
        )
        X, lengths = batch_to_tensors(self._prepare(batch, fit=False))
        mask = sequence_mask(lengths, X.shape[-1])
        with torch.no_grad():
            values = summarize(encode(X), mask).double().numpy()
        scale = values.std(axis=0)
        scale[scale < 1e-6] = 1.0
        return values.mean(axis=0).astype(np.float32), scale.astype(np.float32)

    def make_module(self, n_channels, n_outputs):
        """The torch module these parameters describe (untrained; after ``fit``).

        Parameters
        ----------
        n_channels : int
        n_outputs : int

        Returns
        -------
        module : NoteNetwork
        """
        return NoteNetwork(
            n_channels,
            n_outputs,
            self.categorical_,
            [v.categories_ for v in self.vocabularies_],
            self.input_mean_,
            self.input_scale_,
            d_model=self.d_model,
            embedding_dim=self.embedding_dim,
            n_blocks=self.n_blocks,
            kernel_size=self.kernel_size,
            dropout=self.dropout,
            summaries=self.summaries,
            summary_mean=self.summary_mean_,
            summary_scale=self.summary_scale_,
            max_train_notes=self.max_train_notes,
        )

    _build_module = make_module


def _row_values(batch, row):
    if isinstance(batch, np.ndarray):
        return batch[:, row].ravel()
    return np.concatenate([seq[row] for seq in batch])
