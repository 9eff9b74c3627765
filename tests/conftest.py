"""Shared fixtures of real data: a few music21 corpus pieces, and audio rendered
from them. Parsed once per test session (and cached under skmusic's data home)."""

import os

import numpy as np
import pytest
from sklearn.utils import Bunch

from skmusic.datasets import load_corpus
from skmusic.io import write_wav

CLASSES = ["bach", "palestrina", "ryans_mammoth"]
PER_CLASS = 4
SR = 22050


def pytest_addoption(parser):
    parser.addoption(
        "--runslow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes; run with pytest --runslow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with pytest --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def one_torch_thread():
    """torch on one intra-op thread for a module's tests, the count restored after.

    Small networks on a busy 2-core machine: OpenMP spinning makes 2 threads many
    times slower than 1, and one thread does not fight tests running beside it.
    Opt in per module with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def corpus_scores():
    """12 real pieces, 3 classes: Bunch(data=note arrays, target, filenames)."""
    return load_corpus("composers", classes=CLASSES, max_per_class=PER_CLASS, verbose=False)


@pytest.fixture(scope="session")
def audio_files(corpus_scores, tmp_path_factory):
    """The same pieces rendered to 5 s of audio at 22,050 Hz and written as WAV."""
    songs = load_corpus(
        "composers",
        classes=CLASSES,
        max_per_class=PER_CLASS,
        as_audio=True,
        sr=SR,
        max_seconds=5.0,
        verbose=False,
    )
    folder = tmp_path_factory.mktemp("audio")
    paths = []
    for i, (wave, label) in enumerate(zip(songs.data, songs.target)):
        os.makedirs(folder / label, exist_ok=True)
        paths.append(write_wav(wave, folder / label / f"{label}_{i}.wav", sr=SR))
    return Bunch(
        data=songs.data,
        target=songs.target,
        filenames=np.asarray(paths),
        root=str(folder),
        sr=SR,
    )
