"""skmusic.plotting: every plot returns its Axes and writes a readable PNG."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import confusion_matrix  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from skmusic.ensemble import VotingSliceClassifier  # noqa: E402
from skmusic.features import ChannelScaler, MelSpectrogram, NoteSequence  # noqa: E402
from skmusic.nn import LSTMClassifier  # noqa: E402
from skmusic.plotting import (  # noqa: E402
    find_history,
    plot_confusion_matrix,
    plot_piano_roll,
    plot_spectrogram,
    plot_training_curves,
)


@pytest.fixture(autouse=True)
def close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_confusion_matrix_counts_and_png(tmp_path):
    y_true = ["bach", "bach", "oneills", "trecento", "oneills"]
    y_pred = ["bach", "oneills", "oneills", "trecento", "bach"]
    path = tmp_path / "figs" / "cm.png"
    ax = plot_confusion_matrix(y_true, y_pred, title="test", path=path)
    np.testing.assert_array_equal(ax.images[0].get_array(), confusion_matrix(y_true, y_pred))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["bach", "oneills", "trecento"]
    assert ax.get_title() == "test" and _is_png(path)
    normalized = plot_confusion_matrix(y_true, y_pred, normalize="true")
    np.testing.assert_allclose(normalized.images[0].get_array().sum(axis=1), 1.0)


def test_training_curves_from_a_network_inside_a_pipeline(
    corpus_scores, tmp_path, one_torch_thread
):
    model = make_pipeline(
        NoteSequence(features=("pitch", "duration")),
        ChannelScaler(),
        VotingSliceClassifier(
            LSTMClassifier(8, dense=(), max_epochs=3, validation_fraction=0.25, random_state=0),
            width=16,
            pad="constant",
        ),
    ).fit(corpus_scores.data, corpus_scores.target)
    history = find_history(model)
    assert len(history) == 3
    path = tmp_path / "curves.png"
    ax = plot_training_curves(model, path=path)
    assert [line.get_label() for line in ax.get_lines()] == ["train_loss", "valid_loss"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), history[:, "train_loss"])
    assert _is_png(path)
    # valid_acc goes on a second axis; the history itself works too
    ax = plot_training_curves(history, keys=["train_loss", "valid_acc"])
    assert len(ax.figure.axes) == 2
    with pytest.raises(ValueError, match="History has no \\['f1'\\]"):
        plot_training_curves(history, keys=["f1"])


def test_training_curves_of_a_fit_stopped_mid_epoch_by_the_time_budget(one_torch_thread):
    """The time budget stops inside an epoch: that epoch has no scores, and the
    curves are drawn from the epochs that have them."""
    from skmusic.nn import ResNet1DClassifier
    from skmusic.nn.callbacks import TimeBudget

    X = np.random.RandomState(0).randn(60, 1, 16)
    y = np.arange(60) % 2

    class StopInSecondEpoch(TimeBudget):
        def on_batch_end(self, net, training=False, **kwargs):
            if training and len(net.history) == 2:
                self.seconds = 0.0
            super().on_batch_end(net, training=training, **kwargs)

    clf = ResNet1DClassifier(
        n_filters=4, n_blocks=1, max_epochs=5, batch_size=8, callbacks=[StopInSecondEpoch(1e9)]
    ).fit(X, y)
    assert len(clf.history_) == 2 and "train_loss" not in clf.history_[-1]
    ax = plot_training_curves(clf)
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [1, 1]
    assert not any("no validation" in t.get_text() for t in ax.texts)


def test_training_curves_say_why_there_is_no_validation_curve(one_torch_thread, tmp_path):
    """A network trained on every song (the note network's default) has only a
    training loss: the plot says why, instead of leaving a newcomer to look for it."""
    from skmusic.nn import ResNet1DClassifier

    X = np.random.RandomState(0).randn(20, 1, 8)
    y = np.arange(20) % 2
    clf = ResNet1DClassifier(
        4, n_blocks=1, max_epochs=2, validation_fraction=None, random_state=0
    ).fit(X, y)
    ax = plot_training_curves(clf, path=tmp_path / "c.png")
    assert [line.get_label() for line in ax.get_lines()] == ["train_loss"]
    assert any("validation_fraction=None" in t.get_text() for t in ax.texts)


def test_training_curves_need_a_fitted_network():
    from sklearn.svm import SVC

    with pytest.raises(ValueError, match="No fitted network in Pipeline"):
        plot_training_curves(make_pipeline(SVC()))


def test_spectrogram_of_rendered_audio(audio_files, tmp_path):
    mel = MelSpectrogram(n_mels=64).fit_transform(audio_files.data[:1])[0]
    path = tmp_path / "mel.png"
    ax = plot_spectrogram(mel, sr=audio_files.sr, title="mel", path=path)
    assert ax.get_xlabel() == "Time" and _is_png(path)
    with pytest.raises(ValueError, match="shape \\(n_bins, n_frames\\)"):
        plot_spectrogram(np.zeros(10))


def test_piano_roll_of_a_real_piece(corpus_scores, tmp_path):
    from skmusic.io import make_notes

    notes = corpus_scores.data[0]
    path = tmp_path / "roll.png"
    ax = plot_piano_roll(notes, title="piece", path=path)
    (bars,) = ax.collections
    assert len(bars.get_paths()) == len(notes)
    assert ax.get_ylim()[0] < notes["pitch"].min() < notes["pitch"].max() < ax.get_ylim()[1]
    assert _is_png(path)
    with pytest.raises(ValueError, match="no notes"):
        plot_piano_roll(make_notes([], [], []))
    with pytest.raises(ValueError, match="not note events"):
        plot_piano_roll([60, 62])
