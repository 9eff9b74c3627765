"""Generators used as a data scientist would: fit, sample, score, search, save."""

import os

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from skmusic.features import NoteTokenizer
from skmusic.generation import (
    ClassConditionalGenerator,
    NGramTokenGenerator,
    NoteLSTMGenerator,
    SequenceForecaster,
    WaveformGenerator,
    write_tokens_midi,
)
from skmusic.io import ScoreLoader, read_audio, write_wav
from skmusic.plotting import plot_forecast


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Tiny networks run faster on one thread (and much faster on a busy machine)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


TINY_LSTM = {
    "width": 8,
    "embedding_dim": 8,
    "hidden_size": 16,
    "num_layers": 1,
    "dense": (),
    "dropout": 0.0,
    "max_epochs": 30,
    "lr": 0.05,
    "random_state": 0,
}


def _pattern_sequences(n, length=24, seed=0):
    """Sequences that cycle 1 2 3 4 from a random phase (ids 0..4, 0 unused)."""
    rng = np.random.RandomState(seed)
    cycle = np.array([1, 2, 3, 4])
    return [np.roll(np.resize(cycle, length), -rng.randint(4)).reshape(1, -1) for _ in range(n)]


@pytest.fixture(scope="module")
def pattern_lstm():
    X = _pattern_sequences(12)
    return NoteLSTMGenerator(**TINY_LSTM).fit(X)


# --- NoteLSTMGenerator ------------------------------------------------------


def test_note_lstm_learns_a_repeating_pattern(pattern_lstm):
    held_out = _pattern_sequences(6, seed=1)
    uniform = np.log(1 / pattern_lstm.n_tokens_)
    score = pattern_lstm.score(held_out)
    assert score > uniform + 1.0
    assert pattern_lstm.perplexity(held_out) < 1.5
    ids = pattern_lstm.sample(12, prompt=[3, 4], temperature=0.2)
    assert ids.shape == (1, 1, 12)
    assert ids[0, 0].tolist() == [1, 2, 3, 4] * 3
    assert pattern_lstm.score_samples(held_out).shape == (6,)


def test_note_lstm_random_state_gives_identical_samples():
    X = _pattern_sequences(6)
    params = {**TINY_LSTM, "max_epochs": 3}
    a = NoteLSTMGenerator(**params).fit(X)
    b = NoteLSTMGenerator(**params).fit(X)
    assert np.array_equal(a.sample(20, n_samples=3), b.sample(20, n_samples=3))
    assert a.score(X) == pytest.approx(b.score(X))
    # an explicit seed in sample overrides the estimator's
    assert not np.array_equal(a.sample(50, random_state=1), a.sample(50, random_state=2))


def test_note_lstm_joblib_round_trip(pattern_lstm, tmp_path):
    path = tmp_path / "gen.joblib"
    joblib.dump(pattern_lstm, path)
    loaded = joblib.load(path)
    X = _pattern_sequences(3, seed=5)
    assert loaded.score(X) == pytest.approx(pattern_lstm.score(X))
    assert np.array_equal(
        loaded.sample(10, random_state=0), pattern_lstm.sample(10, random_state=0)
    )


