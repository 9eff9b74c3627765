"""skmusic.ensemble."""
