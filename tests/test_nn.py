"""Tests of skmusic.nn: the papers' networks as sklearn classifiers.

sklearn's own estimator checks run over these classes in tests/test_common.py
(with the tiny INIT_PARAMS of skmusic.utils.estimator_checks); here they are
used the way a data scientist would use them.
"""

import subprocess
import sys

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import LRScheduler

from skmusic.features import slice_sequences
from skmusic.nn import (
    CRNNClassifier,
    InceptionTimeClassifier,
    LSTMClassifier,
    NoteNetworkClassifier,
    RCNNClassifier,
    ResNet1DClassifier,
    SpectrogramCNNClassifier,
)
from skmusic.nn.callbacks import WarmupCosine
from skmusic.nn.modules import CRNNNet, LSTMNet
from skmusic.nn.preprocessing import downsample_batch, normalize_batch
from skmusic.nn.splits import split_valid_indices, validation_indices
from skmusic.utils.estimator_checks import all_estimators

NETWORKS = [
    cls
    for name, cls in all_estimators()
    if cls.__module__.startswith("skmusic.nn") and name.endswith("Classifier")
]


# tiny networks run fastest on one thread (and do not fight parallel tests)
pytestmark = pytest.mark.usefixtures("one_torch_thread")


TINY = {
    LSTMClassifier: dict(hidden_size=8, dense=(8,)),
    CRNNClassifier: dict(conv_channels=(4, 4), hidden_size=4, kernel_size=3, pool_size=2, dense=()),
    ResNet1DClassifier: dict(n_filters=4, n_blocks=2, max_epochs=20, n_estimators=1),
    SpectrogramCNNClassifier: dict(channels=(4, 4), dropout=0.0),
    RCNNClassifier: dict(channels=(4,), n_recurrent=1, n_steps=2, dropout=0.0),
    InceptionTimeClassifier: dict(
        n_filters=4, depth=3, kernel_size=8, bottleneck=4, n_estimators=1
    ),
    NoteNetworkClassifier: dict(d_model=8, embedding_dim=4, n_blocks=2, dropout=0.0),
}
COMMON = dict(max_epochs=20, lr=0.02, batch_size=16, random_state=0)


def tiny(cls, **params):
    return cls(**{**COMMON, **TINY[cls], **params})


def easy_data(n=48, n_channels=4, n_timesteps=24, seed=0):
    """Three string classes told apart by which band of channels is raised."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, n_channels, n_timesteps).astype(np.float32)
    y = np.array(["bach", "chopin", "liszt"])[np.arange(n) % 3]
    for k, label in enumerate(["bach", "chopin", "liszt"]):
        X[y == label, (k * n_channels) // 3 : ((k + 1) * n_channels) // 3 or 1] += 2.0
    return X, y


@pytest.mark.parametrize("cls", list(TINY), ids=lambda c: c.__name__)
def test_learns_string_labels_and_probabilities(cls):
    X, y = easy_data()
    clf = tiny(cls).fit(X, y)
    assert list(clf.classes_) == ["bach", "chopin", "liszt"]
    assert clf.n_channels_in_ == 4
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X[:5])
    assert proba.shape == (5, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert len(clf.net_.history) == clf.max_epochs
    assert clf.history_[-1, "train_loss"] < clf.history_[0, "train_loss"]
    assert str(clf.net_.device) == "cpu"  # device="auto" without a GPU


@pytest.mark.parametrize("cls", list(TINY), ids=lambda c: c.__name__)
def test_same_seed_same_predictions(cls):
    X, y = easy_data()
    a = tiny(cls, max_epochs=3).fit(X, y).predict_proba(X)
    b = tiny(cls, max_epochs=3).fit(X, y).predict_proba(X)
    c = tiny(cls, max_epochs=3, random_state=1).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize(
    "cls", [LSTMClassifier, CRNNClassifier, ResNet1DClassifier], ids=lambda c: c.__name__
)
def test_ragged_list_input(cls):
    rng = np.random.RandomState(0)
    X = [rng.randn(3, n).astype(np.float32) for n in rng.randint(20, 40, 36)]
    y = np.arange(36) % 2
    for seq, label in zip(X, y):
        seq[0] += 2.0 * label
    clf = tiny(cls).fit(X, y)
    assert clf.score(X, y) > 0.9
    assert not hasattr(clf, "n_features_in_")  # no fixed length for a ragged batch


def test_lstm_reads_each_sequence_at_its_true_end():
    """Padding never reaches the output used: Q. Wang's remembered lengths (EEG paper)."""
    torch.manual_seed(0)
    net = LSTMNet(2, 3, (5, 4), bidirectional=True, dense=(6,)).eval()
    short = torch.randn(1, 2, 7)
    padded = torch.cat([short, torch.zeros(1, 2, 5)], dim=2)
    other = torch.randn(1, 2, 12)
    batch = torch.cat([padded, other])
    out = net(batch, torch.tensor([7, 12]))
    torch.testing.assert_close(out[0], net(short)[0])
    torch.testing.assert_close(out[1], net(other)[0])
    # without lengths the padded zeros do change the output
    assert not torch.allclose(net(padded)[0], net(short)[0])


