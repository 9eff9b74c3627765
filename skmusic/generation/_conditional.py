"""One generator per class (Doyle and Lopez train one network per genre)."""

from typing import ClassVar

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import issparse
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

__all__ = ["ClassConditionalGenerator"]


def _take(X, idx):
    if isinstance(X, (list, tuple)):
        return [X[i] for i in idx]
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    return np.asarray(X)[idx] if not isinstance(X, np.ndarray) else X[idx]


def _fit_one(generator, X):
    return generator.fit(X)


class ClassConditionalGenerator(MetaEstimatorMixin, BaseEstimator):
    """A clone of a generator fitted on each class's sequences.

    Doyle and Lopez [1]_ train one waveform network per genre and sample each
    genre from its own network; this does that for any skmusic generator
    (:class:`NoteLSTMGenerator`, :class:`WaveformGenerator`, ...). With every
    class modelled, it is also a generative classifier: :meth:`predict` picks
    the class whose generator gives a sequence the highest ``score_samples``.

    Parameters
    ----------
    generator : estimator
        Has ``fit(X)`` and ``sample``; cloned once per class. A token model
        (one with an ``n_tokens`` parameter) left at ``n_tokens=None`` gets the
        vocabulary size of all of ``X``, so every class model knows every token.
    n_jobs : int, default=None
        Classes fitted in parallel through joblib (``None`` is 1).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    generators_ : dict of {label: fitted generator}
    n_channels_in_ : int
        Channels of the training sequences (the first class generator's).
    n_features_in_ : int
        Timesteps of tabular (2D) training input; only set for such input.

    See Also
    --------
    skmusic.metrics.generated_confusion_matrix : how a classifier of real
        pieces labels what each class's generator made.

    References
    ----------
    .. [1] L. Doyle and R. A. Lopez, "Genre Classification and Generation of
       Music Samples via Neural Networks", course project report (undated).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.generation import ClassConditionalGenerator, NGramTokenGenerator
    >>> X = [np.tile([1, 2], 6)] * 3 + [np.tile([3, 4, 5], 4)] * 3
    >>> y = ["duple"] * 3 + ["triple"] * 3
    >>> model = ClassConditionalGenerator(NGramTokenGenerator(alpha=0.01)).fit(X, y)
    >>> model.sample("triple", 6, prompt=[3], random_state=0)[0, 0].tolist()
    [4, 5, 3, 4, 5, 3]
    >>> model.predict([np.tile([2, 1], 4)]).tolist()
    ['duple']
    """

    _parameter_constraints: ClassVar[dict] = {
        "generator": [HasMethods(["fit", "sample"])],
        "n_jobs": [int, None],
    }

    def __init__(self, generator, *, n_jobs=None):
        self.generator = generator
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit one clone of ``generator`` on the sequences of each class.

        Parameters
        ----------
        X : batch of sequences (array or list), as the generator takes it
        y : array-like of shape (n_sequences,)
            Class of every sequence (strings or integers).

        Returns
        -------
        self : object
        """
        if issparse(X):
            raise TypeError(
                "ClassConditionalGenerator does not accept sparse input: pass dense "
                "sequences, e.g. X.toarray()."
            )
        if y is None:
            raise ValueError(
                "ClassConditionalGenerator requires y to be passed, but the target y is None."
            )
        y = column_or_1d(y, warn=True)
        if len(y) != len(X):
            raise ValueError(
                f"X has {len(X)} sequences but y has {len(y)} labels; give one label per sequence."
            )
        if len(y) == 0:
            raise ValueError("X is empty: give at least one sequence per class.")
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        codes = encoder.transform(y)
        template = clone(self.generator)
        params = template.get_params(deep=False)
        if "n_tokens" in params and params["n_tokens"] is None:
            # token models: one vocabulary for all classes, so that every class
            # model can score every sequence
            from ._note_lstm import _validate_tokens

            seqs = _validate_tokens(clone(self.generator), X, reset=True)
            template.set_params(n_tokens=int(max(ids.max() for ids in seqs)) + 1)
        fitted = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one)(clone(template), _take(X, np.flatnonzero(codes == k)))
            for k in range(len(self.classes_))
        )
        self.generators_ = dict(zip(self.classes_.tolist(), fitted))
        first = fitted[0]
        for attr in ("n_features_in_", "n_channels_in_"):
            if hasattr(first, attr):
                setattr(self, attr, getattr(first, attr))
        return self

    def _generator(self, label):
        check_is_fitted(self)
        key = label.item() if isinstance(label, np.generic) else label
        if key not in self.generators_:
            raise ValueError(f"Unknown class {label!r}; this model knows {self.classes_.tolist()}.")
        return self.generators_[key]

    def sample(self, label, *args, **kwargs):
        """Sample from the generator of one class.

        Parameters
        ----------
        label : str or int
            One of ``classes_``.
        *args, **kwargs
            Passed to that generator's ``sample``.

        Returns
        -------
        samples
            What the generator's ``sample`` returns.
        """
        return self._generator(label).sample(*args, **kwargs)

    def score_samples(self, X):
        """Every class generator's ``score_samples`` of every sequence.

        Parameters
        ----------
        X : batch of sequences

        Returns
        -------
        scores : ndarray of shape (n_sequences, n_classes)
            Columns follow ``classes_``.
        """
        check_is_fitted(self)
        return np.column_stack(
            [self.generators_[c].score_samples(X) for c in self.classes_.tolist()]
        )

    def predict(self, X):
        """The class whose generator scores each sequence highest.

        Parameters
        ----------
        X : batch of sequences

        Returns
        -------
        y : ndarray of shape (n_sequences,)
        """
        scores = self.score_samples(X)
        return self.classes_[np.argmax(scores, axis=1)]

    def score(self, X, y):
        """Mean over sequences of their own class generator's ``score_samples``.

        Parameters
        ----------
        X : batch of sequences
        y : array-like of shape (n_sequences,)

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        y = column_or_1d(y)
        scores = self.score_samples(X)
        cols = np.searchsorted(self.classes_, y)
        if (cols >= len(self.classes_)).any() or (self.classes_[cols] != y).any():
            unknown = sorted(set(y.tolist()) - set(self.classes_.tolist()))
            raise ValueError(f"y holds classes {unknown} unknown to this model.")
        return float(scores[np.arange(len(y)), cols].mean())

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.generator)
        tags.input_tags = inner.input_tags
        tags.target_tags.required = True
        return tags
