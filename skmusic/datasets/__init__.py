"""skmusic.datasets."""
