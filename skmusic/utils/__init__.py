"""skmusic.utils."""
