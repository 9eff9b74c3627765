"""A multiple-viewpoint model of melodies (Conklin and Witten 1995; Pearce 2005's IDyOM)."""

from numbers import Integral, Real
from typing import ClassVar

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ..features.symbolic._base import check_scores
from ..features.symbolic._viewpoints import (
    N_DURATIONS,
    N_PITCHES,
    ONE_TO_ONE,
    VIEWPOINTS,
    Melody,
    check_viewpoint,
    class_durations,
    linked,
    melody_line,
)
from ..io.notes import make_notes
from ..utils.validation import check_positive_int
from ._base import check_temperature
from ._ppm import ESCAPE_METHODS, VariableOrderModel, short_term_proba

__all__ = ["ViewpointGenerator"]

TARGETS = ("pitch", "duration")
_ALPHABET = {"pitch": N_PITCHES, "duration": N_DURATIONS}

#: The default viewpoints (see ViewpointGenerator's docstring).
DEFAULT_VIEWPOINTS = (
    "pitch",
    "interval",
    "degree",
    ("degree", "interval"),
    ("interval", "duration"),
    ("pitch", "duration"),
    ("degree", "interval_from_first"),
    "duration",
    "duration_ratio",
    ("duration", "beat"),
)

# pieces are predicted in batches of about this many notes
_BATCH_NOTES = 2048


def _entropy_weights(dists, defined, bias):
    """IDyOM's weights: relative entropy to the power ``-bias`` (0 where undefined)."""
    A = dists.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.sum(np.where(dists > 0, dists * np.log(dists), 0.0), axis=-1)
    rel = np.maximum(h / np.log(A), 1e-6)
    return np.where(defined, rel ** (-float(bias)), 0.0)


def _combine(dists, defined, bias, combination, fallback):
    """Entropy-weighted geometric or arithmetic mean of distributions ``(M, n, A)``."""
    w = _entropy_weights(dists, defined, bias)
    total = w.sum(axis=0)
    none = total <= 0
    total = np.where(none, 1.0, total)
    if combination == "geometric":
        with np.errstate(divide="ignore"):
            logs = np.log(np.maximum(dists, 1e-300))
        mix = np.einsum("mn,mna->na", w, logs) / total[:, None]
        mix -= logsumexp(mix, axis=1, keepdims=True)
        out = np.exp(mix)
    else:
        out = np.einsum("mn,mna->na", w, dists) / total[:, None]
        out /= out.sum(axis=1, keepdims=True)
    if none.any():
        out[none] = fallback
    return out


