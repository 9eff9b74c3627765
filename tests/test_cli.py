"""The ``skmusic`` command, in-process (main(argv)) and as a subprocess."""

import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skmusic.cli import main
from skmusic.io import read_score, write_midi

FAST = ["--silent", "--n-jobs", "1"]
# An MP3 header and frames of noise: libmpg123 prints "Note: Illegal Audio-MPEG-Header" on it.
BROKEN_MP3 = bytes(np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8))


# the command sets torch's thread count (--torch-threads): the fixture restores it
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def score_folder(corpus_scores, tmp_path_factory):
    """The 12 corpus pieces as MIDI files in root/<label>/."""
    root = tmp_path_factory.mktemp("scores")
    for i, (notes, label) in enumerate(zip(corpus_scores.data, corpus_scores.target)):
        os.makedirs(root / label, exist_ok=True)
        write_midi(notes, root / label / f"{label}_{i}.mid")
    return root


def test_compare_on_a_score_folder_writes_table_and_figures(score_folder, tmp_path, capsys):
    out = tmp_path / "res"
    status = main(
        [
            "compare",
            "--data",
            str(score_folder),
            "--models",
            "knn,resnet1d",
            "--cv",
            "2",
            "--epochs",
            "2",
            "--out",
            str(out),
            *FAST,
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "2-fold song-level CV over 12 songs" in printed and "Best network resnet1d" in printed
    table = pd.read_csv(out / "results.csv")
    assert sorted(table.model) == ["knn", "resnet1d"]
    assert set(table.family) == {"classical", "deep"}
    for name in ("confusion_matrix.png", "training_curves_resnet1d.png"):
        assert (out / name).stat().st_size > 1000


def test_compare_on_an_audio_folder(audio_files, tmp_path, capsys):
    out = tmp_path / "res"
    status = main(
        [
            "compare",
            "--data",
            audio_files.root,
            "--models",
            "logistic_regression,lstm",
            "--cv",
            "2",
            "--epochs",
            "1",
            "--out",
            str(out),
            *FAST,
        ]
    )
    assert status == 0
    assert "2-fold song-level CV over 12 songs" in capsys.readouterr().out
    assert sorted(pd.read_csv(out / "results.csv").model) == ["logistic_regression", "lstm"]


def test_compare_on_the_default_corpus(tmp_path, capsys):
    status = main(
        [
            "compare",
            "--classes",
            "ryans_mammoth,oneills",
            "--max-per-class",
            "4",
            "--models",
            "svm",
            "--cv",
            "2",
            "--out",
            str(tmp_path),
            *FAST,
        ]
    )
    assert status == 0
    assert "over 8 songs" in capsys.readouterr().out


def test_fit_then_predict_from_file_paths(score_folder, tmp_path, capsys):
    files = sorted(str(p) for p in score_folder.rglob("*.mid"))[:3]
    for model in ("svm", "resnet1d"):
        saved = tmp_path / f"{model}.joblib"
        assert (
            main(
                [
                    "fit",
                    "--data",
                    str(score_folder),
                    "--model",
                    model,
                    "--epochs",
                    "2",
                    "--save",
                    str(saved),
                    "--silent",
                ]
            )
            == 0
        )
        assert f"saved {model} (symbolic" in capsys.readouterr().out
        assert main(["predict", str(saved), *files]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert lines[0].split()[:2] == ["file", "label"] and len(lines) == 4
        labels = {"bach", "palestrina", "ryans_mammoth"}
        for f, line in zip(files, lines[1:]):
            parts = line.split()
            assert parts[0] == f and parts[1] in labels
            if model == "resnet1d":  # probabilities per class, summing to 1
                assert sum(float(p) for p in parts[2:]) == pytest.approx(1, abs=0.01)


def test_generate_writes_a_midi_piece(score_folder, tmp_path, capsys):
    out = tmp_path / "gen" / "new.mid"
    assert (
        main(
            [
                "generate",
                "--data",
                str(score_folder),
                "--class",
                "bach",
                "--out",
                str(out),
                "--steps",
                "40",
                "--max-time",
                "3",
                "--silent",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "wrote" in printed
    # the held-out log-likelihood of the LSTM beside the variable-order model's
    assert re.search(
        r"note LSTM -?\d+\.\d+ .*\), (bigram \(alpha=[\d.]+\)|Kneser-Ney \d-gram|PPM\*-[CX]) "
        r"-?\d+\.\d+",
        printed,
    )
    notes = read_score(str(out))
    assert len(notes) > 0 and out.with_suffix(".png").exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--class", "waltz"], "no class 'waltz' in"),
        (["--data", "bach", "--class", "oneills"], "use --data corpus"),
        (["--temperature", "0"], "--temperature must be positive"),
        (["--steps", "0"], "--steps must be a positive"),
    ],
)
def test_generate_user_errors(score_folder, argv, message, capsys):
    if argv[0] != "--data":
        argv = ["--data", str(score_folder), *argv]
    assert main(["generate", *argv, "--silent"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--data", "/no/such/folder"], "data folder '/no/such/folder' does not exist"),
        (["fit", "--data", "/no/such/folder"], "does not exist"),
        (["predict", "/no/model.joblib", "a.mid"], "model file '/no/model.joblib' does not exist"),
        (["compare", "--models", "xgboost", "--max-per-class", "3"], "Unknown model 'xgboost'"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(argv, message, capsys):
    assert main([*argv, "--silent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skmusic: error: ") and message in err
    assert "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--classes", "bach,waltz"], "no class waltz in the corpus"),
        (["compare", "--cv", "1"], "--cv must be at least 2 number of folds, got 1"),
        (["fit", "--max-per-class", "0"], "--max-per-class must be a positive number"),
        (["fit", "--model", "xgboost"], "Unknown model 'xgboost'"),
        (["generate", "--max-time", "0"], "--max-time must be positive"),
        (["compare", "--n-jobs", "0"], "--n-jobs must be a positive number"),
    ],
)
def test_bad_option_values_are_one_line_errors(argv, message, capsys):
    assert main([*argv, "--silent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skmusic: error: ") and message in err and "\n" not in err


def test_folder_without_class_sub_folders_is_a_user_error(score_folder, tmp_path, capsys):
    flat = tmp_path / "flat"
    flat.mkdir()
    one = next(score_folder.rglob("*.mid"))
    (flat / one.name).write_bytes(one.read_bytes())
    assert main(["compare", "--data", str(flat), "--silent"]) == 2
    assert "files in class sub-folders" in capsys.readouterr().err


def test_too_little_data_to_generate_is_a_user_error(score_folder, capsys):
    argv = ["generate", "--data", str(score_folder), "--class", "bach", "--max-pieces", "3"]
    assert main([*argv, "--silent"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skmusic: error: 3 usable pieces") and "\n" not in err


@pytest.mark.parametrize(
    "command, target",
    [
        (["compare", "--models", "knn", "--max-per-class", "3", "--cv", "2"], "compare_models"),
        (["generate", "--max-pieces", "4"], "fit_generation"),
    ],
)
def test_a_library_bug_keeps_its_traceback(command, target, monkeypatch):
    """A ValueError from inside the library is a bug, not a user error: it
    propagates (the traceback is shown) instead of becoming one line."""
    import skmusic.model_selection

    def broken(*args, **kwargs):
        raise ValueError("an internal inconsistency")

    monkeypatch.setattr(skmusic.model_selection, target, broken)
    with pytest.raises(ValueError, match="an internal inconsistency"):
        main([*command, "--silent"])


def test_generate_token_choices_are_the_library_presets():
    from skmusic.cli import build_parser
    from skmusic.model_selection import TOKENIZER_PRESETS

    parser = build_parser()
    generate = parser._subparsers._group_actions[0].choices["generate"]
    (tokens,) = [a for a in generate._actions if a.dest == "tokens"]
    assert sorted(tokens.choices) == sorted([*TOKENIZER_PRESETS, "satb"])  # satb: four voices


def test_unreadable_file_is_reported_not_traced(score_folder, tmp_path, capsys):
    saved = tmp_path / "m.joblib"
    assert (
        main(
            ["fit", "--data", str(score_folder), "--model", "knn", "--save", str(saved), "--silent"]
        )
        == 0
    )
    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"this is not a MIDI file")
    capsys.readouterr()
    assert main(["predict", str(saved), str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skmusic: error: ") and "broken.mid" in err and "\n" not in err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "compare" in capsys.readouterr().out


def test_command_as_a_subprocess(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    ok = subprocess.run(
        [sys.executable, "-m", "skmusic", "--help"], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0 and "generate" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "skmusic", "compare", "--data", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        f"skmusic: error: data folder '{tmp_path / 'missing'}' does not exist"
    ]


def test_broken_mp3_gives_the_error_alone(audio_files, tmp_path, capfd):
    saved = tmp_path / "audio.joblib"
    assert (
        main(
            ["fit", "--data", audio_files.root, "--model", "knn", "--save", str(saved), "--silent"]
        )
        == 0
    )
    mp3 = tmp_path / "broken.mp3"
    mp3.write_bytes(BROKEN_MP3)
    capfd.readouterr()
    assert main(["predict", str(saved), str(mp3)]) == 2
    err = capfd.readouterr().err  # file descriptor 2: the C decoders' lines too
    assert "Note:" not in err and "Warning" not in err
    assert err.strip().startswith("skmusic: error: Cannot read") and err.count("\n") == 1


def test_predict_help_says_to_load_only_trusted_models():
    out = subprocess.run(
        [sys.executable, "-m", "skmusic", "predict", "--help"], capture_output=True, text=True
    ).stdout
    assert "pickle" in out and "trust" in out


@pytest.mark.slow
def test_compare_quick_on_the_default_data(tmp_path):
    """The full ``skmusic compare --quick`` (minutes; benchmarks/bench_compare.py times it)."""
    proc = subprocess.run(
        [sys.executable, "-m", "skmusic", "compare", "--quick", "--out", str(tmp_path), "--silent"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = pd.read_csv(tmp_path / "results.csv")
    assert len(table) == 12 and np.all(table.mean_score < 0.97)


@pytest.fixture(scope="module")
def audio_folder(tmp_path_factory):
    """Two classes of 1.5-s tone melodies as WAV files in root/<label>/ (4 each, 8 kHz)."""
    from skmusic.io import write_wav

    root = tmp_path_factory.mktemp("audio")
    rng = np.random.default_rng(0)
    t = np.arange(800) / 8000
    for label, pitches in (("low", [110, 147, 165]), ("high", [880, 988, 1175])):
        os.makedirs(root / label)
        for i in range(4):
            wave = np.concatenate(
                [0.3 * np.sin(2 * np.pi * f * t) for f in rng.choice(pitches, 15)]
            )
            write_wav(wave[None], root / label / f"{label}_{i}.wav", sr=8000)
    return root


def test_generate_writes_audio_from_an_audio_folder(audio_folder, tmp_path, capsys):
    import soundfile

    out = tmp_path / "gen" / "clip.wav"
    argv = ["generate", "--data", str(audio_folder), "--class", "high", "--out", str(out)]
    argv += ["--sr", "8000", "--seconds", "0.5", "--max-time", "2", "--silent"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert re.search(
        r"spectral generator -?\d+\.\d+, mean-spectrum baseline -?\d+\.\d+", printed
    ), printed
    wave, sr = soundfile.read(out, always_2d=True)
    assert sr == 8000 and wave.shape == (4000, 1)
    assert np.sqrt(np.mean(wave**2)) > 0.05  # sound at about the recordings' level (0.21)
    assert out.with_suffix(".png").stat().st_size > 0


def test_generate_audio_user_errors(audio_folder, score_folder, capsys):
    argv = ["generate", "--data", str(audio_folder), "--class", "mid", "--silent"]
    assert main(argv) == 2
    assert "no class 'mid'" in capsys.readouterr().err
    argv = ["generate", "--data", str(score_folder), "--audio", "--silent"]
    assert main(argv) == 2
    assert "--audio renders the corpus" in capsys.readouterr().err
