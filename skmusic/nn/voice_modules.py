"""PyTorch module of skmusic's four-part generator, apart from the estimator that trains it.

:class:`ChoraleNet` models a chorale of four voices (soprano, alto, tenor, bass)
on two levels, each factorised so that its probabilities are exact:

* **beats** -- the pitch (or rest) every voice sounds at every quarter-note
  beat. The soprano is a causal LSTM over its own beats (it ends by drawing
  an end token); the lower voices are a causal LSTM over their own past beats
  that also reads the *whole* soprano line through a bidirectional GRU, and
  predicts at every beat the bass, then the alto, then the tenor, each given
  the voices drawn before it. So ``p(beats) = p(soprano) p(lower | soprano)``,
  and harmonizing a given melody is sampling the second factor.
* **details** -- what every voice does inside a beat on the 16th-note grid:
  whether the beat's note is struck or held over, and the notes (as intervals
  from the beat's pitch), rests and holds of the three 16ths that follow (a
  "pattern" from a vocabulary learned in ``fit``). A bidirectional GRU reads
  the beat-level chords; each voice's pattern is predicted from it, the
  voice's previous pattern, its intervals into and out of the beat, and the
  patterns already drawn at this beat (soprano, bass, alto, tenor order).

The beat level alone is a distribution over the beats of the four voices, and
so over the quarter-note frames (the set of keys sounding at every beat) that
the JSB-chorales benchmark scores; the details never feed it.

Input ``X`` of shape ``(batch, 10, n_beats + 1)``, int ids, and ``lengths``
(``n_beats + 1`` per chorale; the last column is the end marker):

====== ===================================================================
rows   content
====== ===================================================================
0-3    pitch ids of soprano, alto, tenor, bass at each beat: 0 rest,
       ``1..88`` MIDI 21..108; the end column holds :data:`END` (soprano)
       and :data:`START` (the others)
4      metrical position id of the beat
5      mode (0 major, 1 minor), the same for every beat
6-9    pattern ids of soprano, alto, tenor, bass (the end column: any)
====== ===================================================================
"""

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["ChoraleNet", "END", "N_PITCH_IDS", "START", "interval_ids"]

#: Output classes of a beat: rest, 88 keys, end.
N_PITCH_IDS = 90
#: The soprano's end-of-chorale token (an output class).
END = 89
#: Input id before the first beat (and in the end column of the lower voices).
START = 90
_N_INPUT_IDS = 91
#: Interval ids: -12..12 semitones -> 0..24; 25 a rest involved; 26 start or end.
_N_INTERVAL_IDS = 27
#: The order in which the voices of a beat are drawn: soprano, bass, alto, tenor.
DRAW_ORDER = (0, 3, 1, 2)


# (voice, a voice drawn before it at the same beat) -> table row
_PAIRS = {(3, 0): 0, (1, 0): 1, (1, 3): 2, (2, 0): 3, (2, 3): 4, (2, 1): 5}
# interval class now (12) x before (12, or none) x motion of each voice (down, none, up)
_N_MOTIONS = 12 * 13 * 3 * 3


def interval_ids(a, b):
    """Interval ids of the steps from pitch ids ``a`` to ``b`` (tensors of one shape)."""
    special = (a >= END) | (b >= END)
    rest = (a == 0) | (b == 0)
    steps = (b - a).clamp(-12, 12) + 12
    return torch.where(special, 26, torch.where(rest, 25, steps))


def _mlp(n_in, hidden, n_out, dropout):
    return nn.Sequential(
        nn.Linear(n_in, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_out)
    )


def _bidirectional(rnn, x, lengths):
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, _ = rnn(packed)
    out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return out


def _gather(logp, target):
    return logp.gather(-1, target.unsqueeze(-1)).squeeze(-1)


