class PackageError(Exception):
    """Input the package cannot be built from; the message names the file or option and the fix. ``exit_code``:
    2 for a usage or input problem, 3 for evidence refused (a record broken, unsealed, forged or executed
    against another protocol)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


EXIT_REFUSED = 3
