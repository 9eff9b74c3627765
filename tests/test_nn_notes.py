"""Tests of the note network: categorical input, whole songs, masks (skmusic.nn.notes)."""

import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from skmusic.datasets import load_corpus
from skmusic.ensemble import VotingSliceClassifier
from skmusic.features import NoteSequence
from skmusic.io.notes import make_notes
from skmusic.nn import NoteNetworkClassifier
from skmusic.nn.data import batch_to_tensors
from skmusic.nn.masking import sequence_mask
from skmusic.nn.note_modules import CategoryHistograms, NoteNetwork, random_window
from skmusic.nn.preprocessing import CategoryVocabulary, resolve_categorical

pytestmark = pytest.mark.usefixtures("one_torch_thread")

ROWS = ("degree", "interval_class", "duration_class", "beat_class", "duration", "interval")
TINY = dict(
    d_model=8, embedding_dim=4, n_blocks=2, max_epochs=15, lr=0.01, n_estimators=1, random_state=0
)


@pytest.fixture(scope="module")
def songs():
    """Ten Bach chorales and ten tunes of Ryan's Mammoth (cached by load_corpus)."""
    data = load_corpus(
        "composers", classes=["bach", "ryans_mammoth"], max_per_class=10, verbose=False
    )
    return list(data.data), np.asarray(data.target)


def _model(**params):
    seq = NoteSequence(features=ROWS)
    net = NoteNetworkClassifier(categorical=seq.categorical_rows(), **{**TINY, **params})
    return Pipeline([("notes", seq), ("clf", net)])


