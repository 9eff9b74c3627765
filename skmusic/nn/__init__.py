"""skmusic.nn."""
