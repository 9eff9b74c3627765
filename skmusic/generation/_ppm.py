"""Variable-order Markov models of symbol sequences: counting and blending.

The private core of :class:`NGramTokenGenerator` (``smoothing="ppm"`` and
``"kneser_ney"``) and of :class:`ViewpointGenerator`. Counts are kept in numpy
tables, one per context length ("level"): the contexts of a level are the
sorted keys ``parent_id * radix + token`` (a context extends its one shorter
suffix by one token on the left), and the (context, next symbol) pairs with
their counts are sorted by context, so a context's successors are one slice.
Predicting many positions is a handful of vectorized lookups per level.

PPM follows Pearce (2005, ch. 6) and IDyOM's ``ppm-star.lisp``: escape
methods A, B, C, D and X (AX), interpolated smoothing (the blend of every
order from the selected context down to order -1), exclusion (a lower order's
state count leaves out the symbols seen in the context one order above, and the
distribution is renormalized), update exclusion (a count is incremented only in
the contexts from the longest down to the first one in which the symbol had
been seen before), and ``order=None`` for PPM* (the shortest deterministic
matching context if there is one, else the longest matching one). Kneser-Ney
is interpolated, with three discounts estimated per order (modified KN, Chen
and Goodman 1999) or one given discount, and sequence starts padded.

The short-term model of a piece (the piece so far, predicted event by event)
is :func:`short_term_proba`: the same PPM blend over counts taken from the
piece's earlier events, all positions at once.
"""

import numpy as np

ESCAPE_METHODS = ("A", "B", "C", "D", "X")

# Pearce (2005), section 6.2.3.4: the count added to a seen symbol (k) per escape method.
_INITIAL = {"A": 0.0, "B": -1.0, "C": 0.0, "D": -0.5, "X": 0.0}

# Rows of a dense (positions, symbols) block: about this many cells at a time.
_BLOCK_CELLS = 1 << 20


def _escape_counts(escape, types, singletons):
    """The escape count of a context: ``lambda = state / (state + escape count)``."""
    if escape == "A":
        return np.ones(np.shape(types))
    if escape == "D":
        return np.asarray(types, dtype=float) / 2.0
    if escape == "X":
        return np.asarray(singletons, dtype=float) + 1.0
    return np.asarray(types, dtype=float)  # B and C


def _flatten(seqs, pad, pad_symbol):
    """Sequences back to back (each after ``pad`` copies of ``pad_symbol``) and
    every element's position within its padded sequence."""
    lengths = np.array([len(s) + pad for s in seqs], dtype=np.int64)
    parts = []
    for s in seqs:
        if pad:
            parts.append(np.full(pad, pad_symbol, dtype=np.int64))
        parts.append(np.asarray(s, dtype=np.int64))
    X = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    pos = np.arange(X.size) - np.repeat(starts, lengths)
    return X, pos, lengths


def _kn_discounts(counts, fixed):
    """Discounts for counts 1, 2 and 3+ (modified Kneser-Ney) or one fixed discount."""
    if fixed is not None:
        return np.array([fixed, fixed, fixed], dtype=float)
    n = [np.count_nonzero(counts == r) for r in (1, 2, 3, 4)]
    if n[0] == 0 or n[1] == 0:
        return np.array([0.5, 1.0, 1.5])
    y = n[0] / (n[0] + 2.0 * n[1])
    d = [1.0 - 2.0 * y * n[1] / n[0], 2.0 - 3.0 * y * n[2] / n[1]]
    d.append(3.0 - 4.0 * y * n[3] / n[2] if n[2] else 1.5)
    return np.clip(np.array(d), [0.05, 0.05, 0.05], [1.0, 2.0, 3.0])