def test_crnn_carries_true_lengths_through_convolutions():
    torch.manual_seed(0)
    for layout in ("alternating", "sequential"):
        net = CRNNNet(
            1, 2, (3, 3), (4, 4), layout=layout, kernel_size=3, pool_size=2, dense=(5,)
        ).eval()
        short = torch.randn(1, 1, 30)
        batch = torch.cat([torch.cat([short, torch.zeros(1, 1, 14)], 2), torch.randn(1, 1, 44)])
        out = net(batch, torch.tensor([30, 44]))
        torch.testing.assert_close(out[0], net(short)[0])


def test_ragged_predictions_equal_one_by_one():
    rng = np.random.RandomState(1)
    X = [rng.randn(2, n) for n in (15, 30, 22, 9, 30)]
    y = [0, 1, 0, 1, 1]
    clf = tiny(LSTMClassifier, max_epochs=2).fit(X, y)
    whole = clf.predict_proba(X)
    single = np.vstack([clf.predict_proba([x]) for x in X])
    np.testing.assert_allclose(whole, single, atol=1e-6)


def test_ragged_predictions_do_not_depend_on_the_order_of_the_batch():
    """Ragged input is predicted in batches sorted by length and put back in order.

    Convolutions see a batch's padding, so a sequence's output would depend on which
    sequences share its batch; sorted by length, the batches are the same whatever
    order the caller gives.
    """
    rng = np.random.RandomState(2)
    X = [rng.randn(1, n) for n in rng.permutation(np.arange(5, 85))]  # 80 distinct lengths
    y = np.arange(80) % 2
    clf = ResNet1DClassifier(n_filters=4, max_epochs=2, batch_size=16, random_state=0).fit(X, y)
    by_length = np.argsort([x.shape[1] for x in X])
    shifted = np.roll(by_length, 8)  # batches of 16 that straddle the first order's
    first = clf.predict_proba([X[i] for i in by_length])
    second = clf.predict_proba([X[i] for i in shifted])
    np.testing.assert_allclose(first, np.roll(second, -8, axis=0), atol=1e-6)


def _n_params(module):
    return sum(p.numel() for p in module.parameters())


def _lstm_extra_bias(hidden_sizes, bidirectional=True):
    """PyTorch's LSTM keeps two bias vectors (b_ih, b_hh), Keras one: 4 * h more per
    direction and layer."""
    return sum(4 * h for h in hidden_sizes) * (2 if bidirectional else 1)


@pytest.mark.parametrize(
    "make, keras_total, hidden",
    [
        # Chen & Wang, Figure 1 (Bi-NN1): input (800, 1), 5 classes
        (lambda: LSTMClassifier.from_preset("nn1"), 1_374_213, (256, 128, 64)),
        # Figure 2 (Bi-NN2): input (15000, 1)
        (lambda: CRNNClassifier.from_preset("nn2"), 2_042_437, (256, 128, 64)),
        # Figure 3 (Bi-NN3): input (15000, 1)
        (lambda: CRNNClassifier.from_preset("nn3"), 90_053, (16,)),
    ],
    ids=["NN1", "NN2", "NN3"],
)
def test_parameter_counts_match_the_papers_keras_tables(make, keras_total, hidden):
    module = make().make_module(n_channels=1, n_outputs=5)
    # The Keras tables count one LSTM bias; PyTorch's LSTM has a second one.
    assert _n_params(module) == keras_total + _lstm_extra_bias(hidden)
    if keras_total == 90_053:
        assert _n_params(module) == 90_181


def test_nn3_shapes_follow_figure_3():
    clf = CRNNClassifier.from_preset("nn3")
    assert clf._min_timesteps()[0] == 211
    module = clf.make_module(1, 5).eval()
    x = torch.zeros(2, 1, 15000)
    assert module(x).shape == (2, 5)
    # after three (conv 8, pool 4) blocks: 14993 -> 3748 -> 3741 -> 935 -> 928 -> 232
    h = x
    for conv in module.convs:
        h = module.pool(conv(h))
    assert h.shape == (2, 32, 232)


def test_presets_and_hidden_size_per_layer():
    assert LSTMClassifier.from_preset("gtzan").make_module(72, 10).lstm.output_size == 80
    uni = CRNNClassifier.from_preset("nn2-uni", max_epochs=3)
    assert uni.bidirectional is False and uni.max_epochs == 3
    assert CRNNClassifier.from_preset("nn3-uni").get_params()["hidden_size"] == 16
    with pytest.raises(ValueError, match="Unknown preset 'nn4'.*nn2"):
        CRNNClassifier.from_preset("nn4")
    module = LSTMClassifier(hidden_size=64, num_layers=3).make_module(1, 3)
    assert [lstm.hidden_size for lstm in module.lstm.lstms] == [64, 64, 64]
    with pytest.raises(ValueError, match="num_layers=2 does not match"):
        LSTMClassifier(hidden_size=(8, 4, 2), num_layers=2).fit(*easy_data())