class ChoraleNet(nn.Module):
    """Beats and 16th-note details of four voices; see the module docstring.

    Parameters
    ----------
    n_patterns : int
        Patterns of the detail vocabulary; class ``n_patterns`` is the shared
        class of every other pattern.
    n_positions : int, default=5
        Metrical position ids.
    embedding_dim : int, default=32
    hidden_size : int, default=192
        Units of the LSTMs (and of both directions of a GRU together).
    dropout : float, default=0.3
    """

    def __init__(
        self, n_patterns, *, n_positions=5, embedding_dim=32, hidden_size=192, dropout=0.3
    ):
        super().__init__()
        E, H = embedding_dim, hidden_size
        self.n_patterns = n_patterns
        self.pitch = nn.ModuleList([nn.Embedding(_N_INPUT_IDS, E) for _ in range(4)])
        self.position = nn.Embedding(n_positions, E)
        self.mode = nn.Embedding(2, E)
        self.drop = nn.Dropout(dropout)
        # soprano: causal over its own beats
        self.soprano_rnn = nn.LSTM(3 * E, H, batch_first=True)
        self.soprano_out = nn.Linear(H, N_PITCH_IDS)
        # lower voices: the whole soprano line, then causal over their own beats
        self.soprano_enc = nn.GRU(3 * E, H // 2, batch_first=True, bidirectional=True)
        self.lower_rnn = nn.LSTM(3 * E + 2 * (H // 2), H, batch_first=True)
        # learned scores of every candidate pitch's relation to the voices known:
        # its step from the voice's last beat, and with each voice drawn before
        # it its interval class, the one before, both motions and its distance
        self.melodic = nn.Embedding(4 * 25, 1)
        self.motion = nn.Embedding(len(_PAIRS) * _N_MOTIONS, 1)
        self.distance = nn.Embedding(len(_PAIRS) * 49, 1)
        for table in (self.melodic, self.motion, self.distance):
            nn.init.zeros_(table.weight)
        self.bass_out = _mlp(H + E, H, N_PITCH_IDS, dropout)
        self.alto_out = _mlp(H + 2 * E, H, N_PITCH_IDS, dropout)
        self.tenor_out = _mlp(H + 3 * E, H, N_PITCH_IDS, dropout)
        # details: the beat-level chords, both ways
        self.chord_enc = nn.GRU(6 * E, H // 2, batch_first=True, bidirectional=True)
        self.voice = nn.Embedding(4, E)
        self.pattern_prev = nn.Embedding(n_patterns + 2, E)  # + other, + start
        self.pattern_of = nn.ModuleList([nn.Embedding(n_patterns + 2, E) for _ in range(4)])
        self.interval = nn.Embedding(_N_INTERVAL_IDS, E)
        self.pattern_out = _mlp(2 * (H // 2) + 5 * E, H, n_patterns + 1, dropout)

    # ------------------------------------------------------------ pieces
    def _side(self, pos, mode):
        return self.position(pos), self.mode(mode)

    def soprano_step(self, prev, pos, mode, state=None):
        """Logits of the next soprano beats.

        Parameters
        ----------
        prev : LongTensor of shape (batch, n)
            The soprano beats before each predicted one (:data:`START` first).
        pos, mode : LongTensor of shape (batch, n)
            Metrical position and mode of each predicted beat.
        state : tuple of Tensor or None

        Returns
        -------
        logits : Tensor of shape (batch, n, N_PITCH_IDS)
        state : tuple of Tensor
        """
        x = torch.cat([self.pitch[0](prev), *self._side(pos, mode)], dim=-1)
        out, state = self.soprano_rnn(self.drop(x), state)
        logits = self.soprano_out(self.drop(out))
        return logits + self._relations(0, {}, prev[..., None].expand(*prev.shape, 4)), state

    def encode_soprano(self, soprano, pos, mode, lengths):
        """The whole soprano line read both ways: ``(batch, n, hidden)``."""
        x = torch.cat([self.pitch[0](soprano), *self._side(pos, mode)], dim=-1)
        return self.drop(_bidirectional(self.soprano_enc, self.drop(x), lengths))

    def lower_step(self, prev_atb, enc, state=None):
        """Hidden states of the lower voices' chain.

        Parameters
        ----------
        prev_atb : LongTensor of shape (batch, 3, n)
            Alto, tenor and bass beats before each predicted one.
        enc : Tensor of shape (batch, n, hidden)
            :meth:`encode_soprano` at the predicted beats.
        state : tuple of Tensor or None

        Returns
        -------
        h : Tensor of shape (batch, n, hidden)
        state : tuple of Tensor
        """
        x = torch.cat([self.pitch[v + 1](prev_atb[:, v]) for v in range(3)], dim=-1)
        out, state = self.lower_rnn(torch.cat([self.drop(x), enc], dim=-1), state)
        return self.drop(out), state

    def _relations(self, voice, current, prev):
        """``(..., N_PITCH_IDS)`` learned scores of every candidate pitch of
        ``voice`` given the previous beat of every voice (``prev``, ``(..., 4)``
        ids) and the voices already drawn at this beat (``current``, voice ->
        ids): the step from its own last pitch, and per drawn voice the
        interval class now and before, both motions and the distance."""
        cand = torch.arange(N_PITCH_IDS, device=prev.device)
        sounding = (cand >= 1) & (cand < END)

        def ok(ids):
            return (ids >= 1) & (ids < END)

        pv = prev[..., voice]
        step = (cand - pv[..., None]).clamp(-12, 12) + 12
        melodic = self.melodic(voice * 25 + step).squeeze(-1)
        bias = torch.where(sounding & ok(pv)[..., None], melodic, 0.0)
        for u, ut in current.items():
            pu = prev[..., u]
            before = ok(pv) & ok(pu)
            ic_prev = torch.where(before, (pv - pu).abs() % 12, 12)[..., None]
            dir_v = torch.where(ok(pv)[..., None], torch.sign(cand - pv[..., None]) + 1, 1)
            dir_u = torch.where(before & ok(ut), torch.sign(ut - pu) + 1, 1)[..., None]
            ic_now = (cand - ut[..., None]).abs() % 12
            row = _PAIRS[(voice, u)]
            idx = ((ic_now * 13 + ic_prev) * 3 + dir_v) * 3 + dir_u
            rel = self.motion(row * _N_MOTIONS + idx).squeeze(-1)
            dist = (ut[..., None] - cand).clamp(-24, 24) + 24
            rel = rel + self.distance(row * 49 + dist).squeeze(-1)
            bias = bias + torch.where(sounding & ok(ut)[..., None], rel, 0.0)
        return bias

    def lower_logits(self, voice, h, soprano, bass=None, alto=None, prev=None):
        """Logits of one lower voice's beat (``voice`` 1 alto, 2 tenor, 3 bass)
        given the chain's state, the voices drawn before it at that beat and the
        previous beat of every voice (``prev``, ``(..., 4)`` ids, soprano first)."""
        parts = [h, self.pitch[0](soprano)]
        current = {0: soprano}
        if voice in (1, 2):
            parts.append(self.pitch[3](bass))
            current[3] = bass
        if voice == 2:
            parts.append(self.pitch[1](alto))
            current[1] = alto
        head = {3: self.bass_out, 1: self.alto_out, 2: self.tenor_out}[voice]
        logits = head(torch.cat(parts, dim=-1)) + self._relations(voice, current, prev)
        # a lower voice never ends the chorale
        return logits.masked_fill(torch.arange(N_PITCH_IDS, device=h.device) == END, -torch.inf)

    def encode_chords(self, beats, pos, mode, lengths):
        """The beat-level chords read both ways: ``(batch, n, hidden)``."""
        x = torch.cat(
            [*(self.pitch[v](beats[:, v]) for v in range(4)), *self._side(pos, mode)], dim=-1
        )
        return self.drop(_bidirectional(self.chord_enc, self.drop(x), lengths))

    def pattern_logits(self, voice, ctx, prev_pattern, before, after, drawn):
        """Logits of one voice's patterns.

        Parameters
        ----------
        voice : int
            0 soprano, 1 alto, 2 tenor, 3 bass.
        ctx : Tensor of shape (..., hidden)
            :meth:`encode_chords` at the beats.
        prev_pattern : LongTensor of shape (...)
            The voice's pattern at the beat before (``n_patterns + 1`` at the first).
        before, after : LongTensor of shape (...)
            Interval ids (:func:`interval_ids`) of the voice's steps into the
            beat and out of it.
        drawn : dict of {int: LongTensor of shape (...)}
            Patterns of the voices drawn earlier at these beats (in
            :data:`DRAW_ORDER`).

        Returns
        -------
        logits : Tensor of shape (..., n_patterns + 1)
        """
        v = torch.full_like(prev_pattern, voice)
        earlier = sum(
            (self.pattern_of[u](drawn[u]) for u in DRAW_ORDER[: DRAW_ORDER.index(voice)]),
            torch.zeros_like(ctx[..., : self.voice.embedding_dim]),
        )
        x = torch.cat(
            [
                ctx,
                self.voice(v),
                self.pattern_prev(prev_pattern),
                self.interval(before),
                self.interval(after),
                earlier,
            ],
            dim=-1,
        )
        return self.pattern_out(x)

    # ----------------------------------------------------------- scoring
    def log_likelihoods(self, X, lengths):
        """Log-probabilities of every chorale of a batch, by part.

        Parameters
        ----------
        X : LongTensor of shape (batch, 10, n_beats + 1)
        lengths : LongTensor of shape (batch,)

        Returns
        -------
        out : Tensor of shape (batch, 8)
            Summed log-probabilities of the soprano's beats (its end included),
            the bass's, alto's and tenor's beats, the soprano's patterns, the
            lower voices' patterns; then the counts of soprano and of lower
            patterns in the shared "other" class (whose probability the
            estimator splits among the patterns it stands for).
        """
        X = X.long()
        B, _, L = X.shape
        dtype = torch.float32 if self.training else torch.float64  # exact sums when scoring
        beats, pos, mode, patterns = X[:, :4], X[:, 4], X[:, 5], X[:, 6:10]
        steps = torch.arange(L, device=X.device)
        valid = steps[None, :] < lengths[:, None]  # soprano targets, end included
        inner = steps[None, :] < (lengths - 1)[:, None]  # beats with four voices
        # the end column's soprano is END; padding past it is START in every voice
        beats = torch.where(valid[:, None], beats, START)
        start = torch.full((B, 1), START, dtype=torch.long, device=X.device)

        soprano = beats[:, 0]
        logits, _ = self.soprano_step(torch.cat([start, soprano[:, :-1]], 1), pos, mode)
        lp_s = _gather(F.log_softmax(logits.to(dtype), -1), soprano.clamp(max=END))
        out = [(lp_s * valid).sum(1)]

        enc = self.encode_soprano(soprano, pos, mode, lengths)
        prev = torch.cat([torch.full((B, 3, 1), START, device=X.device), beats[:, 1:, :-1]], 2)
        prev = torch.where(prev == END, START, prev)
        h, _ = self.lower_step(prev[:, [0, 1, 2]], enc)
        alto, tenor, bass = (beats[:, v].clamp(max=END - 1) for v in (1, 2, 3))
        prev4 = torch.cat([torch.full((B, 4, 1), START, device=X.device), beats[:, :, :-1]], 2)
        prev4 = prev4.transpose(1, 2)  # (B, L, 4)
        for voice, target in ((3, bass), (1, alto), (2, tenor)):
            logits = self.lower_logits(voice, h, soprano.clamp(max=END), bass, alto, prev4)
            logp = F.log_softmax(logits.to(dtype), -1)
            out.append((_gather(logp, target) * inner).sum(1))

        ctx = self.encode_chords(beats, pos, mode, lengths)
        start_pattern = self.n_patterns + 1
        patterns = torch.where(inner[:, None], patterns, start_pattern)
        prev_pattern = torch.cat(
            [torch.full((B, 4, 1), start_pattern, device=X.device), patterns[:, :, :-1]], 2
        )
        before = torch.cat([torch.full((B, 4, 1), START, device=X.device), beats[:, :, :-1]], 2)
        after = torch.cat([beats[:, :, 1:], torch.full((B, 4, 1), END, device=X.device)], 2)
        drawn = {v: patterns[:, v] for v in range(4)}
        other = self.n_patterns
        lp_pat, n_other = [], []
        for voice in range(4):
            logits = self.pattern_logits(
                voice,
                ctx,
                prev_pattern[:, voice],
                interval_ids(before[:, voice], beats[:, voice]),
                interval_ids(beats[:, voice], after[:, voice]),
                drawn,
            )
            target = patterns[:, voice].clamp(max=other)
            lp = _gather(F.log_softmax(logits.to(dtype), -1), target)
            lp_pat.append((lp * inner).sum(1))
            n_other.append(((target == other) & inner).sum(1).double())
        out += [lp_pat[0], lp_pat[1] + lp_pat[2] + lp_pat[3]]
        out += [n_other[0], n_other[1] + n_other[2] + n_other[3]]
        return torch.stack([o.to(dtype) for o in out], dim=1)

    def forward(self, X, lengths):
        """Summed negative log-likelihood and number of predictions per chorale,
        shape ``(batch, 2)`` (what :class:`SummedNLLLoss` averages)."""
        ll = self.log_likelihoods(X, lengths)
        count = (lengths.double() - 1) * 8 + 1  # 4 beats + 4 patterns per beat, the end
        return torch.stack([-ll[:, :6].sum(1), count], dim=1).float()


class SummedNLLLoss(nn.Module):
    """Mean negative log-likelihood per prediction over a batch: the sum of
    the first column of ``(batch, 2)`` outputs over the sum of the second."""

    def forward(self, out, target=None):
        return out[:, 0].sum() / out[:, 1].sum()
