"""The one error type the parsing library raises."""


class ParseError(Exception):
    """A document could not be read or understood.

    The message is one line, written for the person who supplied the file: it says what
    is wrong and, where there is one, what to do instead. Every failure inside
    ``workplan.parsing`` surfaces as this type; nothing else escapes the public functions.
    """


# Exceptions a bug in the parser may raise on a strange document: the public functions turn
# them into ParseError so the person importing a plan never sees a traceback.
INTERNAL_ERRORS: tuple[type[Exception], ...] = (
    ValueError,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    RecursionError,
    OverflowError,
)
