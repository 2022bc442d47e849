"""Small GxP building blocks. Each takes typed keyword arguments and never reads the config."""