def _toy(n=40, seed=0):
    """Two classes told apart by the category in row 0; row 1 is noise."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = [
        np.stack([rng.randint(0, 4, t) + 4 * c, rng.randn(t)]).astype(np.float32)
        for t, c in zip(rng.randint(3, 40, n), y)
    ]
    return X, y


# ---------------------------------------------------------------- vocabularies


def test_vocabulary_codes_seen_values_and_zero_for_unseen():
    vocab = CategoryVocabulary().fit(np.array([3.0, 1.0, 3.0, 7.0]))
    assert vocab.categories_.tolist() == [1.0, 3.0, 7.0]
    assert vocab.transform(np.array([7.0, 1.0, 2.0, 99.0, -1.0])).tolist() == [3, 1, 0, 0, 0]


def test_resolve_categorical_auto_indices_mask_and_errors():
    batch = [np.array([[0, 2, 11], [0.5, 1.0, 2.0], [-1, 0, 1], [60, 64, 200]], dtype=float)]
    # whole numbers 0..127 only: not the fractions, the negatives or 200
    assert resolve_categorical("auto", batch, 4) == [0]
    assert resolve_categorical([2, 0, 2], batch, 4) == [0, 2]
    assert resolve_categorical(np.array([True, False, False, True]), batch, 4) == [0, 3]
    assert resolve_categorical(None, batch, 4) == []
    with pytest.raises(ValueError, match="row indices in 0..3"):
        resolve_categorical([4], batch, 4)
    with pytest.raises(ValueError, match="one entry per input row"):
        resolve_categorical(np.array([True, False]), batch, 4)
    with pytest.raises(ValueError, match="Row 1 is declared categorical"):
        resolve_categorical([1], batch, 4)


# ---------------------------------------------------------------- the estimator


def test_learns_a_category_and_takes_unseen_categories_at_predict():
    X, y = _toy()
    clf = NoteNetworkClassifier(**TINY).fit(X, y)
    assert clf.categorical_ == [0]
    assert clf.vocabularies_[0].categories_.tolist() == list(range(8))
    assert clf.score(X, y) >= 0.9
    # categories never seen in fit (8, 50) map to the unseen index: no error
    new = [np.stack([np.array([8.0, 50.0, 1.0]), np.zeros(3)]).astype(np.float32)]
    assert clf.predict_proba(new).shape == (1, 2)
    # the caller's arrays are not changed by the vocabulary lookup
    assert X[0][0].max() < 8 and X[0].dtype == np.float32


def test_categorical_rows_are_embedded_not_normalized():
    X, y = _toy()
    clf = NoteNetworkClassifier(**TINY).fit(X, y)
    # only the continuous row is standardized
    assert clf.input_mean_.shape == (1,)
    # relabelling the categories consistently gives the same predictions
    relabelled = [np.stack([seq[0] * 10 + 3, seq[1]]) for seq in X]
    clf2 = NoteNetworkClassifier(**TINY).fit(relabelled, y)
    np.testing.assert_allclose(
        clf.predict_proba(X), clf2.predict_proba(relabelled), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize(
    "params", [dict(), dict(summaries=False), dict(n_blocks=0), dict(categorical=None)]
)
def test_a_songs_prediction_does_not_depend_on_its_batch(params):
    X, y = _toy()
    clf = NoteNetworkClassifier(**{**TINY, **params}).fit(X, y)
    together = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba([x]) for x in X])
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-5)
    # the shortest song beside one 50 times longer
    short = min(X, key=lambda x: x.shape[1])
    long = np.tile(X[0], 50)
    np.testing.assert_allclose(
        clf.predict_proba([short, long])[0], clf.predict_proba([short])[0], atol=1e-5
    )


def test_module_masks_padding_exactly():
    torch.manual_seed(0)
    net = NoteNetwork(3, 2, [0], [np.arange(5.0)], d_model=8, embedding_dim=4, n_blocks=3).eval()
    x = torch.cat([torch.randint(0, 5, (1, 1, 7)).float(), torch.randn(1, 2, 7)], dim=1)
    padded = torch.cat([x, torch.full((1, 3, 9), 4.0)], dim=-1)  # garbage past the end
    with torch.no_grad():
        alone = net(x)
        batch = net(torch.cat([padded, padded]), torch.tensor([7, 16]))
    torch.testing.assert_close(batch[0], alone[0], rtol=0, atol=1e-6)


def test_category_histograms_values_on_a_padded_song():
    # one categorical row (vocabulary of 3) and one continuous row; the second song is
    # padded with values that would be its maximum and minimum if they were read
    summarize = CategoryHistograms(2, [0], [3])
    assert summarize.output_size == 3 + 4 * 1 + 1
    x = torch.tensor(
        [[[0, 1, 1, 2], [1.0, -2.0, 5.0, 0.0]], [[2, 2, 0, 0], [3.0, 4.0, 99.0, -99.0]]]
    )
    out = summarize(x, sequence_mask(torch.tensor([4, 2]), 4))
    log_n, hist, (mean, std, low, high) = out[:, 0], out[:, 1:4], out[:, 4:].T
    torch.testing.assert_close(log_n, torch.log(torch.tensor([4.0, 2.0])) / 5)
    torch.testing.assert_close(hist, torch.tensor([[0.25, 0.5, 0.25], [0.0, 0.0, 1.0]]))
    torch.testing.assert_close(mean, torch.tensor([1.0, 3.5]))
    torch.testing.assert_close(std, torch.tensor([np.sqrt(6.5), 0.5]).float(), atol=1e-4, rtol=0)
    torch.testing.assert_close(low, torch.tensor([-2.0, 3.0]))
    torch.testing.assert_close(high, torch.tensor([5.0, 4.0]))


def test_song_summaries_read_the_whole_song_standardized_by_the_training_songs():
    X, y = _toy()
    clf = NoteNetworkClassifier(**{**TINY, "max_train_notes": 4}).fit(X, y)
    module = clf.net_.module_
    Xt, lengths = batch_to_tensors([x.astype(np.float32) for x in X])
    mask = sequence_mask(lengths, Xt.shape[-1])
    with torch.no_grad():
        summaries = module.summaries(module.encode(Xt), mask).numpy()
    # standardized with the training songs' own statistics
    np.testing.assert_allclose(summaries.mean(axis=0), 0, atol=1e-4)
    varies = summaries.std(axis=0) > 1e-3  # (a summary constant over the songs stays 0)
    assert varies.sum() > 10
    np.testing.assert_allclose(summaries.std(axis=0)[varies], 1, atol=1e-3)
    assert clf.summary_mean_.shape == (module.summaries.output_size,)
    # in training the layers after the summaries read 4-note windows, the summaries the
    # whole song: the summary branch gives the same values in train and eval mode
    seen = []
    handle = module.summary_proj.register_forward_hook(lambda m, i, o: seen.append(i[0]))
    try:
        module.train()
        with torch.no_grad():
            module(Xt, lengths)
        module.eval()
        with torch.no_grad():
            module(Xt, lengths)
    finally:
        handle.remove()
    torch.testing.assert_close(seen[0], seen[1])
    torch.testing.assert_close(seen[1], torch.from_numpy(summaries))


def test_residual_dropout_zeroes_whole_channels_of_a_song_in_training_only():
    """Spatial dropout: in training a channel of a song is kept whole (scaled) or zeroed
    at every note, never note by note; in evaluation nothing is dropped."""
    from skmusic.nn.note_modules import DilatedResidualBlock

    torch.manual_seed(0)
    block = DilatedResidualBlock(channels=16, kernel_size=3, dilation=1, dropout=0.5)
    x = torch.ones(8, 16, 40)
    dropped = block.dropout.train()(x)
    per_channel = dropped.amax(dim=-1)
    assert torch.equal(dropped, per_channel[..., None].expand_as(dropped))
    assert set(per_channel.unique().tolist()) == {0.0, 2.0}
    assert torch.equal(block.dropout.eval()(x), x)


def test_random_window_cuts_every_longer_sequence():
    X = torch.arange(2 * 1 * 10, dtype=torch.float32).reshape(2, 1, 10)
    torch.manual_seed(0)
    out, lengths = random_window(X, torch.tensor([10, 3]), 4)
    assert out.shape == (2, 1, 4) and lengths.tolist() == [4, 3]
    start = int(out[0, 0, 0])
    np.testing.assert_array_equal(out[0, 0].numpy(), np.arange(start, start + 4))
    np.testing.assert_array_equal(out[1, 0].numpy(), [10, 11, 12, 0])  # short: whole, padded
    same, none = random_window(X, None, 10)
    assert same is X and none is None


def test_n_estimators_average_members_trained_on_their_own_splits():
    X, y = _toy()
    clf = NoteNetworkClassifier(**{**TINY, "n_estimators": 3}).fit(X, y)
    assert len(clf.nets_) == 3 and clf.net_ is clf.nets_[0]
    members = []
    for net in clf.nets_:
        Xt, lengths = batch_to_tensors([x.astype(np.float32) for x in X])
        with torch.no_grad():
            members.append(torch.softmax(net.module_.eval()(Xt, lengths), dim=1).numpy())
    np.testing.assert_allclose(clf.predict_proba(X), np.mean(members, axis=0), atol=1e-5)
    # each member its own seed: different weights (and validation splits, if any)
    assert not np.allclose(members[0], members[1])
    seeds = []
    for k in range(3):
        clf._member = k
        seeds.append(clf._seed())
    del clf._member
    assert len(set(seeds)) == 3 and seeds[0] == NoteNetworkClassifier(random_state=0)._seed()
    # the same random_state repeats the ensemble exactly
    again = NoteNetworkClassifier(**{**TINY, "n_estimators": 3}).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    # one member is the plain network
    one = NoteNetworkClassifier(**TINY).fit(X, y)
    first = NoteNetworkClassifier(**{**TINY, "n_estimators": 2}).fit(X, y)
    batch = batch_to_tensors([x.astype(np.float32) for x in X])
    np.testing.assert_allclose(
        one.net_.module_.eval()(*batch).detach(),
        first.nets_[0].module_.eval()(*batch).detach(),
        atol=1e-6,
    )


@pytest.mark.parametrize(
    "n_songs, notes, max_train_notes, expected",
    [
        (300, 400, 128, 5),  # 300 long songs: windows of 128 notes, 38,400 steps an epoch
        (320, 400, 128, 4),  # 40,960
        (480, 400, 128, 3),
        (640, 400, 128, 2),
        (640, 56, 128, 5),  # short songs: batches padded to 56 notes, 35,840
        (300, 400, None, 1),  # whole songs in training: 120,000
        (5000, 400, 128, 1),  # never fewer than one
    ],
)
def test_auto_ensemble_follows_the_padded_training_windows(
    n_songs, notes, max_train_notes, expected
):
    from skmusic.nn.data import SequenceDataset

    X = torch.zeros(n_songs, 2, notes)
    lengths = torch.full((n_songs,), notes)
    lengths[1:] = notes // 2  # the longest song pads every batch
    clf = NoteNetworkClassifier(max_train_notes=max_train_notes)
    assert clf.n_estimators == "auto"
    assert clf._n_members(SequenceDataset(X, lengths)) == expected
    assert clf._n_members(SequenceDataset(X, None)) == expected  # no lengths: all full
    assert clf.set_params(n_estimators=5)._n_members(SequenceDataset(X, lengths)) == 5


def test_auto_ensemble_trains_five_networks_on_a_small_folder():
    X, y = _toy()
    clf = NoteNetworkClassifier(**{**TINY, "n_estimators": "auto", "max_epochs": 2}).fit(X, y)
    assert clf.n_estimators_ == 5 and len(clf.nets_) == 5


# ---------------------------------------------------------------- real scores


def test_pipeline_from_scores_on_real_music(songs):
    X, y = songs
    cv = StratifiedKFold(2, shuffle=True, random_state=0)
    pred = np.empty(len(y), dtype=object)
    for train, test in cv.split(np.zeros(len(y)), y):
        model = _model().fit([X[i] for i in train], y[train])
        pred[test] = model.predict([X[i] for i in test])
    # chorales against fiddle tunes, whole songs of any length (no slicing)
    assert np.mean(pred == y) >= 0.8


def test_grid_search_and_clone(songs):
    X, y = songs
    search = GridSearchCV(_model(max_epochs=3), {"clf__d_model": [4, 8]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["clf__d_model"] in (4, 8)
    fresh = clone(search.best_estimator_)
    assert not hasattr(fresh[-1], "net_")
    assert fresh[-1].get_params()["categorical"] == [0, 1, 2, 3]


def test_inside_voting_slice_classifier(songs):
    X, y = songs
    seq = NoteSequence(features=ROWS)
    net = NoteNetworkClassifier(categorical=seq.categorical_rows(), **{**TINY, "max_epochs": 3})
    voter = VotingSliceClassifier(net, width=32, hop=16, voting="soft", pad="constant")
    model = Pipeline([("notes", seq), ("clf", voter)]).fit(X, y)
    assert model.predict_proba(X[:3]).shape == (3, 2)


@pytest.mark.parametrize("n_estimators", [1, 2])
def test_joblib_reload_in_a_fresh_process(songs, tmp_path, n_estimators):
    X, y = songs
    model = _model(max_epochs=3, n_estimators=n_estimators).fit(X, y)
    path = tmp_path / "notes.joblib"
    joblib.dump((model, X[:4]), path)
    expected = model.predict_proba(X[:4])
    code = textwrap.dedent(
        f"""
        import joblib, numpy as np
        model, X = joblib.load({str(path)!r})
        np.save({str(tmp_path / "proba.npy")!r}, model.predict_proba(X))
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    np.testing.assert_allclose(np.load(tmp_path / "proba.npy"), expected, atol=1e-6)


