"""Parsing the TOML of instruments and project files, with a bound on nesting.

Neither file nests deeper than a few levels (``[[dimensions.items]]`` inside
``[[dimensions]]``; ``[scale.labels]``). A hostile file nests arrays or tables
thousands deep: tomllib then ends in a RecursionError, and each level costs the
renderers and checkers a level of recursion too. Deeper than :data:`MAX_DEPTH`
is one clear error.
"""

from __future__ import annotations

import tomllib

from .i18n import Message

#: levels of tables and arrays inside each other that a file may use
MAX_DEPTH = 8


class TomlProblem(ValueError):
    """The text is not TOML, or nests deeper than :data:`MAX_DEPTH`."""


def loads(text: str) -> dict:
    """The parsed document; :class:`TomlProblem` says what is wrong, in one line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlProblem(Message("problem.toml", detail=exc)) from None
    except RecursionError:
        raise TomlProblem(Message("problem.toml_depth", depth=MAX_DEPTH)) from None
    if depth(data) > MAX_DEPTH:
        raise TomlProblem(Message("problem.toml_depth", depth=MAX_DEPTH))
    return data


def depth(value: object) -> int:
    """Levels of tables and lists in ``value`` (a scalar is 0), walked without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        if level + 1 > MAX_DEPTH:  # no need to walk further
            return level + 1
        stack.extend((child, level + 1) for child in children)
    return deepest
