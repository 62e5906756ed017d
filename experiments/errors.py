"""The error a user's input causes: the CLI prints its one line and exits with status 2."""


#: Longest error line printed: a message quoting a broken file is cut, not megabytes long.
MAX_ERROR = 1500


class UsageError(Exception):
    """A bad parameter, flag, spec or file, with a message naming what is wrong and expected."""


def one_line(message: str, limit: int = MAX_ERROR) -> str:
    """``message`` on one line (line breaks become spaces), cut to ``limit`` characters."""
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[:limit - 30] + f"... ({len(line):,} characters)"