def test_grid_search_over_hidden_size_in_a_pipeline():
    X, y = easy_data(n=36)
    model = make_pipeline(
        FunctionTransformer(lambda X: X * 0.5), tiny(LSTMClassifier, max_epochs=4)
    )
    search = GridSearchCV(model, {"lstmclassifier__hidden_size": [4, (8, 4)]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["lstmclassifier__hidden_size"] in (4, (8, 4))
    assert search.predict(X[:3]).dtype.kind == "U"
    assert clone(search.best_estimator_).get_params()["lstmclassifier__max_epochs"] == 4


def test_cross_val_score_on_2d_tabular_input():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 16)
    y = (X[:, :4].mean(axis=1) > 0).astype(int)
    scores = cross_val_score(tiny(ResNet1DClassifier, max_epochs=5), X, y, cv=2)
    assert scores.shape == (2,)
    clf = tiny(ResNet1DClassifier, max_epochs=1).fit(X, y)
    assert clf.n_features_in_ == 16
    with pytest.raises(ValueError, match="X has 15 features"):
        clf.predict(X[:, :15])


@pytest.mark.parametrize("normalize", ["series+stats", "channel"])
def test_joblib_round_trip_in_a_fresh_process(tmp_path, normalize):
    """The stored input statistics travel with the model: raw input predicts the same."""
    X, y = easy_data(n=24)
    X = X * 300 + 1000  # raw, far from standardized
    clf = tiny(CRNNClassifier, max_epochs=2, normalize=normalize).fit(X, y)
    assert clf.input_mean_ is not None
    joblib.dump(clf, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import joblib, numpy as np; "
        f"clf = joblib.load({str(tmp_path / 'model.joblib')!r}); "
        f"np.save({str(tmp_path / 'proba.npy')!r}, "
        f"clf.predict_proba(np.load({str(tmp_path / 'X.npy')!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), clf.predict_proba(X))


def test_seed_ensemble_joblib_round_trip_in_a_fresh_process(tmp_path):
    """All members of an "auto" ensemble travel with the model, in a Pipeline."""
    X, y = easy_data(n=24)
    model = make_pipeline(
        FunctionTransformer(np.asarray),
        tiny(ResNet1DClassifier, n_estimators="auto", max_epochs=2),
    ).fit(X, y)
    assert model[-1].n_estimators_ == 5
    joblib.dump(model, tmp_path / "model.joblib")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import joblib, numpy as np; "
        f"m = joblib.load({str(tmp_path / 'model.joblib')!r}); "
        "assert len(m[-1].nets_) == 5; "
        f"np.save({str(tmp_path / 'proba.npy')!r}, "
        f"m.predict_proba(np.load({str(tmp_path / 'X.npy')!r})))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), model.predict_proba(X))


def test_validation_split_early_stopping_and_history():
    X, y = easy_data(n=60)
    clf = tiny(LSTMClassifier, max_epochs=40, lr=0.05, validation_fraction=0.25, patience=3)
    clf.fit(X, y)
    history = clf.net_.history
    assert "valid_loss" in history[-1] and "valid_acc" in history[-1]
    assert len(history) < 40  # stopped early
    best = int(np.argmin(history[:, "valid_loss"]))
    assert history[best, "valid_loss_best"]
    early = dict(clf.net_.callbacks_)["early_stopping"]
    assert early.load_best  # the best-validation weights were put back


def test_callbacks_are_copied_not_mutated():
    scheduler = LRScheduler("StepLR", step_size=2)
    clf = tiny(
        LSTMClassifier,
        max_epochs=4,
        callbacks=[scheduler],
        lr_schedule="constant",
        validation_fraction=None,
    ).fit(*easy_data(n=24))
    assert not hasattr(scheduler, "lr_scheduler_")  # the user's instance is untouched
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.02 * 0.1**2)


@pytest.mark.parametrize(
    "clf, X, match",
    [
        (tiny(LSTMClassifier), np.full((6, 2, 5), np.nan), "NaN or infinity"),
        (tiny(LSTMClassifier), np.zeros((6, 2, 5, 1)), "4 dimension"),
        (tiny(LSTMClassifier), np.zeros(6), "1D array. Reshape"),
        (
            CRNNClassifier.from_preset("nn3"),
            np.zeros((6, 1, 200)),
            r"200 timesteps, fewer than the 211 .*3 convolutions of kernel_size=8",
        ),
        (
            CRNNClassifier.from_preset("nn2"),
            np.zeros((6, 1, 210)),
            r"210 timesteps, fewer than the 211 .*3 convolutions of kernel_size=8",
        ),
    ],
    ids=["nan", "4d", "1d", "nn3-short", "nn2-short"],
)
def test_bad_input_gets_a_clear_error(clf, X, match):
    y = np.arange(6) % 2
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_bad_targets_and_parameters():
    X, y = easy_data(n=12)
    with pytest.raises(ValueError, match="only one class"):
        tiny(LSTMClassifier).fit(X, np.full(12, "bach"))
    with pytest.raises(ValueError, match="requires y to be passed"):
        tiny(LSTMClassifier).fit(X, None)
    with pytest.raises(ValueError, match="12 sequences but y has 11"):
        tiny(LSTMClassifier).fit(X, y[:-1])
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        tiny(LSTMClassifier, hidden_size=(8, 0)).fit(X, y)
    with pytest.raises(ValueError, match="'optimizer' parameter"):
        tiny(LSTMClassifier, optimizer="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="one hidden_size per convolution"):
        tiny(CRNNClassifier, layout="alternating", hidden_size=(4, 4, 4)).fit(X, y)
    with pytest.raises(ValueError, match="pool_size must be"):
        tiny(SpectrogramCNNClassifier, pool_size=[(2, 2)]).fit(X, y)
    clf = tiny(LSTMClassifier, max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="fitted on 4 channel"):
        clf.predict(X[:, :3])


def test_on_real_corpus_pitch_slices(corpus_scores):
    """Pitch series of real music21-corpus pieces, cut into 32-note slices."""
    songs = [notes["pitch"].astype(np.float32)[None, :] / 127.0 for notes in corpus_scores.data]
    slices, index = slice_sequences(songs, width=32, hop=32)
    y = np.asarray(corpus_scores.target)[index]
    clf = LSTMClassifier(16, dense=(), max_epochs=3, lr=0.01, random_state=0)
    clf.fit(slices, y)
    assert set(clf.classes_) == set(corpus_scores.target)
    assert clf.predict(slices[:7]).shape == (7,)
    cnn = tiny(SpectrogramCNNClassifier, max_epochs=1).fit(
        np.stack(slices).reshape(len(slices), 4, 8), y
    )
    assert cnn.predict_proba(np.stack(slices[:3]).reshape(3, 4, 8)).shape == (3, 3)


def test_every_network_is_covered_here():
    assert set(NETWORKS) == set(TINY)


@pytest.mark.parametrize("cls", NETWORKS, ids=lambda c: c.__name__)
def test_default_networks_fit_any_length(cls):
    """At its defaults every network fits 1-step tables and ragged batches down to 1 step
    (a seed ensemble with two networks: "auto" trains five on a set this small)."""
    rng = np.random.RandomState(0)
    y = np.arange(20) % 2
    params = {"n_estimators": 2} if "n_estimators" in cls().get_params() else {}
    for X in (
        rng.randn(20, 1) + y[:, None],
        [rng.randn(3, n) + label for n, label in zip(rng.randint(1, 6, 20), y)],
    ):
        clf = cls(random_state=0, **params).fit(X, y)
        assert clf.predict(X).shape == (20,)


def test_series_normalization_ignores_each_recordings_scale():
    X, y = easy_data()
    clf = tiny(ResNet1DClassifier, normalize="series").fit(X, y)
    rng = np.random.RandomState(1)
    rescaled = X * rng.uniform(0.1, 100, (len(X), 1, 1)) + rng.uniform(-50, 50, (len(X), 1, 1))
    np.testing.assert_allclose(clf.predict_proba(rescaled), clf.predict_proba(X), atol=1e-4)
    assert clf.input_mean_ is None


def test_series_stats_keeps_level_that_series_alone_loses():
    """Classes told apart only by a channel's level: z-normalization alone cannot see it."""
    X, y = easy_data()
    X_new, y_new = easy_data(seed=1)
    alone = tiny(ResNet1DClassifier, normalize="series").fit(X, y).score(X_new, y_new)
    stats = tiny(ResNet1DClassifier, normalize="series+stats").fit(X, y)
    assert stats.score(X_new, y_new) > 0.9 > 0.6 > alone
    assert stats.input_mean_.shape == (2 * X.shape[1],)
    assert stats.net_.module_.stem[0].in_channels == 3 * X.shape[1]


def test_channel_normalization_is_fitted_and_stored():
    X, y = easy_data()
    clf = tiny(LSTMClassifier, normalize="channel").fit(X * 1000 + 5000, y)
    np.testing.assert_allclose(clf.input_mean_, (X * 1000 + 5000).mean(axis=(0, 2)), rtol=1e-4)
    assert clf.score(X * 1000 + 5000, y) > 0.9


def test_normalize_batch_excludes_padding_of_ragged_input():
    seqs = [np.array([[1.0, 2.0, 3.0]]), np.array([[10.0, 30.0]])]
    out = normalize_batch(seqs, "series")
    np.testing.assert_allclose(out[1], [[-1.0, 1.0]])
    np.testing.assert_allclose(out[0].mean(), 0.0, atol=1e-7)


def test_max_timesteps_averages_long_sequences():
    X, y = easy_data(n_timesteps=100)
    clf = tiny(LSTMClassifier, max_timesteps=30).fit(X, y)
    assert clf.input_stride_ == 4  # ceil(100 / 30)
    assert clf.score(X, y) > 0.9
    ragged = [np.arange(7.0).reshape(1, 7), np.arange(2.0).reshape(1, 2)]
    out = downsample_batch(ragged, 3)
    np.testing.assert_allclose(out[0], [[1.0, 4.0, 6.0]])  # last window: one step
    np.testing.assert_allclose(out[1], [[0.5]])


def _old_lr_factor(policy, step, max_epochs, steps_per_epoch):
    """The hand-written LRSchedule.factor that skorch's LRScheduler replaced (as it was)."""
    total = max(1, max_epochs * steps_per_epoch)
    progress = min(step / total, 1.0)
    warm, start, end = (0.05, 0.0, 0.0) if policy == "cosine" else (0.3, 1 / 25, 1e-4)
    if progress < warm:
        return start + (1 - start) * step / max(1.0, warm * total)
    decay = (progress - warm) / (1 - warm)
    return end + (1 - end) * 0.5 * (1 + np.cos(np.pi * decay))


def test_lr_schedule_warms_up_then_decays():
    cosine = WarmupCosine(200)
    factors = [cosine(step) for step in range(200)]
    assert factors[0] < 0.2 and max(factors) == pytest.approx(1.0, abs=0.01)
    assert int(np.argmax(factors)) == 10  # warm-up: the first 5 % of 200 steps
    assert factors[-1] < 0.01 and np.all(np.diff(factors[10:]) <= 1e-12)
    one = WarmupCosine(200, 0.3, 1 / 25, 1e-4)
    assert one(0) == pytest.approx(1 / 25, rel=0.1) and one(199) < 1e-3
    clf = tiny(LSTMClassifier, validation_fraction=None, patience=None).fit(*easy_data())
    assert clf.net_.optimizer_.param_groups[0]["lr"] < 0.02 * 0.01  # decayed to ~0


@pytest.mark.parametrize("policy", ["cosine", "onecycle"])
def test_lr_schedule_sets_the_old_factors_every_batch(policy):
    """skorch's LRScheduler steps the same learning rates as the old hand-written schedule."""
    X, y = easy_data(n=48)  # 3 batches of 16 an epoch, no validation split
    clf = tiny(
        LSTMClassifier, max_epochs=6, lr_schedule=policy, validation_fraction=None, patience=None
    ).fit(X, y)
    seen = [b["event_lr"] for epoch in clf.history_[:, "batches"] for b in epoch]
    expected = [0.02 * _old_lr_factor(policy, step, 6, 3) for step in range(18)]
    np.testing.assert_allclose(seen, expected, rtol=1e-12, atol=1e-15)


def test_default_recipe_adamw_clipping_and_held_out_validation():
    X, y = easy_data(n=60)
    clf = tiny(LSTMClassifier).fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.AdamW)
    assert clf.net_.optimizer_.param_groups[0]["weight_decay"] == 0.01
    callbacks = dict(clf.net_.callbacks_)
    assert callbacks["grad_clip"].gradient_clip_value == 1.0
    assert callbacks["early_stopping"].load_best
    valid = split_valid_indices(clf.net_.train_split)
    assert len(valid) == 6 and sorted(np.unique(y[valid], return_counts=True)[1]) == [2, 2, 2]
    # too little data to hold out one sequence per class: trains on everything
    few = tiny(LSTMClassifier).fit(X[:4], ["a", "a", "a", "b"])
    assert few.net_.train_split is None


@pytest.mark.parametrize(
    "n, validation_fraction, expected",
    [(36, None, 4), (60, None, 6), (200, 0.1, 18), (400, None, 32)],
)
def test_auto_batch_size_follows_the_training_set(n, validation_fraction, expected):
    X, y = easy_data(n=n, n_timesteps=8)
    clf = tiny(
        ResNet1DClassifier,
        batch_size="auto",
        max_epochs=2,
        validation_fraction=validation_fraction,
    ).fit(X, y)
    assert clf.batch_size == "auto"  # the parameter stays as given
    assert clf.net_.batch_size == expected
    # the schedule counts the batches of that size: one decay over the whole run
    n_train = n - len(split_valid_indices(clf.net_.train_split) if validation_fraction else [])
    schedule = dict(clf.net_.callbacks_)["lr_schedule"].kwargs["lr_lambda"]
    assert schedule.total_steps == 2 * -(-n_train // expected)
    assert clf.predict(X).shape == y.shape
    with pytest.raises(ValueError, match="batch_size"):
        tiny(ResNet1DClassifier, batch_size="big").fit(X, y)


@pytest.mark.parametrize(
    "shape, lengths, expected",
    [
        ((36, 251), None, 5),  # ArrowHead's training set: 9,036 timesteps
        ((40, 600), None, 2),  # 24,000
        ((200, 427), None, 1),  # OSULeaf's: 85,400
        ((4, 30_000), [30_000, 5, 5, 5], 1),  # ragged: the true lengths count
        ((4, 30_000), [10, 5, 5, 5], 5),
    ],
)
def test_auto_ensemble_size_follows_the_training_set(shape, lengths, expected):
    from skmusic.nn.data import SequenceDataset

    n, steps = shape
    X = torch.zeros(n, 1, steps)
    lengths = None if lengths is None else torch.tensor(lengths)
    for cls in (ResNet1DClassifier, InceptionTimeClassifier):
        assert cls().n_estimators == "auto"
        assert cls()._n_members(SequenceDataset(X, lengths)) == expected
        assert cls(n_estimators=3)._n_members(SequenceDataset(X, lengths)) == 3


def test_auto_ensemble_trains_members_and_averages_them():
    X, y = easy_data(n=30, n_timesteps=16)  # 480 timesteps: five members
    clf = tiny(ResNet1DClassifier, n_estimators="auto", max_epochs=3).fit(X, y)
    assert clf.n_estimators == "auto" and clf.n_estimators_ == 5
    assert len(clf.nets_) == 5 and clf.net_ is clf.nets_[0]
    Xt = clf._make_dataset(clf._prepare(X, fit=False)).X
    members = []
    for net in clf.nets_:
        with torch.no_grad():
            members.append(torch.softmax(net.module_.eval()(Xt).double(), dim=1).numpy())
    np.testing.assert_allclose(clf.predict_proba(X), np.mean(members, axis=0), atol=1e-6)
    assert not np.allclose(members[0], members[1])  # own seeds
    # member 0 is the single network of the same random_state
    one = tiny(ResNet1DClassifier, n_estimators=1, max_epochs=3).fit(X, y)
    np.testing.assert_allclose(one.predict_proba(X), members[0], atol=1e-6)
    # the time budget is shared among the members
    budgets = tiny(ResNet1DClassifier, n_estimators=4, max_epochs=1, max_time=100.0).fit(X, y)
    assert [dict(net.callbacks_)["time_budget"].seconds for net in budgets.nets_] == [25.0] * 4
    with pytest.raises(ValueError, match="n_estimators"):
        tiny(ResNet1DClassifier, n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="n_estimators"):
        tiny(InceptionTimeClassifier, n_estimators="many").fit(X, y)


def test_max_time_stops_training_and_keeps_a_working_model():
    X, y = easy_data()
    clf = tiny(LSTMClassifier, max_epochs=500, max_time=1e-9).fit(X, y)  # over after epoch 1
    assert len(clf.net_.history) == 1 and clf.net_.history[-1, "stopped_by_time"]
    assert clf.predict(X).shape == y.shape


def test_augmentation_transposes_and_crops_training_batches_only():
    from skmusic.nn.augment import RandomCrop, RandomTranspose

    X, y = easy_data()
    X[:, 0] += 60  # the first row holds pitches
    clf = tiny(
        LSTMClassifier,
        normalize="channel",
        augment=[RandomTranspose(channels=0, max_shift=3), RandomCrop(0.5)],
    ).fit(X, y)
    iterator = clf.net_.get_iterator(
        clf.net_.get_dataset(
            clf._make_dataset(clf._prepare(X[:, :, :], fit=False), torch.zeros(len(X)))
        ),
        training=True,
    )
    ((xb, _),) = [next(iter(iterator))]
    # one semitone is 1 / (the pitch row's standard deviation) once standardized
    unit = iterator.augment.augmenters[0].unit_
    np.testing.assert_allclose(unit[0], 1 / clf.input_scale_[0], rtol=1e-5)
    assert float(unit[1:].abs().max()) == 0.0
    assert isinstance(xb, dict) and int(xb["lengths"].min()) >= 12  # crops of >= half
    assert clf.net_.get_iterator(clf._make_dataset(X), training=False).augment is None
    assert clf.score(X, y) > 0.9
    # under per-series normalization a transposition is invisible to the pitch row
    series = tiny(LSTMClassifier, normalize="series", augment=RandomTranspose(0)).fit(X, y)
    iterator = series.net_.get_iterator(series._make_dataset(X), training=True)
    assert float(iterator.augment.augmenters[0].unit_.abs().max()) == 0.0


def test_augmented_model_round_trips_through_joblib(tmp_path):
    from skmusic.nn.augment import RandomCrop

    X, y = easy_data()
    clf = tiny(ResNet1DClassifier, augment=RandomCrop(0.7)).fit(X, y)
    joblib.dump(clf, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict(X), clf.predict(X))


def test_bad_augment_gets_a_clear_error():
    from skmusic.nn.augment import RandomTranspose

    X, y = easy_data()
    with pytest.raises(ValueError, match="must index the input's 4 channel"):
        tiny(LSTMClassifier, augment=RandomTranspose(channels=7)).fit(X, y)
    with pytest.raises(ValueError, match="augmenter of skmusic.nn.augment"):
        tiny(LSTMClassifier, augment=[lambda X, lengths: (X, lengths)]).fit(X, y)


def test_slices_of_one_song_never_straddle_the_validation_split():
    """VotingSliceClassifier passes each slice's song; early stopping holds out whole songs."""
    from skmusic.ensemble import VotingSliceClassifier

    rng = np.random.RandomState(0)
    songs = [rng.randn(2, 200) + (i % 2) for i in range(40)]
    labels = np.array(["a", "b"] * 20)
    vote = VotingSliceClassifier(tiny(ResNet1DClassifier, max_epochs=3), width=20, hop=10)
    vote.fit(songs, labels)
    valid = split_valid_indices(vote.estimator_.net_.train_split)
    _, index = slice_sequences(songs, 20, 10)
    held, kept = set(index[valid]), set(np.delete(index, valid))
    assert held and not held & kept  # whole songs, on one side only
    assert {labels[i] for i in held} == {"a", "b"}  # stratified by the songs' class
    with pytest.raises(ValueError, match="one group per sequence"):
        tiny(LSTMClassifier).fit(*easy_data(), groups=[0, 1])


def test_group_validation_holds_out_about_validation_fraction():
    """Issue 16: with two songs a class, half the songs were held out at validation_fraction=0.1."""
    rng = np.random.RandomState(0)
    n_songs, per_song = 10, 6  # 5 classes of 2 songs each
    songs = np.repeat(np.arange(n_songs), per_song)
    y = np.repeat(np.arange(n_songs) % 5, per_song).astype(str)
    X = rng.randn(len(y), 1, 16) + songs[:, None, None] % 5
    clf = tiny(ResNet1DClassifier, max_epochs=1).fit(X, y, groups=songs)
    held = set(songs[split_valid_indices(clf.net_.train_split)])
    assert len(held) == 1  # round(0.1 * 10) songs, not one song of every class
    # more songs: about a tenth of them, never every song of a class
    songs = np.repeat(np.arange(40), 3)
    y = np.repeat(np.arange(40) % 4, 3)
    valid = validation_indices(len(y), 0.1, 0, y=y, groups=songs, stratify=True)
    held = np.unique(songs[valid])
    assert 3 <= len(held) <= 5
    for label in range(4):
        assert set(songs[y == label]) - set(held)  # some song of every class is trained on


def _lstm_stack_params(n_in, hidden, bidirectional):
    """PyTorch LSTM layers of ``hidden`` sizes (two bias vectors each)."""
    total, width = 0, n_in
    for h in hidden:
        total += (4 * h * (width + h) + 8 * h) * (2 if bidirectional else 1)
        width = h * (2 if bidirectional else 1)
    return total, width


def _dense_params(width, sizes, n_out):
    total = 0
    for size in (*sizes, n_out):
        total += width * size + size
        width = size
    return total


def _lstm_preset_params(preset, n_in, n_out):
    """The layouts of LSTMClassifier's docstring: (hidden, bidirectional, dense)."""
    layouts = {
        "eeg-baseline": ((32,), False, (32, 32, 16, 32)),
        "eeg-3layer": ((64, 64, 64), False, (64, 32, 64)),
        "gtzan": ((80, 80), False, (40,)),
        "nn1": ((256, 128, 64), True, (128, 64)),
        "nn1-uni": ((256, 128, 64), False, (128, 64)),
    }
    hidden, bidirectional, dense = layouts[preset]
    lstm, width = _lstm_stack_params(n_in, hidden, bidirectional)
    return lstm + _dense_params(width, dense, n_out)


# (class, preset, channels of the input, parameters the paper layout has; None:
# the layout of make_module on those channels)
PRESET_CASES = [
    (LSTMClassifier, name, n_in, _lstm_preset_params(name, n_in, 5))
    for name, n_in in [
        ("eeg-baseline", 4),
        ("eeg-3layer", 4),
        ("gtzan", 13),
        ("nn1", 1),
        ("nn1-uni", 1),
    ]
] + [
    # Chen and Wang's Keras tables plus PyTorch's second LSTM bias (see above)
    (CRNNClassifier, "nn2", 1, 2_042_437 + _lstm_extra_bias((256, 128, 64))),
    (CRNNClassifier, "nn3", 1, 90_181),
    (CRNNClassifier, "nn2-uni", 1, None),
    (CRNNClassifier, "nn3-uni", 1, None),
    (SpectrogramCNNClassifier, "gtzan", 8, None),
    (SpectrogramCNNClassifier, "choi", 8, None),
    (InceptionTimeClassifier, "paper", 2, None),
]


@pytest.mark.parametrize(
    "cls, preset, n_in, expected",
    PRESET_CASES,
    ids=[f"{c[0].__name__}-{c[1]}" for c in PRESET_CASES],
)
def test_fitted_presets_have_the_paper_layouts(cls, preset, n_in, expected):
    """Issue 16: a fitted preset reads the input's own channels (no statistics channels added)."""
    if preset == "nn1":
        assert expected == 1_374_213 + _lstm_extra_bias((256, 128, 64))  # the Keras table
    length = 211 if cls is CRNNClassifier else 64
    rng = np.random.RandomState(0)
    X = rng.randn(10, n_in, length).astype(np.float32)
    y = np.arange(10) % 5
    clf = cls.from_preset(preset, max_epochs=1, batch_size=10, validation_fraction=None)
    clf.fit(X, y)
    if expected is None:
        expected = _n_params(clf.make_module(n_in, 5))
    assert _n_params(clf.net_.module_) == expected


def test_early_stopping_waits_for_min_epochs_and_stops_when_it_says_so(capsys):
    """Issue 16: with verbose=1 the old subclass printed "Stopping since..." before
    min_epochs, swallowed the stop and trained on."""
    X, y = easy_data(n=60)
    clf = tiny(LSTMClassifier, max_epochs=40, lr=0.05, validation_fraction=0.25, patience=1)
    clf.set_params(verbose=1).fit(X, y)
    printed = capsys.readouterr().out
    n_epochs = len(clf.history_)
    assert n_epochs >= int(0.3 * 40)  # never before min_epochs
    if "Stopping since" in printed:  # it stopped early: right where it said so
        assert n_epochs < 40 and printed.count("Stopping since") == 1
        assert printed.rstrip().splitlines()[-2].startswith("Stopping since")
    losses = clf.history_[:, "valid_loss"]
    best = int(np.argmin(losses))
    assert n_epochs == 40 or n_epochs >= best + 2  # patience=1 epoch after the best


def test_a_users_lr_scheduler_replaces_the_built_in_schedule():
    scheduler = LRScheduler("StepLR", step_size=2)
    clf = tiny(LSTMClassifier, max_epochs=4, callbacks=[scheduler], validation_fraction=None)
    clf.fit(*easy_data(n=24))  # lr_schedule="cosine", the default
    names = [name for name, _ in clf.net_.callbacks_]
    assert "lr_schedule" not in names
    # StepLR alone: 0.02 halved... by 0.1 every 2 epochs, no cosine factor on top
    assert clf.net_.optimizer_.param_groups[0]["lr"] == pytest.approx(0.02 * 0.1**2)
    default = tiny(LSTMClassifier, max_epochs=4, validation_fraction=None).fit(*easy_data(n=24))
    assert "lr_schedule" in [name for name, _ in default.net_.callbacks_]


def test_time_budget_is_checked_every_batch(monkeypatch):
    """Issue 16: checked per epoch, a generator given max_time=60 ran 80 s.

    The budget's clock is replaced by one that moves 10 ms at every reading, so
    the test does not depend on how fast this machine trains.
    """
    import types

    from skmusic.generation import SequenceForecaster
    from skmusic.nn import callbacks

    readings = iter(np.arange(0.0, 1e4, 0.01))
    monkeypatch.setattr(
        callbacks, "time", types.SimpleNamespace(perf_counter=lambda: next(readings))
    )
    X = np.random.RandomState(0).randn(4, 1, 3000)
    gen = SequenceForecaster(width=16, hidden_size=8, conv_channels=4, max_epochs=100, max_time=0.3)
    gen.fit(X)
    batches = gen.history_[-1, "batches"]
    n_batches = -(-len(X) * (3000 - 16) // gen.batch_size)
    assert gen.history_[-1, "stopped_by_time"] and len(gen.history_) == 1
    assert len(batches) < n_batches  # stopped inside the first epoch
    assert gen.score(X[:1]) < 0  # a working model


def test_groups_reach_the_network_through_metadata_routing():
    """groups is a fit parameter, so sklearn routes it (set_fit_request) through a search."""
    import sklearn
    from sklearn.model_selection import StratifiedGroupKFold

    rng = np.random.RandomState(0)
    songs = np.repeat(np.arange(20), 4)
    y = songs % 2
    X = rng.randn(len(y), 1, 16) + y[:, None, None]
    with sklearn.config_context(enable_metadata_routing=True):
        clf = tiny(ResNet1DClassifier, max_epochs=2).set_fit_request(groups=True)
        grid = GridSearchCV(clf, {"n_filters": [4]}, cv=StratifiedGroupKFold(2)).fit(
            X, y, groups=songs
        )
    valid = split_valid_indices(grid.best_estimator_.net_.train_split)
    held = set(songs[valid])
    assert held and not held & set(np.delete(songs, valid))  # whole songs held out
