"""Whole-song decisions from the votes of fixed-width slices."""

import warnings
from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRequest,
    MetadataRouter,
    MethodMapping,
    get_routing_for_object,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
)

from ..features.sequence import SLICE_ADVICE, slice_sequences
from ..utils.parallel import n_workers, parallel_map
from ..utils.validation import batch_lengths, check_min_length, validate_batch
from ..utils.windows import check_window, n_windows

__all__ = ["VotingSliceClassifier"]

# Most slice values (n_slices * n_channels * width) materialized at once when
# predicting; the actual chunk is also capped at a quarter of the input's size.
_MAX_CHUNK_ELEMENTS = 2**22


def _first_step(estimator):
    """The step that receives a meta-estimator's input (Pipelines, searches)."""
    seen = 0
    while seen < 10:
        seen += 1
        if isinstance(estimator, Pipeline):
            steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
            if not steps:
                return estimator
            estimator = steps[0]
        elif isinstance(getattr(estimator, "estimator", None), BaseEstimator):
            estimator = estimator.estimator
        else:
            break
    return estimator


def _takes_sequences(estimator):
    """Whether ``estimator`` takes a 3D batch of sequences rather than a 2D table.

    Asked of the tags of the step that receives the input
    (``input_tags.three_d_array``, set by
    :class:`skmusic.utils.validation.SequenceTransformerMixin` and skmusic's
    networks).
    """
    try:
        return bool(get_tags(_first_step(estimator)).input_tags.three_d_array)
    except (AttributeError, TypeError, ValueError):
        return False


class VotingSliceClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classify whole songs by letting fixed-width slices of each song vote.

    Every song is cut into slices of ``width`` timesteps starting every ``hop``
    timesteps (:func:`skmusic.features.slice_sequences`, views, no copies);
    a clone of ``estimator`` is fitted on the slices, each slice inheriting its
    song's label; a song's prediction is the vote of its slices. This is the
    scheme of the papers skmusic follows: 800-note segments [1]_, 960-step
    slices with 50% overlap and a max vote per recording [2]_, fifteen 2-second
    pieces with a vote threshold (slice accuracy 60% -> song accuracy 96%) [3]_.

    **No leakage by construction.** The slicing happens *inside* ``fit`` and
    ``predict``: the songs are the samples. Any sklearn splitter
    (``cross_val_score``, ``GridSearchCV``) therefore splits whole songs, and
    no slice of a test song is ever seen in training. Slicing first and then
    splitting the slices at random (as one of the papers did) puts
    neighbouring, often overlapping, slices of the same song on both sides of
    the split, so the classifier is scored partly on songs it memorized and
    the accuracy is inflated (``benchmarks/bench_voting.py`` measures by how
    much).

    Read more in the docs of :class:`sklearn.ensemble.VotingClassifier`, the
    model for this class.

    Parameters
    ----------
    estimator : classifier
        Fitted (as a clone, ``estimator_``) on the slices. Any sklearn
        classifier or Pipeline. How slices are passed to it:

        * as a 3D array ``(n_slices, n_channels, width)`` when its first step
          takes batches of sequences: a skmusic step (a network of
          :mod:`skmusic.nn`, ``SequenceStats``...), or any estimator tagged
          ``input_tags.three_d_array``;
        * otherwise (a plain sklearn classifier) flattened to a 2D table
          ``(n_slices, n_channels * width)``, channel after channel; for
          single-channel songs each row is simply the slice's values.

        The labels it is fitted on are integer codes ``0 .. n_classes - 1``
        (positions in ``classes_``).
    width : int
        Timesteps per slice.
    hop : int, default=None
        Step between slice starts; ``None`` means ``width`` (no overlap, as
        everywhere in skmusic: :mod:`skmusic.utils.windows`), ``width // 2``
        gives 50% overlap.
    voting : {"hard", "soft"}, default="hard"
        ``"hard"``: the class predicted for most slices wins (majority vote);
        ``"soft"``: the class of highest mean slice probability wins (needs an
        ``estimator`` with ``predict_proba``).
    min_votes : int or float, default=None
        Vote threshold, for hard voting. An int: how many of a song's slices
        must vote for the winning class; a float in (0, 1]: which fraction of
        them (``0.5``: half, the rule of Bai and Wang [3]_). A song whose winner has
        fewer votes falls back to the soft vote (the class of highest mean
        slice probability), so an ``estimator`` with ``predict_proba`` is
        required. ``None``: no threshold. With ``voting="soft"`` it has no
        effect, every song being decided by the soft vote already.
    pad : {"constant", "edge", "wrap", "reflect"}, default=None
        A song shorter than one slice, and a song's tail that no full slice
        reaches, is padded to a full slice with :func:`numpy.pad` in this mode
        (``"constant"``: zeros). ``None``: a song shorter than ``width``
        raises a ``ValueError`` and tails are left out; no song is ever
        silently dropped.
    n_jobs : int, default=None
        Number of threads that predict chunks of songs in parallel
        (``None``: 1, ``-1``: all cores). Each thread holds one chunk's slices.
        Parallel *fitting* is the inner estimator's own ``n_jobs``.

    Attributes
    ----------
    estimator_ : classifier
        The clone of ``estimator`` fitted on the training slices.
    classes_ : ndarray of shape (n_classes,)
        The song labels.
    n_channels_in_ : int
        Channels of each song seen in ``fit``.
    n_features_in_ : int
        Timesteps per song, only when ``fit`` got a 2D array (one
        single-channel song per row).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, only when ``fit`` got a DataFrame with string columns.
    n_slices_fit_ : int
        Number of slices the inner estimator was fitted on.

    See Also
    --------
    skmusic.features.slice_sequences : the slicing used here.
    sklearn.ensemble.VotingClassifier : voting over different estimators.

    Notes
    -----
    **Ties.** Under hard voting, when several classes have the most votes,
    the tie goes to the one of highest mean slice probability if
    ``estimator`` has ``predict_proba``, otherwise to the first of them in
    ``classes_``. Under soft voting, equal mean probabilities go to the first
    class in ``classes_``.

    **predict_proba.** Under soft voting: the mean of the slices'
    probabilities (available when ``estimator`` has ``predict_proba``).
    Under hard voting: each class's fraction of the song's slice votes
    (always available). Its arg-max agrees with ``predict`` except on tied
    votes and on songs below ``min_votes``, which are decided as above.

    **Song groups for the inner estimator.** An inner estimator that holds
    out part of its training data (a network's early-stopping validation
    split) must hold out whole songs, or overlapping slices of one song
    land on both sides of its split. Its ``fit`` therefore gets ``groups``,
    the song each slice came from:

    * by default (sklearn's metadata routing off), when ``estimator`` itself
      takes ``groups`` in ``fit`` -- a bare network of :mod:`skmusic.nn`.
      A Pipeline or a search cannot receive unprefixed fit parameters without
      routing, so an ``estimator`` that *holds* such a step gets no groups
      and ``fit`` warns;
    * with ``sklearn.set_config(enable_metadata_routing=True)``, through
      sklearn's metadata routing (:meth:`get_metadata_routing`): any step
      inside a Pipeline, search or other meta-estimator that requests it,
      ``step.set_fit_request(groups=True)``. A bare ``estimator`` that takes
      ``groups`` and has not been told otherwise (its request left unset)
      still gets them, as without routing; ``set_fit_request(groups=False)``
      turns them off. Other metadata passed to ``fit`` (``sample_weight``,
      or song-level ``groups`` of your own, e.g. artists, routed from an
      outer search) is given per song and repeated for each of its slices.

    **Memory.** Prediction slices and predicts songs in chunks of at most
    about ``2**22`` slice values (and at most a quarter of the input's
    size), so many songs never have all their slices materialized at once.
    ``fit`` needs all training slices as one array.

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT course project report (undated;
       cites work up to 2019).
    .. [2] Q. Wang, "Music Genre Classification using LSTM and CNN", Research
       School of Computer Science, Australian National University, report
       (undated; cites work up to 2020).
    .. [3] K. Bai and H. Wang, "Music Classification with Neural Network",
       Department of Physics, Tsinghua University, report (undated; cites work
       up to 2015).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmusic.ensemble import VotingSliceClassifier
    >>> rng = np.random.default_rng(0)
    >>> songs = [rng.normal(loc=k, size=(1, 40 + 5 * i)) for i, k in enumerate([0, 2] * 6)]
    >>> labels = ["calm", "loud"] * 6
    >>> clf = VotingSliceClassifier(LogisticRegression(), width=10, hop=5)
    >>> clf.fit(songs, labels).predict(songs[:2])
    array(['calm', 'loud'], dtype='<U4')
    >>> clf.score(songs, labels), clf.score_slices(songs, labels)
    (1.0, 1.0)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "width": [Interval(Integral, 1, None, closed="left")],
        "hop": [Interval(Integral, 1, None, closed="left"), None],
        "voting": [StrOptions({"hard", "soft"})],
        "min_votes": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
            None,
        ],
        "pad": [StrOptions({"constant", "edge", "wrap", "reflect"}), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self, estimator, *, width, hop=None, voting="hard", min_votes=None, pad=None, n_jobs=None
    ):
        self.estimator = estimator
        self.width = width
        self.hop = hop
        self.voting = voting
        self.min_votes = min_votes
        self.pad = pad
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=False)  # estimator is validated by its own fit
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit a clone of ``estimator`` on the slices of the songs ``X``.

        Parameters
        ----------
        X : array-like of shape (n_songs, n_channels, n_timesteps), \
                (n_songs, n_timesteps), or list of array-like
            The songs. A 2D array is one single-channel song per row; a list
            may hold songs of different lengths (2D arrays
            ``(n_channels, n_timesteps_i)``).
        y : array-like of shape (n_songs,)
            One label per song; every slice inherits its song's label.
        sample_weight : array-like of shape (n_songs,), default=None
            Song weights, inherited by the slices; ``estimator.fit`` must
            accept ``sample_weight`` (with metadata routing on: request it).
        **fit_params : dict
            Only with ``sklearn.set_config(enable_metadata_routing=True)``:
            more song-level metadata (one value per song) routed to the steps
            of ``estimator`` that request it, each song's value repeated for
            its slices. ``groups`` (the song of each slice) is routed by
            default; see Notes.

        Returns
        -------
        self : VotingSliceClassifier
            The fitted classifier.
        """
        batch, layout = validate_batch(self, X, reset=True, return_layout=True)
        if y is None:
            raise ValueError(
                "VotingSliceClassifier requires y to be passed, but the target y is None."
            )
        check_consistent_length(batch, y)
        check_classification_targets(y)
        if isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[1] > 1:
            raise NotImplementedError(
                "Multilabel and multi-output classification is not supported: pass one "
                "label per song."
            )
        y = column_or_1d(y, warn=True)
        self.classes_, y_codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y has 1 class ({self.classes_[0]!r}); a classifier needs songs of at "
                "least 2 classes."
            )
        has_proba = hasattr(self.estimator, "predict_proba")
        if self.voting == "soft" and not has_proba:
            raise ValueError(
                f"voting='soft' averages slice probabilities, but "
                f"{type(self.estimator).__name__} has no predict_proba. Use voting='hard', "
                "or an estimator with predict_proba (e.g. SVC(probability=True))."
            )
        if self.min_votes is not None and self.voting == "hard" and not has_proba:
            raise ValueError(
                f"min_votes falls back to the soft vote for songs below the threshold, "
                f"but {type(self.estimator).__name__} has no predict_proba. Use "
                "min_votes=None or an estimator with predict_proba."
            )
        routing = get_config()["enable_metadata_routing"]
        if fit_params and not routing:
            raise ValueError(
                f"fit got {sorted(fit_params)}, which VotingSliceClassifier passes to its "
                "estimator only through metadata routing: call "
                "sklearn.set_config(enable_metadata_routing=True) and request them on the "
                "step that takes them (step.set_fit_request(name=True))."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, batch)
            if not routing and not has_fit_parameter(self.estimator, "sample_weight"):
                raise ValueError(
                    f"sample_weight was given but {type(self.estimator).__name__}.fit does "
                    "not accept sample_weight."
                )
        self._check_long_enough(batch, layout)

        slices, index = slice_sequences(
            batch, self.width, self._hop(), pad=self.pad, validate=False
        )
        X_slices = self._inner_input(slices)
        del slices
        if sample_weight is not None:
            fit_params["sample_weight"] = sample_weight
        inner_params = self._inner_fit_params(fit_params, index, len(batch), routing)
        self.estimator_ = clone(self.estimator).fit(X_slices, y_codes[index], **inner_params)
        self.n_slices_fit_ = len(index)
        return self

    # ------------------------------------------------------------ metadata
    def get_metadata_routing(self):
        """How ``fit`` routes metadata (``groups``, ``sample_weight``...) to ``estimator``.

        Used only with ``sklearn.set_config(enable_metadata_routing=True)``;
        see the class's Notes on song groups.

        Returns
        -------
        routing : MetadataRouter
            ``fit`` routes to ``estimator.fit``.
        """
        return MetadataRouter(owner=self.__class__.__name__).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def _groups_by_default(self):
        """Whether ``estimator`` gets the song groups without asking: its own
        ``fit`` takes ``groups`` and (under routing) its request is unset."""
        if not has_fit_parameter(self.estimator, "groups"):
            return False
        request = get_routing_for_object(self.estimator)
        if not isinstance(request, MetadataRequest):  # a router: it must ask
            return False
        return request.fit.requests.get("groups") is None

    def _inner_fit_params(self, song_params, index, n_songs, routing):
        """Song-level metadata for ``estimator.fit``, repeated for each slice.

        ``groups`` defaults to the song index of each slice, so an inner
        estimator that holds out data (a network's early stopping) holds out
        whole songs: overlapping slices of one song never straddle its split.
        """
        params = {}
        for name, value in song_params.items():
            value = np.asarray(value)
            if value.ndim == 0 or len(value) != n_songs:
                raise ValueError(
                    f"fit parameter {name!r} must hold one value per song ({n_songs}); got "
                    f"{'a scalar' if value.ndim == 0 else len(value)}."
                )
            params[name] = value[index]
        if not routing:
            if self._groups_by_default():
                params["groups"] = index
            else:
                self._warn_groups_not_routed()
            return params
        by_default = "groups" not in params and self._groups_by_default()
        if "groups" not in params and self.get_metadata_routing().consumes("fit", {"groups"}):
            params["groups"] = index
        routed = dict(process_routing(self, "fit", **params).estimator.fit)
        if by_default:  # a bare network: unset request, passed outside routing as without it
            routed["groups"] = index
        return routed

    def _warn_groups_not_routed(self):
        inner = [
            type(value).__name__
            for value in self.estimator.get_params(deep=True).values()
            if hasattr(value, "fit") and has_fit_parameter(value, "groups")
        ]
        if inner:
            warnings.warn(
                f"{inner[0]} inside {type(self.estimator).__name__} takes groups, but "
                "VotingSliceClassifier can pass the song groups to a nested step only "
                "through metadata routing, so it holds out slices rather than whole songs. "
                "Call sklearn.set_config(enable_metadata_routing=True) and "
                f"set_fit_request(groups=True) on the {inner[0]}.",
                UserWarning,
                stacklevel=4,
            )

    # ------------------------------------------------------------- helpers
    def _hop(self):
        return check_window(self.width, self.hop)[1]  # hop=None: width, no overlap

    def _check_long_enough(self, batch, layout):
        if self.pad is None:
            check_min_length(
                batch,
                self.width,
                reason=f"width={self.width}, one slice",
                tabular=layout == "2d",
                advice=SLICE_ADVICE,
            )

    def _inner_input(self, slices):
        """Slices as the inner estimator takes them: 3D, or flattened to 2D."""
        stacked = np.stack(slices)
        if _takes_sequences(self.estimator):
            return stacked
        return stacked.reshape(len(stacked), -1)

    def _validate_songs(self, X):
        check_is_fitted(self)
        batch, layout = validate_batch(self, X, reset=False, return_layout=True)
        self._check_long_enough(batch, layout)
        return batch

    def _chunks(self, batch):
        """Consecutive song ranges whose slices stay within the memory budget."""
        lengths = batch_lengths(batch)
        n_channels = batch[0].shape[0]
        slices = n_windows(lengths, self.width, self._hop(), tail="pad")  # at most this many
        per_song = slices * n_channels * self.width
        budget = min(_MAX_CHUNK_ELEMENTS, int(lengths.sum()) * n_channels // 4)
        budget //= 2 * n_workers(self.n_jobs, len(lengths))  # parallel chunks in flight
        chunks, start, used = [], 0, 0
        for i, cost in enumerate(per_song):
            if i > start and used + cost > budget:
                chunks.append((start, i))
                start, used = i, 0
            used += cost
        chunks.append((start, len(per_song)))
        return chunks

    def _map_chunks(self, batch, func):
        chunks = self._chunks(batch)
        return parallel_map(
            lambda bounds: func(batch[bounds[0] : bounds[1]]),
            chunks,
            self.n_jobs,
            chunked=False,
            limit_inner_threads=False,
        )

    def _slice_chunk(self, songs):
        slices, index = slice_sequences(
            songs, self.width, self._hop(), pad=self.pad, validate=False
        )
        return self._inner_input(slices), index

    def _mean_proba(self, X_slices, index, n_songs):
        proba = self.estimator_.predict_proba(X_slices)
        sums = np.zeros((n_songs, len(self.classes_)))
        np.add.at(sums, index, proba)
        return sums / np.bincount(index, minlength=n_songs)[:, None]

    def _vote_chunk(self, songs):
        """Song-level probabilities (soft), or decisions and vote fractions (hard)."""
        n_songs = len(songs)
        X_slices, index = self._slice_chunk(songs)
        if self.voting == "soft":
            proba = self._mean_proba(X_slices, index, n_songs)
            return proba.argmax(axis=1), proba
        codes = np.asarray(self.estimator_.predict(X_slices), dtype=int)
        n_classes = len(self.classes_)
        counts = np.zeros((n_songs, n_classes))
        np.add.at(counts, (index, codes), 1)
        n_slices = counts.sum(axis=1)
        top = counts.max(axis=1)
        winner = counts.argmax(axis=1)
        if hasattr(self.estimator_, "predict_proba"):
            undecided = (counts == top[:, None]).sum(axis=1) > 1  # ties
            if self.min_votes is not None:
                if isinstance(self.min_votes, Integral):
                    needed = np.full(n_songs, float(self.min_votes))
                else:
                    needed = self.min_votes * n_slices - 1e-9
                undecided |= top < needed
            if undecided.any():
                songs_idx = np.flatnonzero(undecided)
                keep = np.isin(index, songs_idx)
                sub_index = np.searchsorted(songs_idx, index[keep])
                proba = self._mean_proba(X_slices[keep], sub_index, len(songs_idx))
                if self.min_votes is None:  # ties only: best mean probability among tied
                    tied = counts[songs_idx] == top[songs_idx, None]
                    proba = np.where(tied, proba, -np.inf)
                winner[songs_idx] = proba.argmax(axis=1)
        return winner, counts / n_slices[:, None]

    def _votes(self, X):
        batch = self._validate_songs(X)
        results = self._map_chunks(batch, self._vote_chunk)
        winners = np.concatenate([w for w, _ in results])
        proba = np.concatenate([p for _, p in results])
        return winners, proba

    # ---------------------------------------------------------- predicting
    def predict(self, X):
        """Predict one label per song from its slices' votes.

        Parameters
        ----------
        X : array-like of shape (n_songs, n_channels, n_timesteps), \
                (n_songs, n_timesteps), or list of array-like
            The songs.

        Returns
        -------
        y : ndarray of shape (n_songs,)
            The winning class of each song (see Notes for ties and
            ``min_votes``).
        """
        winners, _ = self._votes(X)
        return self.classes_[winners]

    def _check_proba(self):
        if self.voting == "soft":
            est = getattr(self, "estimator_", self.estimator)
            return hasattr(est, "predict_proba")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities per song.

        Soft voting: the mean of the slices' probabilities. Hard voting: each
        class's fraction of the song's slice votes.

        Parameters
        ----------
        X : array-like of shape (n_songs, n_channels, n_timesteps), \
                (n_songs, n_timesteps), or list of array-like
            The songs.

        Returns
        -------
        proba : ndarray of shape (n_songs, n_classes)
            Columns in the order of ``classes_``; rows sum to 1.
        """
        _, proba = self._votes(X)
        return proba

    def predict_slices(self, X, *, return_index=False):
        """Predict the label of every slice of every song.

        Parameters
        ----------
        X : array-like of shape (n_songs, n_channels, n_timesteps), \
                (n_songs, n_timesteps), or list of array-like
            The songs.
        return_index : bool, default=False
            Also return which song each slice came from.

        Returns
        -------
        y_slices : ndarray of shape (n_slices,)
            Slice labels, song after song, slices in time order.
        index : ndarray of shape (n_slices,), dtype int
            Position in ``X`` of each slice's song; only with
            ``return_index=True``.
        """
        batch = self._validate_songs(X)
        codes, index = self._slice_codes(batch)
        if return_index:
            return self.classes_[codes], index
        return self.classes_[codes]

    def _slice_codes(self, batch):
        def chunk(songs):
            X_slices, index = self._slice_chunk(songs)
            return np.asarray(self.estimator_.predict(X_slices), dtype=int), index

        chunks = self._chunks(batch)
        results = self._map_chunks(batch, chunk)
        codes = np.concatenate([c for c, _ in results])
        index = np.concatenate([i + a for (_, i), (a, _) in zip(results, chunks, strict=True)])
        return codes, index

    def score_slices(self, X, y, sample_weight=None):
        """Accuracy over slices, each slice labelled with its song's label.

        The slice-level figure beside :meth:`score`'s song-level one
        (Bai and Wang's "clip's accuracy" next to their "whole accuracy"; see the
        class's References).

        Parameters
        ----------
        X : array-like of shape (n_songs, n_channels, n_timesteps), \
                (n_songs, n_timesteps), or list of array-like
            The songs.
        y : array-like of shape (n_songs,)
            True song labels.
        sample_weight : array-like of shape (n_songs,), default=None
            Song weights, inherited by their slices.

        Returns
        -------
        score : float
            Fraction of slices predicted correctly.
        """
        batch = self._validate_songs(X)
        y = column_or_1d(y)
        check_consistent_length(batch, y)
        codes, index = self._slice_codes(batch)
        weights = None
        if sample_weight is not None:
            weights = _check_sample_weight(sample_weight, batch)[index]
        return float(accuracy_score(y[index], self.classes_[codes], sample_weight=weights))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        try:
            tags.non_deterministic = get_tags(self.estimator).non_deterministic
        except (AttributeError, TypeError, ValueError):
            pass
        return tags
