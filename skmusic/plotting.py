"""Plots: confusion matrices, training curves, spectrograms, piano rolls, learning curves.

Every function draws on ``ax`` (a new figure when ``None``), returns the
matplotlib Axes, and writes a PNG when given ``path``. matplotlib is imported
lazily, with the non-interactive Agg backend when no display is available.
"""

import os

import numpy as np

__all__ = [
    "plot_confusion_matrix",
    "plot_training_curves",
    "plot_spectrogram",
    "plot_piano_roll",
    "plot_forecast",
    "plot_learning_curve",
    "find_history",
]


def _pyplot():
    import matplotlib

    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax, figsize):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _save(ax, path, dpi=120):
    if path is not None:
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        ax.figure.savefig(path, dpi=dpi)
    return ax


def plot_confusion_matrix(
    y_true, y_pred, *, labels=None, normalize=None, title=None, ax=None, path=None
):
    """Confusion matrix of song labels, with :class:`sklearn.metrics.ConfusionMatrixDisplay`.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_songs,)
    labels : list, default=None
        Class order; ``None``: the sorted union of both.
    normalize : {"true", "pred", "all"}, default=None
        As :func:`sklearn.metrics.confusion_matrix`.
    title : str, default=None
    ax : matplotlib Axes, default=None
    path : str, default=None
        Write the figure as PNG here.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from skmusic.plotting import plot_confusion_matrix
    >>> ax = plot_confusion_matrix(["a", "b", "b"], ["a", "b", "a"])
    >>> ax.get_xlabel()
    'Predicted label'
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    n = (
        len(labels)
        if labels is not None
        else len(set(np.asarray(y_true).tolist()) | set(np.asarray(y_pred).tolist()))
    )
    size = max(4.0, 1.0 + 0.9 * n)
    ax = _axes(ax, (size + 1.0, size))
    disp = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=labels,
        normalize=normalize,
        ax=ax,
        colorbar=True,
        cmap="Blues",
        xticks_rotation=30 if n > 3 else "horizontal",
        values_format=".2f" if normalize else "d",
    )
    if title:
        ax.set_title(title)
    return _save(disp.ax_, path)


def find_history(estimator):
    """The skorch history of a fitted network, wherever it sits.

    Looks in ``estimator`` itself (``net_.history``), a Pipeline's last step,
    a :class:`~skmusic.ensemble.VotingSliceClassifier`'s ``estimator_`` and a
    search's ``best_estimator_``.

    Parameters
    ----------
    estimator : fitted estimator

    Returns
    -------
    history : skorch.History

    Raises
    ------
    ValueError
        If no fitted network is found.
    """
    seen, current = 0, estimator
    while current is not None and seen < 10:
        seen += 1
        net = getattr(current, "net_", None)
        if net is not None and hasattr(net, "history"):
            return net.history
        if hasattr(current, "history") and hasattr(current, "module_"):
            return current.history  # a plain skorch net
        if hasattr(current, "steps"):
            current = current.steps[-1][1]
        elif hasattr(current, "estimator_"):
            current = current.estimator_
        elif hasattr(current, "best_estimator_"):
            current = current.best_estimator_
        else:
            current = None
    raise ValueError(
        f"No fitted network in {type(estimator).__name__}: training curves need a fitted "
        "skmusic network (net_.history), alone or inside a Pipeline / VotingSliceClassifier."
    )


def plot_training_curves(estimator_or_history, *, keys=None, title=None, ax=None, path=None):
    """Loss (and accuracy) per epoch from a skorch history.

    Parameters
    ----------
    estimator_or_history : fitted estimator or skorch History
        A skmusic network, or a Pipeline / VotingSliceClassifier / search
        holding one (see :func:`find_history`), or the history itself.
    keys : list of str, default=None
        History columns to draw; ``None``: every one of ``train_loss``,
        ``valid_loss``, ``valid_acc`` that was recorded. Accuracies go on a
        second y axis. A history without validation scores (the network
        trained on every song, ``validation_fraction=None``) is drawn with a
        note saying so.
    title : str, default=None
    ax : matplotlib Axes, default=None
    path : str, default=None

    Returns
    -------
    ax : matplotlib Axes
        The loss axes (its twin holds the accuracies).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.nn import ResNet1DClassifier
    >>> from skmusic.plotting import plot_training_curves
    >>> X = np.random.RandomState(0).randn(20, 1, 8); y = np.arange(20) % 2
    >>> clf = ResNet1DClassifier(4, n_blocks=1, max_epochs=3, random_state=0).fit(X, y)
    >>> plot_training_curves(clf).get_ylabel()
    'loss'
    """
    history = estimator_or_history
    if not (hasattr(history, "__getitem__") and hasattr(history, "record")):
        history = find_history(estimator_or_history)
    if len(history) == 0:
        raise ValueError("The history is empty: the network has not trained an epoch.")
    recorded = set(history[0].keys()) if len(history) else set()
    if keys is None:
        keys = [k for k in ("train_loss", "valid_loss", "valid_acc") if k in recorded]
    missing = [k for k in keys if k not in recorded]
    if missing:
        raise ValueError(f"History has no {missing}; it records {sorted(recorded)}.")
    ax = _axes(ax, (6.0, 4.0))
    acc_ax = None
    for key in keys:
        # an epoch cut short (the time budget stops mid-epoch) lacks its scores
        points = [(row["epoch"], row[key]) for row in history if key in row]
        epochs, values = zip(*points, strict=True)
        if "loss" in key:
            ax.plot(epochs, values, marker="o", markersize=3, label=key)
        else:
            acc_ax = acc_ax or ax.twinx()
            acc_ax.plot(
                epochs,
                values,
                marker="s",
                markersize=3,
                linestyle="--",
                color="tab:green",
                label=key,
            )
            acc_ax.set_ylabel("accuracy")
            acc_ax.set_ylim(0, 1.02)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    handles, labels = ax.get_legend_handles_labels()
    if acc_ax is not None:
        h2, l2 = acc_ax.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    # under the axes, where no curve can run behind it
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=len(labels),
        frameon=False,
    )
    ax.grid(alpha=0.3)
    if not any(k.startswith("valid") for k in recorded):
        # a newcomer looks for the validation curve: say why there is none
        ax.text(
            0.98,
            0.96,
            "no validation curve: every training song was trained on\n(validation_fraction=None)",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            color="0.35",
        )
    if title:
        ax.set_title(title)
    return _save(ax, path)


def plot_spectrogram(
    S,
    *,
    sr=22050,
    hop_length=512,
    y_axis="mel",
    x_axis="time",
    title=None,
    ax=None,
    path=None,
    **kwargs,
):
    """Draw a spectrogram with :func:`librosa.display.specshow`.

    Parameters
    ----------
    S : ndarray of shape (n_bins, n_frames) or (1, n_bins, n_frames)
        E.g. one item of :class:`~skmusic.features.MelSpectrogram`'s output
        (in dB).
    sr : int, default=22050
    hop_length : int, default=512
    y_axis : str, default="mel"
        As librosa (``"mel"``, ``"linear"``, ``"log"``, ``None`` for bins).
    x_axis : str, default="time"
    title : str, default=None
    ax : matplotlib Axes, default=None
    path : str, default=None
    **kwargs
        Passed to ``specshow`` (e.g. ``fmax``, ``cmap``).

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.plotting import plot_spectrogram
    >>> ax = plot_spectrogram(np.random.RandomState(0).rand(16, 40), y_axis=None)
    >>> ax.get_xlabel()
    'Time'
    """
    import librosa.display

    S = np.asarray(S)
    if S.ndim == 3 and S.shape[0] == 1:
        S = S[0]
    if S.ndim != 2:
        raise ValueError(
            f"Expected a spectrogram of shape (n_bins, n_frames), got shape {S.shape}."
        )
    ax = _axes(ax, (7.0, 3.5))
    img = librosa.display.specshow(
        S, sr=sr, hop_length=hop_length, x_axis=x_axis, y_axis=y_axis, ax=ax, **kwargs
    )
    ax.figure.colorbar(img, ax=ax, format="%+.0f")
    if title:
        ax.set_title(title)
    return _save(ax, path)


def plot_piano_roll(notes, *, grid=True, title=None, ax=None, path=None):
    """Piano roll of a (generated) piece: one bar per note, pitch against time.

    Parameters
    ----------
    notes : ndarray of dtype NOTE_DTYPE
        Note events (:mod:`skmusic.io.notes`), e.g. a generator's output
        decoded by ``NoteTokenizer.decode`` or a parsed score.
    grid : bool, default=True
        A faint vertical line at every quarter note (skipped past 400).
    title : str, default=None
    ax : matplotlib Axes, default=None
    path : str, default=None

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> from skmusic.io.notes import make_notes
    >>> from skmusic.plotting import plot_piano_roll
    >>> ax = plot_piano_roll(make_notes([60, 64, 67], [0, 1, 2], [1, 1, 2]))
    >>> ax.get_ylabel()
    'pitch'
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    from .io.notes import check_notes

    notes = check_notes(notes)
    if notes.shape[0] == 0:
        raise ValueError("The piece has no notes to draw.")
    ax = _axes(ax, (9.0, 3.5))
    onset, dur, pitch = notes["onset"], notes["duration"], notes["pitch"]
    parts = notes["part"] if "part" in notes.dtype.names else np.zeros(len(notes), int)
    cmap = _pyplot().get_cmap("tab10")
    rects = [
        Rectangle((o, p - 0.4), max(d, 0.05), 0.8)
        for o, d, p in zip(onset, dur, pitch, strict=True)
    ]
    colors = [cmap(int(k) % 10) for k in parts]
    ax.add_collection(PatchCollection(rects, facecolors=colors, edgecolors="black", linewidths=0.3))
    end = float(np.max(onset + dur))
    ax.set_xlim(0, end if end > 0 else 1)
    ax.set_ylim(pitch.min() - 2, pitch.max() + 2)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    ax.grid(axis="y", alpha=0.2)
    if grid and end <= 400:
        for q in range(int(np.ceil(end)) + 1):
            ax.axvline(q, color="0.85", linewidth=0.5, zorder=0)
    if title:
        ax.set_title(title)
    return _save(ax, path)


