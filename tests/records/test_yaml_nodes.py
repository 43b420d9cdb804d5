"""The two ways ``compose_documents`` reads YAML make the same nodes, and refuse the same things."""

from __future__ import annotations

import pytest
import yaml

from policygraph import resources
from policygraph.records import yaml_nodes
from policygraph.records.yaml_nodes import MAX_DEPTH, YamlRefusal, compose_documents


def _tree(node: yaml.Node):
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, node.flow_style, marks, [_tree(child) for child in node.value])
    return ("mapping", node.tag, node.flow_style, marks, [(_tree(k), _tree(v)) for k, v in node.value])


def _by_events(text: str) -> list:
    loader = yaml_nodes._LOADER(text)
    try:
        return [_tree(root) for root in yaml_nodes._compose(loader, check_all=True)]
    finally:
        loader.dispose()


def _bundled_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(resources.data_dir().rglob("*.yaml"))]


def test_c_composer_makes_the_nodes_the_event_loop_makes():
    """Every bundled file the C composer may read gives the same tags, values, styles and marks both ways."""
    compared = 0
    for text in _bundled_texts() + ["- id: a\n  flag: yes\n  n: 0x1F\n  when: 2021-01-01\n  none: ~\n  list: [1, 2.5, 'x', \"y\"]\n"]:
        if any(sign in text for sign in "*&!\\"):
            continue
        composed = yaml_nodes._compose_in_c(text)
        assert composed is not None
        assert [_tree(root) for root in composed] == _by_events(text)
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize(
    "value", ["", "~", "null", "Null", "yes", "No", "on", "true", "12", "-3", "0o17", "0x1F", "1_000", "3.5", ".inf",
              "-.NaN", "1e3", "2021-01-01", "2021-01-01T10:00:00Z", "<<", "=", "Group 7", "g7", "7 days"],
)
def test_scalar_tag_is_the_resolvers(value):
    """A plain scalar gets the tag PyYAML's resolver gives it."""
    loader = yaml_nodes._LOADER("")
    try:
        assert yaml_nodes._scalar_tag(value) == loader.resolve(yaml.ScalarNode, value, (True, False))
    finally:
        loader.dispose()


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_depth_limit_is_the_same_both_ways(depth):
    """Nesting to MAX_DEPTH is read; one level more is refused, with the line of the offending node."""
    sequences = depth - 1  # nested sequences, then the scalar at ``depth``
    text = "".join("  " * level + "-\n" for level in range(sequences - 1)) + "  " * (sequences - 1) + "- x\n"
    by_events_refused = False
    try:
        _by_events(text)
    except YamlRefusal:
        by_events_refused = True
    assert by_events_refused == (depth > MAX_DEPTH)
    assert (yaml_nodes._compose_in_c(text) is None) == by_events_refused
    if by_events_refused:
        with pytest.raises(YamlRefusal, match=f"nested deeper than {MAX_DEPTH}") as refused:
            compose_documents(text)
        assert refused.value.mark.line == sequences - 1  # the scalar's line (from 0)
    else:
        assert len(compose_documents(text)) == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("- &a x\n- *a\n", "aliases"),
        ("- !!python/object x\n", "tag"),
        ('- "\\x01"\n', "control character"),
    ],
)
def test_refusals_still_name_their_node(text, message):
    """Text with an alias, a tag or an escape is read by the event loop, which refuses with the node's mark."""
    with pytest.raises(YamlRefusal, match=message) as refused:
        compose_documents(text)
    assert refused.value.mark is not None
