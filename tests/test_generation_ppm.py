"""Variable-order token models: NGramTokenGenerator's Kneser-Ney and PPM smoothing
(generation/_ppm.py), checked against plain dict-based implementations of the
same formulas, for normalization, and on real chorale lines."""

import pickle
from collections import Counter, defaultdict

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmusic.generation import NGramTokenGenerator
from skmusic.generation._ppm import VariableOrderModel, _kn_discounts, short_term_proba

ESCAPES = ("A", "B", "C", "D", "X")
KK = {"A": 0.0, "B": -1.0, "C": 0.0, "D": -0.5, "X": 0.0}


# --------------------------------------------------------------------------
# plain references: one prediction at a time, counts in dicts of tuples
# --------------------------------------------------------------------------


def _reference_ppm(train, V, history, *, order, escape, exclusion, update_exclusion):
    """IDyOM's interpolated PPM for one context (Pearce 2005, sec. 6.2.3)."""
    max_len = 50 if order is None else order - 1
    full, ue = defaultdict(Counter), defaultdict(Counter)
    for seq in train:
        seq = list(seq)
        for j in range(len(seq)):
            lengths = range(min(max_len, j) + 1)
            deepest_seen = max(
                (k for k in lengths if full[tuple(seq[j - k : j])][seq[j]] > 0), default=-1
            )
            for k in lengths:
                ctx = tuple(seq[j - k : j])
                full[ctx][seq[j]] += 1
                if k >= max(deepest_seen, 0):
                    ue[ctx][seq[j]] += 1
    h = list(history)
    matching = [k for k in range(min(len(h), max_len) + 1) if tuple(h[len(h) - k :]) in full]
    longest = max(matching)
    if order is None:  # PPM*: the shortest deterministic context, else the longest
        deterministic = [k for k in matching if len(full[tuple(h[len(h) - k :])]) == 1]
        top = min(deterministic) if deterministic else longest
        selected = top < longest
    else:
        top, selected = longest, longest == max_len
    P, weight, above, kk = np.zeros(V), 1.0, set(), KK[escape]
    for k in range(top, -1, -1):
        ctx = tuple(h[len(h) - k :])
        counts = full[ctx] if not update_exclusion or (k == top and selected) else ue[ctx]
        adj = {s: c + kk for s, c in counts.items() if c > 0}
        state = sum(adj.values())
        if exclusion:
            state -= sum(adj[s] for s in above if s in adj)
        types = len(adj)
        singles = sum(c == 1 for c in counts.values())
        esc = {"A": 1.0, "B": types, "C": types, "D": types / 2, "X": singles + 1.0}[escape]
        lam = state / (state + esc) if state > 1e-12 else 0.0
        for s, a in adj.items():
            if state > 1e-12:
                P[s] += weight * lam * a / state
        weight *= 1 - lam
        above = set(adj)
        root_types = types
    P += weight / (V + 1 - root_types) if exclusion else weight / V
    return P / P.sum()


def _reference_kn(train, V, order, history, discount):
    """Interpolated (modified) Kneser-Ney with start padding."""
    bos, pad = V, order - 1
    raw, ext = defaultdict(Counter), defaultdict(set)
    for seq in train:
        seq = [bos] * pad + list(seq)
        for j in range(pad + 1, len(seq)):
            for k in range(order):
                ctx = tuple(seq[j - k : j])
                if k == order - 1:
                    raw[ctx][seq[j]] += 1
                else:
                    ext[(ctx, seq[j])].add(seq[j - k - 1])
    tables = []
    for k in range(order):
        if k == order - 1:
            table = {ctx: dict(c) for ctx, c in raw.items()}
        else:
            table = defaultdict(dict)
            for (ctx, s), before in ext.items():
                if len(ctx) == k:
                    table[ctx][s] = len(before)
        counts = np.array([c for t in table.values() for c in t.values()])
        tables.append((table, _kn_discounts(counts, discount)))
    h = [bos] * pad + list(history)
    P = np.full(V, 1.0 / V)
    for k in range(order):
        table, d = tables[k]
        ctx = tuple(h[len(h) - k :])
        if ctx not in table:
            continue
        counts = table[ctx]
        n = sum(counts.values())
        gamma = sum(d[min(c, 3) - 1] for c in counts.values()) / n
        new = gamma * P
        for s, c in counts.items():
            new[s] += (c - d[min(c, 3) - 1]) / n
        P = new
    return P


def _random_seqs(rng, V, n, lo=2, hi=16):
    seqs = [rng.integers(0, V, size=rng.integers(lo, hi)) for _ in range(n)]
    seqs.append(np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 3]))  # repeats: deep contexts
    return seqs


# --------------------------------------------------------------------------
# the core against the references
# --------------------------------------------------------------------------