def plot_forecast(
    truth,
    forecast,
    *,
    start=0,
    channel=0,
    labels=("truth", "forecast"),
    title=None,
    ax=None,
    path=None,
):
    """Plot a forecast against the true continuation, as Chen and Wang's Figures 4-7 [1]_.

    Parameters
    ----------
    truth : array-like of shape (n_timesteps,) or (n_channels, n_timesteps)
        The whole true sequence (prompt and continuation).
    forecast : array-like of shape (n_steps,) or (n_channels, n_steps)
        What the model generated, e.g. ``SequenceForecaster.forecast``.
    start : int, default=0
        Index in ``truth`` where the forecast begins (the prompt's length).
    channel : int, default=0
        Channel to draw.
    labels : tuple of str, default=("truth", "forecast")
    title : str, default=None
    ax : matplotlib Axes, default=None
        Where to draw; a new figure when ``None``.
    path : str, default=None
        Save the figure there as PNG.

    Returns
    -------
    ax : matplotlib Axes

    References
    ----------
    .. [1] S. Chen and Y. Wang, "Convolutional Recurrent Music Sequence
       Classification and Generation", MIT course project report (undated;
       cites work up to 2019).

    Examples
    --------
    >>> import numpy as np
    >>> from skmusic.plotting import plot_forecast
    >>> truth = np.sin(np.linspace(0, 6, 60))
    >>> plot_forecast(truth, truth[40:] + 0.1, start=40).get_legend_handles_labels()[1]
    ['truth', 'forecast']
    """
    truth = np.atleast_2d(np.asarray(truth, dtype=float))
    forecast = np.atleast_2d(np.asarray(forecast, dtype=float))
    ax = _axes(ax, (8, 3))
    ax.plot(np.arange(truth.shape[1]), truth[channel], color="0.4", label=labels[0])
    ax.plot(start + np.arange(forecast.shape[1]), forecast[channel], color="C3", label=labels[1])
    ax.axvline(start, color="0.7", linestyle="--", linewidth=1)
    ax.set_xlabel("step")
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return _save(ax, path)


