"""The error a user's input causes: the CLI prints its one line and exits with status 2."""


class UsageError(Exception):
    """A bad parameter, flag, spec or file, with a message naming what is wrong and expected."""