def test_empty_and_one_note_songs(songs):
    X, y = songs
    model = _model(max_epochs=2).fit(X, y)
    # one note: a sequence of length 1 is a song like any other
    one = make_notes([60], [0.0], [1.0])
    assert model.predict_proba([one]).shape == (1, 2)
    # no notes at all: a clear error that names the score
    empty = make_notes([], [], [])
    with pytest.raises(ValueError, match=r"X\[1\] has 0 note\(s\)"):
        model.predict([one, empty])
    with pytest.raises(ValueError, match="has 0 note"):
        _model(max_epochs=2).fit([*X, empty], [*y, "bach"])


def test_transposition_rotates_pitch_classes_and_keeps_degrees(songs):
    from skmusic.nn import ResNet1DClassifier
    from skmusic.nn.augment import RandomTranspose

    aug = RandomTranspose(channels=0, pitch_class_channels=1, max_shift=6)
    bound = aug.bind(lambda X: X, n_channels=3)
    rows = NoteSequence(features=("pitch", "pitch_class", "degree")).transform(songs[0][:4])
    X = torch.zeros(4, 3, max(r.shape[1] for r in rows))
    for i, r in enumerate(rows):
        X[i, :, : r.shape[1]] = torch.from_numpy(r)
    torch.manual_seed(0)
    Y, _ = bound(X, None)
    shift = (Y[:, 0] - X[:, 0])[:, :1]
    assert (shift.abs() <= 6).all() and (Y[:, 0] - X[:, 0] == shift).all()
    # the pitch class row is the transposed pitch's class; the degree row is unchanged
    torch.testing.assert_close(Y[:, 1], torch.remainder(X[:, 1] + shift, 12))
    torch.testing.assert_close(Y[:, 2], X[:, 2])
    # the note network trains with it (raw rows augmented, then looked up)
    seq = NoteSequence(features=("pitch", "pitch_class", "degree", "duration"))
    net = NoteNetworkClassifier(categorical=seq.categorical_rows(), augment=aug, **TINY)
    Pipeline([("notes", seq), ("clf", net)]).fit(*songs)
    # a network that normalizes its rows first cannot rotate them: a clear error
    X, y = _toy()
    with pytest.raises(ValueError, match="augments raw rows"):
        ResNet1DClassifier(max_epochs=1, augment=aug).fit([np.vstack([x, x[:1]]) for x in X], y)