@pytest.mark.parametrize("order", [1, 2, 3, None])
@pytest.mark.parametrize("escape", ESCAPES)
def test_ppm_matches_the_reference(order, escape):
    rng = np.random.default_rng(0)
    V = 5
    train = _random_seqs(rng, V, 6)
    test = [rng.integers(0, V, size=9), np.array([0, 1, 2, 0, 1, 2, 4, 1])]
    for exclusion in (True, False):
        for update_exclusion in (False, True):
            kw = dict(
                order=order, escape=escape, exclusion=exclusion, update_exclusion=update_exclusion
            )
            model = VariableOrderModel(V, start=0, **kw).fit(train)
            P = model.proba(test)
            rows = [(s, t) for s in test for t in range(len(s))]
            for (s, t), row in zip(rows, P, strict=True):
                np.testing.assert_allclose(row, _reference_ppm(train, V, s[:t], **kw), atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("discount", [None, 0.75])
def test_kneser_ney_matches_the_reference(order, discount):
    rng = np.random.default_rng(2)
    V = 6
    train = _random_seqs(rng, V, 8, hi=20)
    test = [rng.integers(0, V, size=10) for _ in range(3)]
    model = VariableOrderModel(
        V, order=order, smoothing="kneser_ney", discount=discount, start=1
    ).fit(train)
    P = model.proba(test)
    rows = [(s, t) for s in test for t in range(1, len(s))]
    for (s, t), row in zip(rows, P, strict=True):
        np.testing.assert_allclose(row, _reference_kn(train, V, order, s[:t], discount), atol=1e-12)


def test_short_term_model_is_the_model_of_the_piece_so_far():
    """Row t of the short-term model = PPM trained on x[:t] alone, over the
    symbols seen so far and one "new symbol" column."""
    rng = np.random.default_rng(1)
    for trial in range(12):
        raw = rng.integers(0, 4, size=rng.integers(2, 22))
        if trial % 3 == 0:
            raw = np.tile(rng.integers(0, 3, size=4), 5)[: rng.integers(2, 20)]
        first = {}
        x = np.array([first.setdefault(v, len(first)) for v in raw])
        V = x.max() + 2
        for order in (2, None):
            for escape in ("C", "X"):
                for ue in (False, True):
                    kw = dict(order=order, escape=escape, exclusion=True, update_exclusion=ue)
                    P = short_term_proba(x, V, **kw)
                    np.testing.assert_allclose(P.sum(axis=1), 1.0)
                    assert P[0, V - 1] == pytest.approx(1.0)  # nothing seen yet: a new symbol
                    for t in range(1, len(x)):
                        seen = x[:t].max() + 1
                        assert np.all(P[t, seen : V - 1] == 0)
                        want = _reference_ppm([x[:t]], seen + 1, x[:t], **kw)
                        got = np.r_[P[t, :seen], P[t, V - 1]]
                        np.testing.assert_allclose(got, want, atol=1e-12)


# --------------------------------------------------------------------------
# NGramTokenGenerator
# --------------------------------------------------------------------------

SMOOTHINGS = [
    dict(smoothing="additive", order=3),
    dict(smoothing="kneser_ney", order=3),
    dict(smoothing="kneser_ney", order=2, discount=0.5),
    dict(smoothing="ppm", order=3, escape="C"),
    dict(smoothing="ppm", order=None, escape="C"),
    dict(smoothing="ppm", order=None, escape="X", update_exclusion=True),
    dict(smoothing="ppm", order=4, escape="D", exclusion=False),
]


@pytest.mark.parametrize("params", SMOOTHINGS, ids=lambda p: "-".join(map(str, p.values())))
def test_distributions_sum_to_one_for_random_contexts(params):
    rng = np.random.default_rng(3)
    V = 12
    X = [rng.integers(0, V, size=rng.integers(5, 40))[None, :] for _ in range(30)]
    model = NGramTokenGenerator(n_tokens=V + 3, **params).fit(X)  # 3 ids never seen
    for _ in range(5):
        context = rng.integers(0, V + 3, size=rng.integers(2, 30))
        P = model._predict_proba_sequence(context)
        assert P.shape == (context.size - 1, V + 3)
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
        assert (P > 0).all()  # unseen tokens keep a finite likelihood
        # score_samples is the mean log of the same distributions
        want = np.log(P[np.arange(context.size - 1), context[1:]]).mean()
        assert model.score_samples([context[None, :]])[0] == pytest.approx(want, rel=1e-10)


def test_additive_is_unchanged():
    """The default is today's add-alpha model, formula for formula."""
    X = [np.array([1, 2, 3, 1, 2, 4, 1, 2, 3])[None, :], np.array([2, 3, 1, 2])[None, :]]
    model = NGramTokenGenerator(order=2, alpha=0.5).fit(X)
    counts = Counter()
    for seq in X:
        counts.update(zip(seq[0][:-1], seq[0][1:], strict=True))
    V = 5
    test = np.array([1, 2, 4, 3])
    logp = []
    for a, b in zip(test[:-1], test[1:], strict=True):
        total = sum(c for (x, _), c in counts.items() if x == a)
        logp.append(np.log((counts[(a, b)] + 0.5) / (total + 0.5 * V)))
    assert model.score([test[None, :]]) == np.mean(logp)
    assert not hasattr(model, "tables_") and model.smoothing == "additive"


def test_ppm_star_predicts_a_repeated_tune_with_near_certainty():
    tune = np.tile([3, 1, 4, 1, 5, 9, 2, 6], 6)
    X = [tune[None, :]] * 3
    ppm = NGramTokenGenerator(order=None, smoothing="ppm").fit(X)
    bigram = NGramTokenGenerator(order=2).fit(X)
    # "1" is followed by 4 and by 5: a bigram cannot tell, an unbounded context can
    assert ppm.score(X) > -0.2 > bigram.score(X)
    assert ppm.sample(16, prompt=tune[:4], random_state=0)[0, 0].tolist() == tune[4:20].tolist()


def test_bad_parameters_are_clear():
    X = [np.tile([1, 2, 3], 4)[None, :]]
    with pytest.raises(ValueError, match="order=None.*smoothing='ppm'"):
        NGramTokenGenerator(order=None).fit(X)
    with pytest.raises(ValueError, match="order=None.*smoothing='ppm'"):
        NGramTokenGenerator(order=None, smoothing="kneser_ney").fit(X)
    with pytest.raises(ValueError, match="escape"):
        NGramTokenGenerator(smoothing="ppm", escape="Z").fit(X)
    with pytest.raises(ValueError, match="discount"):
        NGramTokenGenerator(smoothing="kneser_ney", discount=1.5).fit(X)
    with pytest.raises(ValueError, match="unknown to this model"):
        NGramTokenGenerator(smoothing="ppm").fit(X).score([np.array([[1, 7]])])


@pytest.mark.parametrize("params", SMOOTHINGS[1:], ids=lambda p: "-".join(map(str, p.values())))
def test_sampling_is_repeatable_and_in_the_vocabulary(params):
    X = [np.tile([1, 2, 3, 2], 6)[None, :], np.tile([3, 2, 1], 5)[None, :]]
    model = NGramTokenGenerator(random_state=0, **params).fit(X)
    a = model.sample(20, n_samples=2)
    assert a.shape == (2, 1, 20) and a.min() >= 0 and a.max() < model.n_tokens_
    assert np.array_equal(
        a, NGramTokenGenerator(random_state=0, **params).fit(X).sample(20, n_samples=2)
    )
    assert np.array_equal(
        a, pickle.loads(pickle.dumps(model)).sample(20, n_samples=2, random_state=0)
    )


def test_grid_search_picks_smoothing_by_held_out_likelihood():
    rng = np.random.default_rng(0)
    phrases = [rng.integers(0, 20, size=6) for _ in range(4)]
    X = [np.concatenate([phrases[i] for i in rng.integers(0, 4, 8)])[None, :] for _ in range(24)]
    grid = GridSearchCV(
        Pipeline([("lm", NGramTokenGenerator(n_tokens=20))]),
        {"lm__smoothing": ["additive", "kneser_ney", "ppm"], "lm__order": [3]},
        cv=KFold(3),
    ).fit(X)
    # repeated phrases: the interpolated models beat add-one by far
    assert grid.best_params_["lm__smoothing"] in ("kneser_ney", "ppm")
    clone(grid.best_estimator_).fit(X)


@parametrize_with_checks(
    [
        NGramTokenGenerator(order=None, smoothing="ppm"),
        NGramTokenGenerator(order=3, smoothing="kneser_ney"),
        NGramTokenGenerator(order=2, smoothing="ppm", escape="X", update_exclusion=True),
    ]
)
def test_sklearn_checks_for_every_smoothing(estimator, check):
    check(estimator)


def test_real_chorale_lines_variable_order_beats_additive_bigram():
    from skmusic.datasets import load_corpus
    from skmusic.features import NoteTokenizer

    bach = load_corpus("bach", verbose=False)
    tokens = NoteTokenizer(durations=True, part=0).fit(bach.data[:120])
    X = tokens.transform(bach.data[:120])
    train, test = X[:90], X[90:]
    V = tokens.n_tokens_
    scores = {
        name: NGramTokenGenerator(n_tokens=V, **params).fit(train).score(test)
        for name, params in {
            "additive": dict(order=2),
            "kneser_ney": dict(order=3, smoothing="kneser_ney"),
            "ppm": dict(order=None, smoothing="ppm"),
        }.items()
    }
    assert scores["kneser_ney"] > scores["additive"] + 0.1
    assert scores["ppm"] > scores["additive"] + 0.1