class VariableOrderModel:
    """Counts of the contexts of a set of sequences, and their blended predictions.

    Parameters
    ----------
    n_symbols : int
        Symbols are ``0 .. n_symbols - 1``.
    order : int or None
        Contexts of up to ``order - 1`` symbols; ``None``: unbounded (PPM*,
        ``smoothing="ppm"`` only).
    smoothing : {"ppm", "kneser_ney"}
    escape : {"A", "B", "C", "D", "X"}
        PPM's escape method.
    exclusion : bool
        PPM: exclude the symbols of the context one order above from a lower
        order's state count (IDyOM's default) and renormalize.
    update_exclusion : bool
        PPM: update-excluded counts below the selected context.
    discount : float or None
        Kneser-Ney: one discount for every count; ``None`` estimates three per
        order (modified Kneser-Ney).
    start : int
        The first position of each sequence that is predicted (and counted);
        earlier ones only serve as context.
    """

    def __init__(
        self,
        n_symbols,
        *,
        order=None,
        smoothing="ppm",
        escape="C",
        exclusion=True,
        update_exclusion=False,
        discount=None,
        start=0,
    ):
        self.n_symbols = int(n_symbols)
        self.order = order
        self.smoothing = smoothing
        self.escape = escape
        self.exclusion = exclusion
        self.update_exclusion = update_exclusion
        self.discount = discount
        self.start = start

    # ------------------------------------------------------------------ layout
    @property
    def _kn(self):
        return self.smoothing == "kneser_ney"

    @property
    def _pad(self):
        return self.order - 1 if self._kn else 0

    @property
    def _radix(self):
        return self.n_symbols + 1 if self._kn else self.n_symbols

    @property
    def _flavors(self):
        if self._kn:
            return ("kn",)
        return ("full", "ue") if self.update_exclusion else ("full",)

    # --------------------------------------------------------------------- fit
    def fit(self, seqs):
        """Count the contexts of ``seqs`` (a list of 1D int arrays)."""
        V, radix, pad = self.n_symbols, self._radix, self._pad
        X, pos, _ = _flatten(seqs, pad, V)
        pred = np.flatnonzero(pos >= pad + self.start)
        if pred.size == 0:
            raise ValueError("No position to count: every sequence is shorter than start + 1.")
        unbounded = self.order is None
        max_level = None if unbounded else self.order - 1
        ue = not self._kn and self.update_exclusion
        kstar = np.full(X.size, -1, dtype=np.int64)
        raw = []
        active = pred
        parent = np.zeros(pred.size, dtype=np.int64)
        k = 0
        while True:
            if k == 0:
                keys = np.zeros(1, dtype=np.int64)
                ctx = np.zeros(active.size, dtype=np.int64)
            else:
                keys, ctx = np.unique(parent * radix + X[active - k], return_inverse=True)
            pkeys, first, inv, counts = np.unique(
                ctx * V + X[active], return_index=True, return_inverse=True, return_counts=True
            )
            if ue:  # the pair had occurred earlier in the stream at this level
                seen = first[inv] != np.arange(active.size)
                kstar[active[seen]] = k
            pair_ctx = pkeys // V
            pair_start = np.searchsorted(pair_ctx, np.arange(keys.size + 1))
            types = np.diff(pair_start)
            raw.append(
                dict(
                    keys=keys,
                    pair_keys=pkeys,
                    pair_sym=pkeys % V,
                    pair_start=pair_start,
                    types=types,
                    active=active,
                    inv=inv,
                    counts=counts.astype(float),
                )
            )
            if max_level is not None and k >= max_level:
                break
            keep = pos[active] >= k + 1
            if unbounded:
                keep &= types[ctx] >= 2
            if not keep.any():
                break
            active, parent = active[keep], ctx[keep]
            k += 1

        kk = _INITIAL[self.escape]
        self.levels_ = []
        for k, lv in enumerate(raw):
            names = ("keys", "pair_keys", "pair_sym", "pair_start", "types")
            level = {key: lv[key] for key in names}
            pair_ctx = lv["pair_keys"] // V
            n_ctx = lv["keys"].size
            if self._kn:
                if k == len(raw) - 1 and max_level is not None and k == max_level:
                    c = lv["counts"]
                else:  # continuation counts: distinct tokens (or the start) before the pair
                    ext = X[lv["active"] - k - 1]
                    trip = np.unique(lv["inv"] * radix + ext)
                    c = np.bincount(trip // radix, minlength=pair_ctx.size).astype(float)
                d = _kn_discounts(c, self.discount)
                sub = d[np.minimum(c, 3).astype(int) - 1]
                level["adj_kn"] = c - sub
                level["sum_kn"] = np.bincount(pair_ctx, weights=c, minlength=n_ctx)
                level["gamma_kn"] = (
                    np.bincount(pair_ctx, weights=sub, minlength=n_ctx) / level["sum_kn"]
                )
            else:
                flavours = {"full": lv["counts"]}
                if ue:
                    w = np.maximum(kstar[lv["active"]], 0) <= k
                    flavours["ue"] = np.bincount(lv["inv"], weights=w, minlength=pair_ctx.size)
                for name, c in flavours.items():
                    level[f"adj_{name}"] = c + kk
                    level[f"sum_{name}"] = np.bincount(pair_ctx, weights=c + kk, minlength=n_ctx)
                    level[f"single_{name}"] = np.bincount(
                        pair_ctx, weights=(c == 1).astype(float), minlength=n_ctx
                    )
            self.levels_.append(level)
        if not self._kn and self.exclusion:
            # per context of level k >= 1: the (lower-flavour) counts at level k - 1
            # of the symbols it has seen, left out of level k - 1's state count
            low = "ue" if ue else "full"
            for k in range(1, len(self.levels_)):
                level, below = self.levels_[k], self.levels_[k - 1]
                pair_ctx = level["pair_keys"] // V
                parent = level["keys"][pair_ctx] // radix
                idx = np.searchsorted(below["pair_keys"], parent * V + level["pair_sym"])
                level["excl"] = np.bincount(
                    pair_ctx, weights=below[f"adj_{low}"][idx], minlength=level["keys"].size
                )
        return self

    # ------------------------------------------------------------- prediction
    def _contexts(self, seqs):
        """Predicted positions of ``seqs``: their symbols, context ids per level
        (-1: no such context), and the selected (top) level."""
        V, radix, pad = self.n_symbols, self._radix, self._pad
        X, pos, _ = _flatten(seqs, pad, V)
        pred = np.flatnonzero(pos >= pad + self.start)
        ppos = pos[pred]
        cur = np.zeros(pred.size, dtype=np.int64)
        ctx_ids = [cur]
        for k in range(1, len(self.levels_)):
            level, below = self.levels_[k], self.levels_[k - 1]
            ok = (cur >= 0) & (ppos >= k)
            if self.order is None:
                ok &= below["types"][np.maximum(cur, 0)] >= 2
            key = cur * radix + X[np.maximum(pred - k, 0)]
            idx = np.minimum(np.searchsorted(level["keys"], key), level["keys"].size - 1)
            found = ok & (level["keys"][idx] == key)
            cur = np.where(found, idx, -1)
            ctx_ids.append(cur)
        top = (np.stack(ctx_ids) >= 0).sum(axis=0) - 1
        return X[pred], ctx_ids, top

    def _weights(self, ctx_ids, top):
        """Per level: (context ids, active mask, coefficient, full-count mask);
        then the order -1 weight and the normalizer's scale per position."""
        n = top.size
        K = len(self.levels_)
        E = np.ones(n)
        per_level = [None] * K
        if self._kn:
            for k in range(K - 1, -1, -1):
                level = self.levels_[k]
                act = top >= k
                c = np.where(act, ctx_ids[k], 0)
                coef = np.where(act, E / level["sum_kn"][c], 0.0)
                E = np.where(act, E * level["gamma_kn"][c], E)
                per_level[k] = (c, act, coef, None)
            return per_level, E / self.n_symbols, None
        ue = self.update_exclusion
        if ue:
            if self.order is None:  # a shorter deterministic context was selected
                types_top = np.zeros(n, dtype=np.int64)
                for k in range(K):
                    at = top == k
                    types_top[at] = self.levels_[k]["types"][ctx_ids[k][at]]
                full_top = types_top == 1
            else:  # the order bound cut the context
                full_top = top == K - 1
        for k in range(K - 1, -1, -1):
            level = self.levels_[k]
            act = top >= k
            c = np.where(act, ctx_ids[k], 0)
            types = level["types"][c]
            if ue:
                use_full = (top == k) & full_top
                total = np.where(use_full, level["sum_full"][c], level["sum_ue"][c])
                single = np.where(use_full, level["single_full"][c], level["single_ue"][c])
            else:
                use_full = np.ones(n, dtype=bool)
                total = level["sum_full"][c]
                single = level["single_full"][c]
            state = total
            if self.exclusion and k + 1 < K:
                above = self.levels_[k + 1]
                below_top = act & (top > k)
                hi = np.where(below_top, ctx_ids[k + 1], 0)
                state = total - np.where(below_top, above["excl"][hi], 0.0)
            esc = _escape_counts(self.escape, types, single)
            denom = state + esc
            positive = act & (state > 1e-12)
            lam = np.where(positive, state / np.where(denom > 0, denom, 1.0), 0.0)
            coef = np.where(positive, E * lam / np.where(positive, state, 1.0), 0.0)
            E = np.where(act, E * (1.0 - lam), E)
            per_level[k] = (c, act, coef, use_full)
            if k == 0:
                root_types = np.where(act, types, 0)
        V = self.n_symbols
        p_m1 = 1.0 / (V + 1.0 - root_types) if self.exclusion else np.full(n, 1.0 / V)
        # normalizer: sum over symbols of the unnormalized blend
        Z = E * V * p_m1
        for k in range(K):
            c, act, coef, use_full = per_level[k]
            level = self.levels_[k]
            if ue:
                total = np.where(use_full, level["sum_full"][c], level["sum_ue"][c])
            else:
                total = level["sum_full"][c]
            Z = Z + coef * total
        return per_level, E * p_m1, Z

    def _adj(self, level, idx, use_full):
        if self._kn:
            return level["adj_kn"][idx]
        if use_full is None or not self.update_exclusion:
            return level["adj_full"][idx]
        return np.where(use_full, level["adj_full"][idx], level["adj_ue"][idx])

    def log_proba(self, seqs):
        """Log-probability of every predicted symbol, one array per sequence."""
        sym, ctx_ids, top = self._contexts(seqs)
        per_level, base, Z = self._weights(ctx_ids, top)
        num = base.copy()
        V = self.n_symbols
        for k, (c, act, coef, use_full) in enumerate(per_level):
            level = self.levels_[k]
            key = c * V + sym
            idx = np.minimum(np.searchsorted(level["pair_keys"], key), level["pair_keys"].size - 1)
            hit = act & (level["pair_keys"][idx] == key)
            num = num + np.where(hit, coef * self._adj(level, idx, use_full), 0.0)
        logp = np.log(num) if Z is None else np.log(num) - np.log(Z)
        counts = [max(len(s) - self.start, 0) for s in seqs]
        return np.split(logp, np.cumsum(counts)[:-1])

    def proba(self, seqs, columns=None):
        """Next-symbol distributions at every predicted position (sequences in order).

        Returns an array of shape (n_positions, n_symbols), or, with ``columns``
        of shape (n_positions, n_columns), the probabilities of those symbols.
        """
        _, ctx_ids, top = self._contexts(seqs)
        per_level, base, Z = self._weights(ctx_ids, top)
        V = self.n_symbols
        n = top.size
        step = max(1, _BLOCK_CELLS // V)
        out = []
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            P = np.repeat(base[lo:hi, None], V, axis=1)
            for k, (c, act, coef, use_full) in enumerate(per_level):
                level = self.levels_[k]
                cb, ab, wb = c[lo:hi], act[lo:hi], coef[lo:hi]
                if k == 0:
                    if self._kn:
                        P += wb[:, None] * self._dense_root(level, "kn")
                    elif not self.update_exclusion:
                        P += wb[:, None] * self._dense_root(level, "full")
                    else:
                        fb = use_full[lo:hi]
                        P += (wb * fb)[:, None] * self._dense_root(level, "full")
                        P += (wb * ~fb)[:, None] * self._dense_root(level, "ue")
                    continue
                rows = np.flatnonzero(ab)
                if rows.size == 0:
                    continue
                cnt = level["types"][cb[rows]]
                first = level["pair_start"][cb[rows]]
                rr = np.repeat(rows, cnt)
                offs = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
                pidx = np.repeat(first, cnt) + offs
                fb = None if use_full is None else use_full[lo:hi][rr]
                P[rr, level["pair_sym"][pidx]] += wb[rr] * self._adj(level, pidx, fb)
            if Z is not None:
                P /= Z[lo:hi, None]
            if columns is not None:
                P = np.take_along_axis(P, np.asarray(columns[lo:hi]), axis=1)
            out.append(P)
        if not out:
            width = V if columns is None else np.shape(columns)[1]
            return np.zeros((0, width))
        return np.concatenate(out)

    def _dense_root(self, level, flavour):
        vec = np.zeros(self.n_symbols)
        vec[level["pair_sym"]] = level[f"adj_{flavour}"]
        return vec[None, :]

    def max_context(self):
        """The longest context length counted."""
        return len(self.levels_) - 1


# ---------------------------------------------------------------------------
# the short-term model: PPM over the earlier events of one sequence
# ---------------------------------------------------------------------------


def _match_pairs(x, max_cells=1 << 22):
    """Every pair ``j < t`` of positions of ``x`` with the length of the longest
    common suffix of ``x[:t]`` and ``x[:j]`` (how long a context the two share).

    Yields ``(t, j, m)`` arrays in blocks of diagonals ``d = t - j``.
    """
    L = x.size
    if L < 2:
        return
    step = max(1, max_cells // L)
    i = np.arange(L - 1)
    for d0 in range(1, L, step):
        d = np.arange(d0, min(L, d0 + step))[:, None]
        valid = i[None, :] + d <= L - 1
        same = valid & (x[np.minimum(i[None, :] + d, L - 1)] == x[i][None, :])
        c = np.cumsum(same, axis=1)
        run = c - np.maximum.accumulate(np.where(same, 0, c), axis=1)
        # pair (t = j + d, j): m = run[d, j - 1] (0 for j = 0)
        dd, jj = np.nonzero(valid)
        m = np.where(jj > 0, run[dd, np.maximum(jj - 1, 0)], 0)
        yield jj + d[dd, 0], jj, m


def short_term_proba(
    x, n_symbols, *, order=None, escape="X", exclusion=True, update_exclusion=True
):
    """PPM predictions of every position of ``x`` from its earlier positions only.

    Parameters
    ----------
    x : ndarray of int of shape (L,)
        Symbols numbered by first occurrence (the first new symbol is 0, the
        next new one 1, ...), below ``n_symbols - 1``.
    n_symbols : int
        Width of the output; the last symbol is "a symbol not seen so far".

    Returns
    -------
    proba : ndarray of shape (L, n_symbols)
        Row ``t`` is the distribution of ``x[t]`` given ``x[:t]`` over the
        symbols seen before ``t`` and the "new symbol" column (the others are 0).
    """
    x = np.asarray(x, dtype=np.int64)
    L, V = x.size, int(n_symbols)
    novel = V - 1
    best = np.full((L, V), -1, dtype=np.int64)  # longest match ending before t, per symbol
    # the pairs of a long piece are made twice rather than held (L^2 / 2 of them)
    pairs = list(_match_pairs(x)) if L <= 3000 else None
    for t, j, m in pairs if pairs is not None else _match_pairs(x):
        np.maximum.at(best, (t, x[j]), m)
    longest = best.max(axis=1)
    if order is None:
        second = np.partition(best, V - 2, axis=1)[:, V - 2] if V >= 2 else np.full(L, -1)
        top = np.minimum(longest, second + 1)
        full_top = top < longest
    else:
        top = np.minimum(longest, order - 1)
        full_top = longest > order - 1
    K = int(top.max()) if L else -1
    seen_count = np.zeros(L, dtype=np.int64)
    if L > 1:
        seen_count[1:] = np.maximum.accumulate(x[:-1]) + 1
    support = np.arange(V)[None, :] < seen_count[:, None]
    support[:, novel] = True
    if K < 0:
        return support / support.sum(axis=1, keepdims=True)
    # counts[t, k, s]: earlier events s whose context matches t's for at least k symbols
    size = L * (K + 1) * V
    full = np.zeros(size)
    ue = np.zeros(size) if update_exclusion else None
    kstar = best[np.arange(L), x]  # deepest context in which x[t] had been seen before
    for t, j, m in pairs if pairs is not None else _match_pairs(x):
        hi = np.minimum(m, K)
        full += np.bincount((t * (K + 1) + hi) * V + x[j], minlength=size)
        if ue is not None:
            lb = np.maximum(kstar[j], 0)
            if order is not None:
                lb = np.minimum(lb, order - 1)
            ok = lb <= hi
            ue += np.bincount((t[ok] * (K + 1) + hi[ok]) * V + x[j][ok], minlength=size)
            neg = ok & (lb >= 1)
            ue -= np.bincount((t[neg] * (K + 1) + lb[neg] - 1) * V + x[j][neg], minlength=size)
    full = np.cumsum(full.reshape(L, K + 1, V)[:, ::-1], axis=1)[:, ::-1]
    if ue is not None:
        ue = np.cumsum(ue.reshape(L, K + 1, V)[:, ::-1], axis=1)[:, ::-1]
    return _blend_dense(full, ue, top, full_top, support, escape, exclusion)


def _blend_dense(full, ue, top, full_top, support, escape, exclusion):
    """The PPM blend from dense counts ``(n, K + 1, V)`` (see VariableOrderModel)."""
    n, K1, V = full.shape
    kk = _INITIAL[escape]
    P = np.zeros((n, V))
    E = np.ones(n)
    prev = np.zeros((n, V), dtype=bool)
    root_types = np.zeros(n)
    for k in range(K1 - 1, -1, -1):
        act = top >= k
        if ue is None:
            C = full[:, k]
        else:
            C = np.where(((top == k) & full_top)[:, None], full[:, k], ue[:, k])
        C = np.where(act[:, None], C, 0.0)
        present = C > 0
        adj = np.where(present, C + kk, 0.0)
        total = adj.sum(axis=1)
        state = total - (adj * prev).sum(axis=1) if exclusion else total
        types = present.sum(axis=1)
        single = (C == 1).sum(axis=1)
        esc = _escape_counts(escape, types, single)
        positive = act & (state > 1e-12)
        denom = state + esc
        lam = np.where(positive, state / np.where(denom > 0, denom, 1.0), 0.0)
        coef = np.where(positive, E * lam / np.where(positive, state, 1.0), 0.0)
        P += coef[:, None] * adj
        E = np.where(act, E * (1.0 - lam), E)
        prev = present & act[:, None]
        if k == 0:
            root_types = types
    Vs = support.sum(axis=1)
    p_m1 = 1.0 / (Vs + 1.0 - root_types) if exclusion else 1.0 / Vs
    P += (E * p_m1)[:, None] * support
    return P / P.sum(axis=1, keepdims=True)