class ViewpointGenerator(DensityMixin, BaseEstimator):
    """Multiple-viewpoint model of melodies: IDyOM's variable-order models, with an sklearn face.

    The model of melodic expectation of music cognition (Conklin and Witten
    [1]_; Pearce's IDyOM [2]_). Every note of a melody line is seen through
    several *viewpoints* -- its pitch, the interval from the previous note, its
    scale degree, its duration, the ratio of its duration to the previous
    one, linked pairs of these -- and each viewpoint's symbol sequence gets a
    variable-order PPM model (:class:`NGramTokenGenerator`'s
    ``smoothing="ppm"``). To predict the next note, each viewpoint's
    distribution over its own symbols is mapped back to the notes that would
    produce each symbol (a symbol shared by several pitches, such as a scale
    degree, is shared among them in proportion to the pitches' frequency in
    the training melodies, ``spread="prior"``, or equally, ``"uniform"``), and
    the viewpoints are combined by an entropy-weighted geometric mean: the
    more certain a viewpoint, the more it counts. A long-term model (trained
    on the corpus) and a short-term model (trained, note by note, on the piece
    so far) are combined the same way.

    The duration of a note is predicted first (from viewpoints of durations
    and onsets), then its pitch given its duration (viewpoints linked with
    the duration read the actual one); a note's log-likelihood is the sum.
    Onsets are taken as given (a sampled melody is legato).

    As a classifier: ``ClassConditionalGenerator(ViewpointGenerator())``
    fits one model per class and predicts the class that gives a melody the
    highest likelihood (the ``"ngram_events"`` candidate of
    :func:`skmusic.model_selection.compare_models`).

    Parameters
    ----------
    viewpoints : tuple, default=DEFAULT_VIEWPOINTS
        Each a primitive viewpoint of :data:`skmusic.features.symbolic.VIEWPOINTS`
        or a tuple of them (a linked viewpoint). A viewpoint with a pitch
        primitive predicts pitch (its duration or onset primitives read the
        note's actual ones); one with a duration primitive and no pitch one
        predicts duration. The default: ``"pitch"``, ``"interval"``,
        ``"degree"``, ``("degree", "interval")``, ``("interval",
        "duration")``, ``("pitch", "duration")``, ``("degree",
        "interval_from_first")`` for pitch; ``"duration"``,
        ``"duration_ratio"``, ``("duration", "beat")`` for duration.
    targets : tuple of {"pitch", "duration"}, default=("pitch", "duration")
        What is predicted (and scored). Viewpoints of other targets are left out.
    order : int or None, default=None
        Contexts of up to ``order - 1`` symbols; ``None``: unbounded (PPM*).
    escape : {"A", "B", "C", "D", "X"}, default="C"
        Escape method of the long-term models (IDyOM: C).
    update_exclusion : bool, default=False
        Update exclusion in the long-term models (IDyOM: no).
    short_term : bool, default=True
        Add a short-term model of the piece so far.
    short_term_escape : {"A", "B", "C", "D", "X"}, default="X"
        Escape method of the short-term models (IDyOM: X).
    short_term_update_exclusion : bool, default=True
        Update exclusion in the short-term models (IDyOM: yes).
    combination : {"geometric", "arithmetic"}, default="geometric"
        Weighted geometric (Pearce) or arithmetic (Conklin) mean, both stages.
    bias : float, default=2.0
        Exponent of the entropy weights when combining viewpoints (``w =
        relative entropy ** -bias``; 0 is the plain mean).
    short_term_bias : float, default=7.0
        The same, when combining the long- and short-term models.
    spread : {"prior", "uniform"}, default="prior"
        How a symbol's probability is shared among the pitches (or
        durations) that map to it.
    tonic : {"key", "final"}, default="key"
        Reference of ``"degree"``: the estimated key of each piece
        (Krumhansl-Schmuckler) or its last note.
    chords : {"top", "bottom"}, default="top"
        The melody line: the highest (or lowest) note of notes starting together.
    part : int or None, default=None
        Model one part (``None``: all parts merged).
    random_state : int, RandomState instance or None, default=None
        Seeds :meth:`sample` when it gets none.

    Attributes
    ----------
    viewpoints_ : list of (tuple of str, str)
        Each viewpoint used and the target it predicts.
    models_ : list of object
        The long-term model (count tables) of each viewpoint.
    vocabularies_ : list of ndarray
        The symbols each viewpoint took in training (sorted); others share
        one "unseen" symbol.
    priors_ : dict of {str: ndarray}
        Frequency of every pitch (128) and duration class (121) in training,
        smoothed.
    tonics_ : ndarray of shape (12,)
        Frequency of each tonic in training (drawn by :meth:`sample`).

    See Also
    --------
    NGramTokenGenerator : one variable-order model of one token sequence.
    skmusic.features.viewpoint_sequence : the symbols of one viewpoint.

    References
    ----------
    .. [1] D. Conklin and I. H. Witten, "Multiple viewpoint systems for music
       prediction", Journal of New Music Research 24(1), 1995.
    .. [2] M. T. Pearce, "The construction and evaluation of statistical models
       of melodic structure in music perception and composition", PhD thesis,
       City University London, 2005.

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.generation import ViewpointGenerator
    >>> tune = make_notes([60, 62, 64, 65, 67, 65, 64, 62] * 3, range(24), [1] * 24)
    >>> model = ViewpointGenerator().fit([tune, tune])
    >>> bool(model.score([tune]) > -2.0)  # nats per note, pitch and duration
    True
    >>> melody = model.sample(8, random_state=0)[0]  # a note-event array
    >>> melody["pitch"].tolist(), melody["onset"].tolist()[:3]
    ([64, 62, 60, 62, 64, 65, 67, 65], [0.0, 1.0, 2.0])
    """

    _parameter_constraints: ClassVar[dict] = {
        "viewpoints": [tuple, list],
        "targets": [tuple, list, StrOptions(set(TARGETS))],
        "order": [Interval(Integral, 1, None, closed="left"), None],
        "escape": [StrOptions(set(ESCAPE_METHODS))],
        "update_exclusion": ["boolean"],
        "short_term": ["boolean"],
        "short_term_escape": [StrOptions(set(ESCAPE_METHODS))],
        "short_term_update_exclusion": ["boolean"],
        "combination": [StrOptions({"geometric", "arithmetic"})],
        "bias": [Interval(Real, 0, None, closed="left")],
        "short_term_bias": [Interval(Real, 0, None, closed="left")],
        "spread": [StrOptions({"prior", "uniform"})],
        "tonic": [StrOptions({"key", "final"})],
        "chords": [StrOptions({"top", "bottom"})],
        "part": [Interval(Integral, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        viewpoints=DEFAULT_VIEWPOINTS,
        *,
        targets=TARGETS,
        order=None,
        escape="C",
        update_exclusion=False,
        short_term=True,
        short_term_escape="X",
        short_term_update_exclusion=True,
        combination="geometric",
        bias=2.0,
        short_term_bias=7.0,
        spread="prior",
        tonic="key",
        chords="top",
        part=None,
        random_state=None,
    ):
        self.viewpoints = viewpoints
        self.targets = targets
        self.order = order
        self.escape = escape
        self.update_exclusion = update_exclusion
        self.short_term = short_term
        self.short_term_escape = short_term_escape
        self.short_term_update_exclusion = short_term_update_exclusion
        self.combination = combination
        self.bias = bias
        self.short_term_bias = short_term_bias
        self.spread = spread
        self.tonic = tonic
        self.chords = chords
        self.part = part
        self.random_state = random_state

    # ---------------------------------------------------------------- checks
    def _targets(self):
        targets = (self.targets,) if isinstance(self.targets, str) else tuple(self.targets)
        bad = [t for t in targets if t not in TARGETS]
        if not targets or bad or len(set(targets)) != len(targets):
            raise ValueError(
                f"targets must be a non-empty tuple of distinct values of {TARGETS}; "
                f"got {self.targets!r}."
            )
        return tuple(t for t in TARGETS if t in targets)

    def _check_viewpoints(self):
        targets = self._targets()
        used = []
        for vp in self.viewpoints:
            names = check_viewpoint(vp)
            bases = {VIEWPOINTS[n][0] for n in names}
            target = "pitch" if "pitch" in bases else "duration" if "duration" in bases else None
            if target is None:
                raise ValueError(
                    f"Viewpoint {vp!r} is derived from onsets only and predicts neither "
                    "pitch nor duration; link it with one that does, e.g. "
                    f"('interval', {names[0]!r}) or ('duration', {names[0]!r})."
                )
            if target in targets:
                used.append((names, target))
        for target in targets:
            if not any(t == target for _, t in used):
                raise ValueError(
                    f"targets includes {target!r} but no viewpoint predicts it; add one "
                    f"(e.g. {target!r}) to viewpoints or drop it from targets."
                )
        return used

    def _melodies(self, X, name="X", min_notes=2):
        scores = check_scores(X, name=name)
        melodies = []
        for i, notes in enumerate(scores):
            mel = melody_line(notes, chords=self.chords, part=self.part, tonic=self.tonic, i=i)
            if len(mel) < min_notes:
                raise ValueError(
                    f"{name}[{i}] has a melody line of {len(mel)} note; the viewpoint "
                    "model needs at least 2 notes per piece (one to predict from, one "
                    "to predict). Drop such pieces first."
                )
            melodies.append(mel)
        return melodies

    # ------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit one long-term model per viewpoint on the melodies of ``X``.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
            Scores; each one's melody line (``chords``, ``part``) is modelled.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        used = self._check_viewpoints()
        melodies = self._melodies(X)
        self.viewpoints_ = used
        self.models_, self.vocabularies_ = [], []
        for names, _ in used:
            seqs = []
            for mel in melodies:
                values, defined = linked(names, mel)
                seqs.append(values[defined, 0])
            vocab = np.unique(np.concatenate(seqs))
            ids = [np.searchsorted(vocab, s) for s in seqs]
            model = VariableOrderModel(
                vocab.size + 1,
                order=self.order,
                smoothing="ppm",
                escape=self.escape,
                exclusion=True,
                update_exclusion=self.update_exclusion,
                start=0,
            ).fit(ids)
            self.models_.append(model)
            self.vocabularies_.append(vocab)
        pitches = np.concatenate([m.pitch for m in melodies])
        classes = np.concatenate([m.dclass for m in melodies])
        self.priors_ = {}
        for target, values in (("pitch", pitches), ("duration", classes)):
            counts = np.bincount(values, minlength=_ALPHABET[target]) + 0.5
            self.priors_[target] = counts / counts.sum()
        tonics = np.bincount([m.tonic for m in melodies], minlength=12) + 0.0
        self.tonics_ = tonics / tonics.sum()
        return self

    # ------------------------------------------------------------ prediction
    def _spread(self, target, q, novel, part):
        """A viewpoint's probabilities ``q`` of each candidate's symbol, shared
        among the candidates with that symbol, as a distribution over candidates."""
        prior = self.priors_[target] if self.spread == "prior" else np.ones(_ALPHABET[target])
        n, A = q.shape
        novel_mass = (novel * prior).sum(axis=1, keepdims=True)
        if part is None:  # one symbol per candidate, but the unseen ones share one
            share = np.where(novel, novel_mass, prior[None, :])
        else:
            R = int(part.max()) + 2
            code = np.where(novel, R - 1, part)
            flat = (np.arange(n)[:, None] * R + code).ravel()
            sums = np.bincount(
                flat, weights=np.broadcast_to(prior, (n, A)).ravel(), minlength=n * R
            )
            share = sums[flat].reshape(n, A)
        p = q * prior[None, :] / share
        return p / p.sum(axis=1, keepdims=True)

    def _candidate_part(self, names, target, mel, cand):
        """The candidate-dependent part of a many-to-one viewpoint (None: one-to-one)."""
        own = [n for n in names if VIEWPOINTS[n][0] == target]
        if any(n in ONE_TO_ONE for n in own):
            return None
        values, _ = linked(tuple(own), mel, target=target, candidates=cand)
        return np.broadcast_to(values, (len(mel), cand.size))

    def _target_proba(self, melodies, target):
        """Combined distribution of ``target`` at every note: list of (n_notes, A)."""
        A = _ALPHABET[target]
        cand = np.arange(A)
        prior = self.priors_[target] if self.spread == "prior" else np.full(A, 1.0 / A)
        which = [i for i, (_, t) in enumerate(self.viewpoints_) if t == target]
        lengths = np.array([len(m) for m in melodies])
        n = lengths.sum()
        offsets = np.r_[0, np.cumsum(lengths)]
        M = len(which)
        ltm = np.zeros((M, n, A))
        stm = np.zeros((M, n, A)) if self.short_term else None
        defined_all = np.zeros((M, n), dtype=bool)
        for m, i in enumerate(which):
            names = self.viewpoints_[i][0]
            model, vocab = self.models_[i], self.vocabularies_[i]
            seqs, cols, novel, parts, rows = [], [], [], [], []
            stm_rows = []
            for p, mel in enumerate(melodies):
                actual, defined = linked(names, mel)
                cvals, _ = linked(names, mel, target=target, candidates=cand)
                cvals = np.broadcast_to(cvals, (len(mel), A))[defined]
                part = self._candidate_part(names, target, mel, cand)
                part = None if part is None else part[defined]
                r = offsets[p] + np.flatnonzero(defined)
                rows.append(r)
                seq = actual[defined, 0]
                seqs.append(np.searchsorted(vocab, seq))
                idx = np.minimum(np.searchsorted(vocab, cvals), vocab.size - 1)
                unseen = vocab[idx] != cvals
                cols.append(np.where(unseen, vocab.size, idx))
                novel.append(unseen)
                parts.append(part)
                if self.short_term and r.size:
                    stm_rows.append((r, seq, cvals, part))
            r = np.concatenate(rows)
            defined_all[m, r] = True
            if r.size == 0:
                continue
            q = model.proba(seqs, columns=np.concatenate(cols))
            part = None if parts[0] is None else np.concatenate(parts)
            ltm[m, r] = self._spread(target, q, np.concatenate(novel), part)
            for r, seq, cvals, part in stm_rows:
                stm[m, r] = self._short_term(target, seq, cvals, part)
        fallback = prior
        out = _combine(ltm, defined_all, self.bias, self.combination, fallback)
        if self.short_term:
            s = _combine(stm, defined_all, self.bias, self.combination, fallback)
            both = np.stack([out, s])
            out = _combine(
                both, np.ones((2, n), dtype=bool), self.short_term_bias, self.combination, fallback
            )
        return np.split(out, offsets[1:-1])

    def _short_term(self, target, seq, cvals, part):
        """The short-term model of one piece's viewpoint sequence, over candidates."""
        vocab, first, local = np.unique(seq, return_index=True, return_inverse=True)
        # number symbols by first occurrence
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        x = rank[local]
        V = vocab.size + 1
        P = short_term_proba(
            x,
            V,
            order=self.order,
            escape=self.short_term_escape,
            exclusion=True,
            update_exclusion=self.short_term_update_exclusion,
        )
        idx = np.minimum(np.searchsorted(vocab, cvals), vocab.size - 1)
        found = vocab[idx] == cvals
        cid = rank[idx]
        # a candidate's symbol counts as seen only once it occurred before this note
        seen = found & (first[idx] < np.arange(seq.size)[:, None])
        cols = np.where(seen, cid, V - 1)
        q = np.take_along_axis(P, cols, axis=1)
        return self._spread(target, q, ~seen, part)

    def _note_log_likelihoods(self, melodies):
        """Log-likelihood of every note (summed over targets): list of arrays."""
        total = [np.zeros(len(m)) for m in melodies]
        for target in self._targets():
            for lo, hi in self._batches(melodies):
                dists = self._target_proba(melodies[lo:hi], target)
                for k, (mel, d) in enumerate(zip(melodies[lo:hi], dists, strict=True)):
                    actual = mel.pitch if target == "pitch" else mel.dclass
                    total[lo + k] += np.log(d[np.arange(len(mel)), actual])
        return total

    @staticmethod
    def _batches(melodies):
        bounds, size, lo = [], 0, 0
        for i, mel in enumerate(melodies):
            size += len(mel)
            if size >= _BATCH_NOTES:
                bounds.append((lo, i + 1))
                lo, size = i + 1, 0
        if lo < len(melodies):
            bounds.append((lo, len(melodies)))
        return bounds

    def score_samples(self, X):
        """Mean log-likelihood per note of every piece (nats).

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE

        Returns
        -------
        scores : ndarray of shape (n_pieces,)
        """
        check_is_fitted(self)
        return np.array([ll.mean() for ll in self._note_log_likelihoods(self._melodies(X))])

    def score(self, X, y=None):
        """Mean log-likelihood per predicted note over all pieces (nats).

        Every note is predicted, the first included (from no context);
        divide by ``log(2)`` for bits.

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
        y : None
            Ignored.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        return float(np.concatenate(self._note_log_likelihoods(self._melodies(X))).mean())

    def predict_proba_notes(self, X, target="pitch"):
        """The predicted distribution of each note's pitch (or duration class).

        Parameters
        ----------
        X : list of ndarray of dtype NOTE_DTYPE
        target : {"pitch", "duration"}, default="pitch"

        Returns
        -------
        proba : list of ndarray of shape (n_notes, 128) or (n_notes, 121)
            One per piece; row ``t`` is the distribution of note ``t`` given
            the notes before it (and, for pitch, its duration). Duration
            classes are ``round(12 log2 quarters) + 72``.
        """
        check_is_fitted(self)
        if target not in self._targets():
            raise ValueError(f"target must be one of {self._targets()}, got {target!r}.")
        melodies = self._melodies(X)
        out = []
        for lo, hi in self._batches(melodies):
            out.extend(self._target_proba(melodies[lo:hi], target))
        return out

    # --------------------------------------------------------------- sampling
    def sample(
        self,
        n_steps=32,
        *,
        n_samples=1,
        prompt=None,
        temperature=1.0,
        tonic=None,
        random_state=None,
    ):
        """Draw melodies note by note.

        Each note's duration is drawn first (when ``"duration"`` is a target),
        then its pitch given that duration; the note starts where the previous
        one ends. A target not modelled is copied from the previous note
        (pitch 60 and a quarter note to start).

        Parameters
        ----------
        n_steps : int, default=32
            Notes to draw.
        n_samples : int, default=1
        prompt : ndarray of dtype NOTE_DTYPE, default=None
            A melody to continue (its melody line is read as in ``fit``).
        temperature : float, default=1.0
            Below 1 more conservative, above 1 more adventurous.
        tonic : int, default=None
            Pitch class of the tonic (for ``"degree"`` viewpoints): ``None``
            takes the prompt's (``tonic``) or draws one from ``tonics_``.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        melodies : list of ndarray of dtype NOTE_DTYPE
            ``n_samples`` melodies of ``n_steps`` notes each (after the
            prompt's end); write one with :func:`skmusic.io.write_midi`.
        """
        check_is_fitted(self)
        n_steps = check_positive_int("n_steps", n_steps)
        n_samples = check_positive_int("n_samples", n_samples)
        temperature = check_temperature(temperature)
        rng = check_random_state(self.random_state if random_state is None else random_state)
        if tonic is not None and (
            not isinstance(tonic, Integral) or isinstance(tonic, bool) or not 0 <= tonic < 12
        ):
            raise ValueError(f"tonic must be a pitch class 0-11 or None, got {tonic!r}.")
        start = None
        if prompt is not None:
            (start,) = self._prompt(prompt)
        targets = self._targets()
        out = []
        for _ in range(n_samples):
            if start is not None:
                p, o, d = list(start.pitch), list(start.onset), list(start.duration)
                key = start.tonic if tonic is None else int(tonic)
            else:
                p, o, d = [], [], []
                key = int(rng.choice(12, p=self.tonics_)) if tonic is None else int(tonic)
            first = len(p)
            for _ in range(n_steps):
                onset = o[-1] + d[-1] if o else 0.0
                o.append(onset)
                p.append(p[-1] if p else 60)
                d.append(d[-1] if d else 1.0)
                if "duration" in targets:
                    probs = self._next(p, o, d, key, "duration", temperature)
                    d[-1] = float(class_durations(rng.choice(probs.size, p=probs)))
                if "pitch" in targets:
                    probs = self._next(p, o, d, key, "pitch", temperature)
                    p[-1] = int(rng.choice(probs.size, p=probs))
            out.append(make_notes(p[first:], o[first:], d[first:]))
        return out

    def _next(self, p, o, d, key, target, temperature):
        mel = Melody(p, o, d, key)
        probs = self._target_proba([mel], target)[0][-1]
        if temperature != 1.0:
            logits = np.log(np.maximum(probs, 1e-300)) / temperature
            probs = np.exp(logits - logsumexp(logits))
        return probs / probs.sum()

    def _prompt(self, prompt):
        if not (isinstance(prompt, np.ndarray) and prompt.dtype.names is not None):
            raise ValueError(
                "prompt is one score: a note-event array of dtype NOTE_DTYPE "
                "(e.g. skmusic.io.notes.make_notes), not a list of scores."
            )
        return self._melodies([prompt], name="prompt", min_notes=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        return tags
