from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
version = {}
exec((here / "skmusic" / "_version.py").read_text(), version)

setup(
    name="skmusic",
    version=version["__version__"],
    description=(
        "scikit-learn compatible toolkit for classifying and generating music "
        "sequences: audio and symbolic features, skorch networks, slice voting."
    ),
    long_description=(here / "README.md").read_text(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["skmusic", "skmusic.*"]),
    python_requires=">=3.10",
    install_requires=[
        "numpy>=1.24",
        "scipy>=1.10",
        # skmusic uses private scikit-learn names (_fit_context, utils._param_validation,
        # _check_sample_weight, _check_feature_names_in), as sklearn-contrib projects
        # do: bounded to the releases tested (tests/test_sklearn_private_api.py).
        "scikit-learn>=1.6,<1.10",
        "joblib>=1.3",
        # 2.13.0 (the CPU build .ci/run installs first) satisfies this range.
        "torch>=2.2,<3",
        "skorch>=1.0",
        "librosa>=0.10",
        "soundfile>=0.12",
        "music21>=9.1",
        "symusic>=0.5",
        "pandas>=2.0",
        "openpyxl>=3.1",
        "optuna>=3.6",
        "optuna-integration>=3.6",
        "tqdm>=4.60",
        "matplotlib>=3.7",
    ],
    extras_require={
        "dev": [
            "pytest>=7.4",
            "ruff>=0.5",
            "dask[distributed]>=2024.1",
        ],
        # benchmarks/bench_peers.py only (MiniRocket and the UCR/UEA sets bundled in
        # sktime's wheel); never imported by the package or its tests.
        "bench": ["sktime>=0.30"],
    },
    entry_points={"console_scripts": ["skmusic=skmusic.cli:main"]},
)
