"""skmusic.generation."""
