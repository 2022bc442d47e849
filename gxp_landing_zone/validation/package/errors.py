"""The package's one error: an input it cannot be built from."""


class PackageError(Exception):
    """An input the package cannot be built from; the message names the file and the fix."""
