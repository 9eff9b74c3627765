"""skmusic.model_selection."""