def test_grid_search_tunes_a_generator_by_held_out_score():
    X = _pattern_sequences(8)
    search = GridSearchCV(
        NoteLSTMGenerator(**{**TINY_LSTM, "max_epochs": 15}),
        {"hidden_size": [1, 16]},
        cv=2,
    ).fit(X)
    assert search.best_params_ == {"hidden_size": 16}
    assert search.cv_results_["mean_test_score"][1] > search.cv_results_["mean_test_score"][0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"temperature": 0}, "temperature must be a positive"),
        ({"temperature": -1.0}, "temperature must be a positive"),
        ({"prompt": [1, 99]}, "unknown to this model"),
        ({"prompt": []}, "prompt is empty"),
        ({"n_steps": 0}, "n_steps must be a positive integer"),
    ],
)
def test_note_lstm_sample_bad_input(pattern_lstm, kwargs, match):
    kwargs = {"n_steps": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        pattern_lstm.sample(**kwargs)


def test_note_lstm_bad_training_and_scoring_input(pattern_lstm):
    gen = NoteLSTMGenerator(**TINY_LSTM)
    with pytest.raises(ValueError, match="empty"):
        gen.fit([])
    with pytest.raises(ValueError, match="not token ids"):
        gen.fit([np.array([[0.5, 1.0, 2.0]])])
    with pytest.raises(ValueError, match="Negative values"):
        gen.fit([np.array([[1, -2, 3]])])
    with pytest.raises(ValueError, match="fewer than the 2"):
        gen.fit([np.array([[1, 2, 3]]), np.array([[4]])])
    with pytest.raises(ValueError, match="unknown to this model"):
        pattern_lstm.score([np.array([[1, 2, 7]])])
    with pytest.raises(ValueError, match="n_tokens must exceed"):
        NoteLSTMGenerator(**{**TINY_LSTM, "n_tokens": 3}).fit([np.array([[1, 2, 5]])])


def test_pipeline_tokenizer_generator_on_bach_chorales(corpus_scores, tmp_path):
    """Real chorales: tokenizer + LSTM in a Pipeline, sampled back to a MIDI file."""
    bach = [s for s, t in zip(corpus_scores.data, corpus_scores.target) if t == "bach"]
    pipe = make_pipeline(
        NoteTokenizer(durations=True, rests=True, part=0),
        NoteLSTMGenerator(**{**TINY_LSTM, "width": 32, "max_epochs": 10, "lr": 0.02}),
    ).fit(bach[:3])
    tok, gen = pipe[0], pipe[-1]
    assert np.isfinite(pipe.score(bach[3:]))  # unseen tokens map to <unk>
    assert pipe.score(bach[:3]) > np.log(1 / gen.n_tokens_)
    ids = gen.sample(40, n_samples=2, random_state=0)
    scores = tok.inverse_transform(ids)
    assert len(scores) == 2 and scores[0].dtype.names[0] == "pitch"
    path = write_tokens_midi(ids[0], tok, tmp_path / "chorale.mid", bpm=90)
    notes = ScoreLoader().transform([path])[0]
    assert notes.shape[0] > 0
    decoded = tok.decode(ids[0])
    np.testing.assert_array_equal(notes["pitch"], decoded["pitch"])


# --- NGramTokenGenerator -------------------------------------------------------


def test_ngram_scores_match_hand_counts():
    X = [np.array([[1, 2, 1, 2, 1]])]
    bigram = NGramTokenGenerator(2, alpha=1.0).fit(X)
    # p(2|1) = (2 + 1) / (2 + 3), p(1|2) = (2 + 1) / (2 + 3): n_tokens_ = 3
    assert bigram.score(X) == pytest.approx(np.log(3 / 5))
    unigram = NGramTokenGenerator(1, alpha=1.0).fit(X)
    # predicted tokens 2 1 2 1: p(1) = (2 + 1) / (4 + 3), p(2) = (2 + 1) / (4 + 3)
    assert unigram.score(X) == pytest.approx(np.log(3 / 7))
    assert unigram.perplexity(X) == pytest.approx(7 / 3)


def test_lstm_beats_unigram_and_bigram_on_a_pattern_they_cannot_hold(pattern_lstm):
    # a pattern where the next token depends on two tokens back: 1 1 2 2 1 1 2 2
    X = [np.resize([1, 1, 2, 2], 24).reshape(1, -1)] * 8
    held = [np.resize([1, 2, 2, 1], 24).reshape(1, -1)] * 2
    lstm = NoteLSTMGenerator(**TINY_LSTM).fit(X)
    unigram = NGramTokenGenerator(1).fit(X)
    bigram = NGramTokenGenerator(2).fit(X)
    assert lstm.score(held) > max(bigram.score(held), unigram.score(held)) + 0.3


# --- SequenceForecaster -------------------------------------------------------


def test_forecaster_follows_a_periodic_melody_and_plots(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    t = np.arange(200)
    X = [60 + 6 * np.sin(2 * np.pi * (t + p) / 12) for p in range(0, 12, 2)]
    model = SequenceForecaster(
        width=12, conv_channels=8, hidden_size=16, hop=2, max_epochs=40, lr=0.01, random_state=0
    ).fit(X)
    assert model.score(X) > -1.0  # semitones^2
    truth = 60 + 6 * np.sin(2 * np.pi * (t + 5) / 12)
    forecast = model.forecast(truth[:24], n_steps=24)
    assert forecast.shape == (1, 24)
    assert np.abs(forecast[0] - truth[24:48]).mean() < 2.0
    assert model.predict([truth[:24], truth[:30]]).shape == (2, 1, 1)
    ax = plot_forecast(truth[:48], forecast, start=24)
    assert len(ax.lines) == 3
    ax.figure.savefig(tmp_path / "forecast.png")
    with pytest.raises(ValueError, match="shorter than the 12"):
        model.forecast(truth[:5], n_steps=3)
    with pytest.raises(ValueError, match="Reshape your data"):
        model.predict(truth)


# --- WaveformGenerator --------------------------------------------------------


def _tones(n, sr=1000, seconds=2.0, freq=50.0, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(int(sr * seconds)) / sr
    return np.stack(
        [0.5 * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi)) for _ in range(n)]
    )[:, np.newaxis, :].astype(np.float32)


def test_waveform_generator_rolls_forward_and_writes_wav(tmp_path):
    X = _tones(6)
    gen = WaveformGenerator(
        width=90,
        horizon=10,
        sr=1000,
        output="mse",
        hop=30,
        kernel_size=8,
        conv_stride=4,
        conv_channels=8,
        hidden_size=16,
        max_epochs=5,
        lr=0.01,
        random_state=0,
    ).fit(X)
    held = _tones(2, seed=1)
    # better than repeating the last 10 samples (which is off-phase for 50 Hz at 1 kHz)
    windows = held[:, :, :100]
    repeat_mse = float(((windows[..., 80:90] - windows[..., 90:100]) ** 2).mean())
    assert -gen.score(held) < repeat_mse
    clip = gen.sample(held[0, :, :90], seconds=0.3)
    assert clip.shape == (1, 300) and np.isfinite(clip).all()
    batch = gen.sample(held[:, :, :120], seconds=0.05)
    assert batch.shape == (2, 1, 50)
    path = write_wav(clip, tmp_path / "gen.wav", sr=gen.sr)
    wave = read_audio(path, sr=None)
    np.testing.assert_allclose(wave, clip, atol=1e-6)
    with pytest.raises(ValueError, match="shorter than the 90"):
        gen.sample(held[0, :, :50], seconds=0.1)
    with pytest.raises(ValueError, match="seconds must be a positive"):
        gen.sample(held[0, :, :90], seconds=0)
    with pytest.raises(ValueError, match="mono"):
        clone(gen).fit(np.zeros((2, 2, 200)))


def test_waveform_generator_on_rendered_corpus_audio(audio_files):
    import librosa

    waves = [
        librosa.resample(w, orig_sr=audio_files.sr, target_sr=2000) for w in audio_files.data[:4]
    ]
    gen = WaveformGenerator(
        width=180,
        horizon=20,
        sr=2000,
        hop=100,
        kernel_size=16,
        conv_stride=8,
        conv_channels=4,
        hidden_size=8,
        decoder_size=8,
        max_epochs=2,
        random_state=0,
    ).fit(waves[:3])
    assert np.isfinite(gen.score(waves[3:])) and gen.score(waves[3:]) < 0  # nats per sample
    assert gen.sample(waves[3][:, :180], seconds=0.1).shape == (1, 200)


def test_waveform_generator_mulaw_draws_audio_that_keeps_its_level():
    """The categorical output is sampled, not averaged: a roll-out keeps the
    loudness of the training audio where the MSE output fades."""

    def tones(n, seed):  # 50 Hz at 1 kHz shifted by whole samples: the same 20 levels recur
        shifts = np.random.RandomState(seed).randint(20, size=n)
        t = np.arange(2000)
        return np.stack([0.5 * np.sin(2 * np.pi * (t + s) / 20) for s in shifts])[:, None]

    X, held = tones(6, seed=0), tones(2, seed=1)
    params = {
        "width": 90,
        "horizon": 10,
        "sr": 1000,
        "hop": 10,
        "kernel_size": 8,
        "conv_stride": 4,
        "conv_channels": 8,
        "hidden_size": 16,
        "decoder_size": 16,
        "max_epochs": 4,
        "lr": 0.01,
        "random_state": 0,
    }
    gen = WaveformGenerator(**params).fit(X)
    assert gen.output == "mulaw" and gen.scale_[0] == pytest.approx(0.5, rel=1e-3)
    score = gen.score(held)
    assert np.log(1 / 256) + 1.0 < score < 0  # far better than a uniform guess over levels
    assert gen.score_samples(held).shape == (2,)
    clip = gen.sample(held[0, :, :90], seconds=1.0)
    rms_real = float(np.sqrt(np.mean(held**2)))
    rms = float(np.sqrt(np.mean(clip**2)))
    assert clip.shape == (1, 1000) and 0.5 * rms_real < rms < 2 * rms_real
    assert np.abs(clip).max() <= 0.5 + 1e-6  # within the training audio's peak
    # temperature and seeds: repeatable, and a cold sample is still audio
    a = gen.sample(held[:, :, :90], seconds=0.05, temperature=0.5, random_state=3)
    b = gen.sample(held[:, :, :90], seconds=0.05, temperature=0.5, random_state=3)
    assert a.shape == (2, 1, 50) and np.array_equal(a, b)
    assert gen.predict(held).shape == (2, 1, 10)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        gen.sample(held[0, :, :90], seconds=0.1, temperature=0)
    # the paper's framing and MSE output, as a preset
    paper = WaveformGenerator.from_preset("gtzan")
    assert (paper.width, paper.horizon, paper.sr, paper.output) == (9000, 1000, 10000, "mse")
    with pytest.raises(ValueError, match="Unknown preset 'wavenet'"):
        WaveformGenerator.from_preset("wavenet")


# --- ClassConditionalGenerator ------------------------------------------------


def test_class_conditional_generator_samples_each_class_and_classifies():
    duple = [np.resize([1, 2], 12).reshape(1, -1)] * 4
    triple = [np.resize([3, 4, 5], 12).reshape(1, -1)] * 4
    X, y = duple + triple, np.array(["duple"] * 4 + ["triple"] * 4)
    model = ClassConditionalGenerator(NGramTokenGenerator(alpha=0.01)).fit(X, y)
    assert model.classes_.tolist() == ["duple", "triple"]
    assert set(model.generators_) == {"duple", "triple"}
    assert model.generators_["duple"].n_tokens_ == 6  # one vocabulary for all classes
    assert set(model.sample("triple", 9, prompt=[3], random_state=0).ravel()) == {3, 4, 5}
    assert model.predict([np.array([[2, 1, 2, 1]]), np.array([[5, 3, 4]])]).tolist() == [
        "duple",
        "triple",
    ]
    assert model.score(X, y) > np.log(0.9)
    with pytest.raises(ValueError, match="Unknown class 'waltz'"):
        model.sample("waltz", 5)
    with pytest.raises(ValueError, match="one label per sequence"):
        clone(model).fit(X, y[:3])


def test_class_conditional_lstm_per_class_is_repeatable(tmp_path):
    X = _pattern_sequences(4) + [np.resize([4, 3, 2, 1], 24).reshape(1, -1)] * 4
    y = [0] * 4 + [1] * 4
    params = {**TINY_LSTM, "max_epochs": 15}
    model = ClassConditionalGenerator(NoteLSTMGenerator(**params)).fit(X, y)
    again = joblib.load(joblib.dump(model, tmp_path / "m.joblib")[0])
    np.testing.assert_array_equal(model.sample(1, 8, prompt=[4]), again.sample(1, 8, prompt=[4]))
    assert model.sample(1, 4, prompt=[4], temperature=0.1)[0, 0].tolist() == [3, 2, 1, 4]
    assert model.predict(X).tolist() == y


@pytest.mark.slow
def test_note_lstm_beats_bigram_on_held_out_bach_chorales():
    """The defaults against the bigram, as benchmarks/bench_generation.py measures
    them: soprano tokens, 250 training and 80 held-out chorales."""
    from skmusic.datasets import load_corpus

    songs = load_corpus("bach", verbose=False)
    train, test = train_test_split(songs.data, train_size=250, test_size=80, random_state=0)
    tok = NoteTokenizer(durations=True, rests=True, part=0).fit(train)
    X_train = [x for x in tok.transform(train) if x.shape[1] > 1]
    X_test = [x for x in tok.transform(test) if x.shape[1] > 1]
    V = tok.n_tokens_
    bigram = NGramTokenGenerator(2, alpha=0.1, n_tokens=V).fit(X_train)
    lstm = NoteLSTMGenerator(n_tokens=V, random_state=0).fit(X_train)  # the defaults
    assert lstm.hidden_size_ == 128  # chosen from the vocabulary size (229 tokens)
    assert np.exp(bigram.score(X_test) - lstm.score(X_test)) < 0.95  # 5 % lower perplexity
    assert os.path.exists(write_tokens_midi(lstm.sample(64)[0], tok, "/tmp/skmusic_bach.mid"))


def test_note_lstm_early_stopping_scores_only_held_out_sequences():
    """At its defaults the generator holds out whole sequences: the validation
    batches hold only tokens of held-out sequences. Every sequence here has
    tokens of its own, so windows held out at random (which overlap training
    windows of the same sequences) would put training tokens in them."""
    from skorch.callbacks import Callback

    class Record(Callback):
        """Keeps the ids of every training and validation batch."""

        def initialize(self):
            self.train, self.valid = set(), set()
            return self

        def on_batch_begin(self, net, batch=None, training=False, **kwargs):
            (self.train if training else self.valid).update(batch[0].numpy().ravel().tolist())

    X = [np.resize(np.arange(1, 5) + 4 * i, 40) for i in range(10)]  # sequence i: 4i+1..4i+4
    gen = NoteLSTMGenerator(
        width=8, hidden_size=8, max_epochs=2, callbacks=[Record()], random_state=0
    ).fit(X)
    record = next(cb for _, cb in gen.net_.callbacks_ if isinstance(cb, Record))
    assert gen.validation_fraction == 0.1 and "valid_loss" in gen.history_[-1]
    # ids reach the net as output classes; map them back to tokens
    tokens = np.flatnonzero(gen.token_map_ < gen.n_classes_ - (gen.n_rare_ > 0))

    def owners(ids):  # the sequences the tokens of these ids belong to
        return {(int(tokens[int(i)]) - 1) // 4 for i in ids}

    valid_owners, train_owners = owners(record.valid), owners(record.train)
    assert len(valid_owners) == 1  # round(0.1 * 10) sequences held out
    assert not valid_owners & train_owners
    assert train_owners | valid_owners == set(range(10))
    # too few sequences to hold one out: trains on everything, without validation
    one = NoteLSTMGenerator(width=8, hidden_size=8, max_epochs=1).fit([np.arange(30) % 5])
    assert "valid_loss" not in one.history_[-1]


def test_note_lstm_rare_tokens_share_one_class():
    """Tokens seen fewer than min_count times share a class, split evenly, so a
    held-out unseen token keeps a finite, sensible likelihood."""
    X = [np.resize([1, 2, 3, 4], 24) for _ in range(6)] + [np.array([1, 2, 5, 6, 3, 4])]
    gen = NoteLSTMGenerator(
        width=8, hidden_size=8, max_epochs=3, ngram_mix=None, random_state=0
    ).fit(X)
    assert gen.n_tokens_ == 7 and gen.n_rare_ == 3  # 0 (never seen), 5 and 6 (once each)
    assert gen.token_map_[[0, 5, 6]].tolist() == [4, 4, 4]
    lp = gen._log_probs([np.array([1, 0]), np.array([1, 5])])
    assert lp[0][0] == pytest.approx(lp[1][0])  # rare tokens: the same share
    assert np.log(1e-6) < lp[0][0] < np.log(1 / 3)
    drawn = gen.sample(200, random_state=0, temperature=3.0)
    assert set(np.unique(drawn)) <= set(range(7))
    every = NoteLSTMGenerator(width=8, hidden_size=8, max_epochs=1, min_count=1).fit(X)
    assert every.n_rare_ == 1  # only the unseen id 0
    assert NoteLSTMGenerator.from_preset("chopin").num_layers == 3


def test_note_lstm_mixes_in_the_ngram_the_held_out_sequences_prefer():
    """ngram_mix="auto": the mixture's weight and n-gram are chosen on the
    early-stopping sequences; score, score_samples and sample all use the mixture."""
    rng = np.random.RandomState(0)
    # a pattern with noise: an n-gram and a small, briefly trained LSTM both miss some of it
    X = [
        np.where(rng.rand(40) < 0.2, rng.randint(1, 9, 40), np.resize([1, 2, 3, 4, 5], 40))
        for _ in range(20)
    ]
    params = {**TINY_LSTM, "max_epochs": 4}
    gen = NoteLSTMGenerator(**params).fit(X)
    assert gen.ngram_ is not None and 0 < gen.ngram_weight_ < 1
    assert gen.ngram_.smoothing == "kneser_ney"
    held_out = [x.astype(np.int64) for x in X[:5]]
    w = gen.ngram_weight_
    lstm = np.concatenate(gen._lstm_log_probs(held_out))
    ngram = np.concatenate(gen.ngram_._all_log_probs(held_out))
    mixed = np.logaddexp(np.log1p(-w) + lstm, np.log(w) + ngram)
    assert gen.score(held_out) == pytest.approx(mixed.mean())
    assert gen.score_samples(held_out).shape == (5,)
    draws = gen.sample(30, n_samples=2, random_state=0)
    assert draws.shape == (2, 1, 30) and draws.max() < gen.n_tokens_
    np.testing.assert_array_equal(draws, gen.sample(30, n_samples=2, random_state=0))
    assert gen.sample(5, prompt=[1, 2], random_state=0).shape == (1, 1, 5)
    # ngram_mix=None: the network alone, the same network
    alone = NoteLSTMGenerator(**params, ngram_mix=None).fit(X)
    assert alone.ngram_ is None and alone.ngram_weight_ == 0.0
    assert alone.score(held_out) == pytest.approx(lstm.mean(), rel=1e-5)
    # groups: the early-stopping sequences are whole groups
    groups = np.arange(20) // 2
    grouped = NoteLSTMGenerator(**params).fit(X, groups=groups)
    _, _, owner = grouped._windows([grouped.token_map_[x] for x in X])
    valid = grouped.net_.train_split.cv.test_fold == 0
    held = set(groups[owner[valid]].tolist())
    assert held and not held & set(groups[owner[~valid]].tolist())  # whole pairs held out
    with pytest.raises(ValueError, match="one group per sequence"):
        NoteLSTMGenerator(**params).fit(X, groups=[0, 1])


def test_hop_none_means_width_in_every_generator():
    """``hop=None`` is ``width`` (windows that do not overlap), as in slicing."""
    from skmusic.utils.windows import check_window

    ids = [np.arange(40) % 7]
    explicit = NoteLSTMGenerator(width=8, hop=8)._windows(ids)
    implicit = NoteLSTMGenerator(width=8, hop=None)._windows(ids)
    overlapping = NoteLSTMGenerator(width=8, hop=4)._windows(ids)
    assert len(implicit[2]) == len(explicit[2]) < len(overlapping[2])
    for gen in (SequenceForecaster(width=12, hop=None), WaveformGenerator(width=90, hop=None)):
        assert gen._hop() == check_window(gen.width, None)[1] == gen.width