def plot_learning_curve(
    table,
    *,
    spread="std",
    bands="best",
    chance=None,
    title=None,
    ylabel="accuracy",
    ax=None,
    path=None,
):
    """Mean score against training songs per class, one line per model.

    Networks are dashed, classical models solid; a band around a line shows
    the spread over draws (or over whatever rows share a model and a size,
    e.g. the tasks of a suite).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`skmusic.model_selection.learning_curve_table`, or any
        table with ``model``, ``songs_per_class`` and ``score`` columns (and
        ``family``: ``"deep"`` draws dashed).
    spread : {"std", "range"} or None, default="std"
        The band: mean ± standard deviation, the lowest to highest score, or
        none.
    bands : {"best", "all"}, default="best"
        Bands around the best network and the best classical model only (by
        mean score at the largest size), or around every line.
    chance : float, default=None
        Draw a dotted line at this score (e.g. ``1 / n_classes``).
    title : str, default=None
    ylabel : str, default="accuracy"
    ax : matplotlib Axes, default=None
    path : str, default=None
        Write the figure as PNG here.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from skmusic.plotting import plot_learning_curve
    >>> table = pd.DataFrame({"model": ["svm", "net"] * 4, "family": ["classical", "deep"] * 4,
    ...                       "songs_per_class": [10, 10, 10, 10, 20, 20, 20, 20],
    ...                       "score": [0.7, 0.6, 0.8, 0.6, 0.8, 0.8, 0.8, 0.9]})
    >>> ax = plot_learning_curve(table)
    >>> ax.get_xlabel(), len(ax.get_lines())
    ('training songs per class', 2)
    """
    needed = {"model", "songs_per_class", "score"}
    missing = needed - set(getattr(table, "columns", ()))
    if missing:
        raise ValueError(
            f"table lacks the column(s) {sorted(missing)}; pass the table of "
            "skmusic.model_selection.learning_curve_table."
        )
    if len(table) == 0:
        raise ValueError("table is empty: nothing to plot.")
    if spread not in ("std", "range", None):
        raise ValueError(f"spread must be 'std', 'range' or None, got {spread!r}.")
    if bands not in ("best", "all"):
        raise ValueError(f"bands must be 'best' or 'all', got {bands!r}.")
    stats = (
        table.groupby(["model", "songs_per_class"])["score"]
        .agg(["mean", "std", "min", "max"])
        .reset_index()
    )
    family = {}
    if "family" in table.columns:
        family = table.drop_duplicates("model").set_index("model")["family"].to_dict()
    # legend order: best at the largest size first
    last = stats.sort_values("songs_per_class").groupby("model").tail(1)
    order = last.sort_values("mean", ascending=False)["model"].tolist()
    banded = set(order)
    if bands == "best":  # the first of each family in ``order``
        banded = {next(m for m in order if family.get(m) == f) for f in set(family.values())}
        banded = banded or set(order[:1])
    scores = table["score"].to_numpy(dtype=float)
    bounded = bool(np.nanmin(scores) >= 0.0 and np.nanmax(scores) <= 1.0)
    plt = _pyplot()
    ax = _axes(ax, (7.5, 4.5))
    colors = plt.get_cmap("tab20").colors
    for i, model in enumerate(order):
        rows = stats[stats["model"] == model].sort_values("songs_per_class")
        deep = family.get(model) == "deep"
        color = colors[(2 * i) % 20 if i < 10 else (2 * i + 1) % 20]
        x, mean = rows["songs_per_class"].to_numpy(), rows["mean"].to_numpy()
        ax.plot(
            x,
            mean,
            linestyle="--" if deep else "-",
            marker="o" if deep else "s",
            markersize=4,
            linewidth=2.0 if deep else 1.4,
            color=color,
            label=f"{model} (network)" if deep else model,
        )
        if spread is not None and model in banded:
            if spread == "std":
                sd = np.nan_to_num(rows["std"].to_numpy())
                low, high = mean - sd, mean + sd
            else:
                low, high = rows["min"].to_numpy(), rows["max"].to_numpy()
            if bounded:  # accuracies: the band stays within [0, 1]
                low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
            ax.fill_between(x, low, high, color=color, alpha=0.12, linewidth=0)
    if chance is not None:
        ax.axhline(chance, color="0.5", linestyle=":", linewidth=1, label="chance")
    sizes = np.sort(stats["songs_per_class"].unique())
    if sizes.size > 1 and sizes[-1] / max(sizes[0], 1) >= 4:
        ax.set_xscale("log", base=2)
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(int(s)) for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel("training songs per class")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize="small")
    if title:
        ax.set_title(title)
    return _save(ax, path)
