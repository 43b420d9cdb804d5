"""YAML text → one document's node tree, with the refusals that make untrusted YAML safe to read.

PyYAML's own composer is pure Python and reads about 4,000 records a second; this one walks the
events of libyaml's C parser (when PyYAML has it) in one loop, so loading stays linear and fast.
Text that cannot hold anything refused but deep nesting (no alias, anchor, tag or escape: the usual
curated file) is composed by PyYAML's C composer instead, in about three quarters of the time, and
only its depth is checked. Nodes keep their marks (for file:line), their resolved tags (``_is_null``,
booleans) and their text; nothing is ever constructed as a Python object. Refused, with the mark of the offending node:
aliases (they enable "billion laughs"), tags other than the plain ones (``!!python/object``),
nesting deeper than ``MAX_DEPTH`` and text that ``safety.bad_character`` names.
"""

from __future__ import annotations

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from policygraph.records.safety import bad_character

__all__ = ["MAX_DEPTH", "YamlRefusal", "compose_documents"]

MAX_DEPTH = 20
"""Nodes nested deeper than this are refused (curated records are four levels deep)."""

_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML was built with libyaml
_HAS_C_COMPOSER = _LOADER is not yaml.SafeLoader and not _LOADER.yaml_path_resolvers


class YamlRefusal(Exception):
    """Well-formed YAML that policygraph does not read; ``mark`` is where."""

    def __init__(self, message: str, mark):  # noqa: ANN001 - a yaml Mark
        super().__init__(message)
        self.mark = mark


def compose_documents(text: str) -> list[yaml.Node]:
    """The root node of each document in ``text`` (an empty document gives none).

    Raises:
        YamlRefusal: see the module docstring.
        yaml.YAMLError: the text is not YAML.
    """
    clean = bad_character(text) is None
    if clean and _HAS_C_COMPOSER and not any(sign in text for sign in "*&!\\"):
        documents = _compose_in_c(text)
        if documents is not None:
            return documents
    loader = _LOADER(text)
    try:
        # Only a double-quoted scalar can hold a character that the text does not (an escape: "\x01"),
        # so a clean text leaves just those to check one by one.
        return _compose(loader, check_all=not clean)
    finally:
        loader.dispose()


def _compose_in_c(text: str) -> list[yaml.Node] | None:
    """The documents as PyYAML's C composer makes them, or None when one nests too deep (``_compose`` says where).

    Only for text with no alias, anchor, tag, escape or refused character, where the C composer and
    ``_compose`` make the same nodes.
    """
    loader = _LOADER(text)
    # The composer calls these three for every node: the loader's own methods walk path resolvers it does
    # not have, and make two calls per scalar where one does (an eighth of the time of composing).
    loader.resolve = _resolve
    loader.descend_resolver = _no_path
    loader.ascend_resolver = _no_path
    try:
        documents = []
        while loader.check_node():
            documents.append(loader.get_node())
    finally:
        loader.dispose()
    for root in documents:
        if _too_deep(root):
            return None
    return documents


def _resolve(kind, value, implicit):  # noqa: ANN001, ANN202 - PyYAML's Resolver.resolve, for a loader without path resolvers
    if kind is ScalarNode:
        if implicit[0]:  # ``_scalar_tag``, inlined: once per scalar
            for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
                if regexp.match(value):
                    return tag
        return _STR
    return _SEQUENCE if kind is SequenceNode else _MAPPING


def _no_path(*_args) -> None:  # noqa: ANN002 - PyYAML's descend_resolver and ascend_resolver, for a loader without path resolvers
    return None


def _too_deep(root: yaml.Node) -> bool:
    """True when some node lies deeper than ``MAX_DEPTH`` (the root is at depth 1), as ``_compose`` counts."""
    containers = [] if type(root) is ScalarNode else [(root, 1)]
    push = containers.append
    while containers:
        node, depth = containers.pop()
        if not node.value:
            continue
        if depth >= MAX_DEPTH:
            return True
        depth += 1
        if type(node) is MappingNode:
            for key, value in node.value:
                if type(key) is not ScalarNode:
                    push((key, depth))
                if type(value) is not ScalarNode:
                    push((value, depth))
        else:
            for child in node.value:
                if type(child) is not ScalarNode:
                    push((child, depth))
    return False


def _implicit_tags() -> dict[str, list]:
    """The loader's implicit resolvers (plain scalar → bool, int, null, ...) by first character."""
    table = _LOADER.yaml_implicit_resolvers
    wildcard = table.get(None, [])
    return {first: resolvers + wildcard for first, resolvers in table.items() if first is not None}


_IMPLICIT = _implicit_tags()
_WILDCARD = _LOADER.yaml_implicit_resolvers.get(None, [])
_STR = _LOADER.DEFAULT_SCALAR_TAG
_SEQUENCE, _MAPPING = _LOADER.DEFAULT_SEQUENCE_TAG, _LOADER.DEFAULT_MAPPING_TAG


def _scalar_tag(value: str) -> str:
    """The tag ``Resolver.resolve`` gives a plain scalar, without its per-call set-up (a million calls in a big file)."""
    for tag, regexp in _IMPLICIT.get(value[:1], _WILDCARD):
        if regexp.match(value):
            return tag
    return _STR


def _compose(loader, check_all: bool) -> list[yaml.Node]:  # noqa: ANN001 - a PyYAML loader
    documents: list[yaml.Node] = []
    stack: list[yaml.Node] = []  # the open sequences and mappings
    keys: list[yaml.Node | None] = []  # for each open mapping, its key waiting for a value
    root: yaml.Node | None = None
    get_event, resolve = loader.get_event, loader.resolve
    plain_resolve = not loader.yaml_path_resolvers  # no resolver looks at the node's path (the safe loaders have none)
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent or kind is SequenceStartEvent or kind is MappingStartEvent:
            tag = event.tag
            if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise YamlRefusal(f"YAML tag {shown!r} is not allowed (plain values only)", event.start_mark)
            if len(stack) >= MAX_DEPTH:
                raise YamlRefusal(f"YAML nested deeper than {MAX_DEPTH} levels", event.start_mark)
            if kind is ScalarEvent:
                value = event.value
                if check_all or event.style == '"':
                    problem = bad_character(value)
                    if problem:
                        raise YamlRefusal(problem, event.start_mark)
                if tag is None or tag == "!":
                    if plain_resolve:
                        tag = _scalar_tag(value) if event.implicit[0] else _STR
                    else:
                        tag = resolve(ScalarNode, value, event.implicit)
                node: yaml.Node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
            elif kind is SequenceStartEvent:
                node = SequenceNode(tag or resolve(SequenceNode, None, event.implicit), [], event.start_mark, None, event.flow_style)
            else:
                node = MappingNode(tag or resolve(MappingNode, None, event.implicit), [], event.start_mark, None, event.flow_style)
            if not stack:
                root = node
            elif type(stack[-1]) is SequenceNode:
                stack[-1].value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                stack[-1].value.append((keys[-1], node))
                keys[-1] = None
            if kind is not ScalarEvent:
                stack.append(node)
                keys.append(None)
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            stack.pop().end_mark = event.end_mark
            keys.pop()
        elif kind is AliasEvent:
            raise YamlRefusal("YAML aliases (*name) are not allowed", event.start_mark)
        elif kind is DocumentEndEvent:
            if root is not None:
                documents.append(root)
            root = None
        elif kind is StreamEndEvent:
            return documents
