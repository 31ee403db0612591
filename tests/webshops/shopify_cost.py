"""The requested cost of a Shopify GraphQL query, by Shopify's documented rules.

Source: Shopify, "GraphQL Admin API rate limits" (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits)
and "Shopify API limits" (https://shopify.dev/docs/api/usage/limits): a query's requested cost is
computed before it runs, and a query asking more than 1,000 points is refused (MAX_COST_EXCEEDED).

- a field returning a scalar or an enum costs 0;
- a field returning an object costs 1 (plus what is selected inside it);
- a connection (a field sized by ``first``/``last``) costs 2 plus ``first`` times the cost of one
  of its objects (``nodes`` or ``edges { node }``); its other selections (pageInfo) count once;
- a mutation costs 10 (plus what its payload selects, counted like a query: an upper bound).

Interfaces and unions count the most expensive of their fragments; here every fragment is
counted, which can only overestimate. This is an independent implementation for the tests; the
connector keeps its sizes in ``SIZES`` and never computes costs itself.
"""

from graphql import parse
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    VariableNode,
)

MAX_QUERY_COST = 1000
MUTATION_COST = 10


class UnknownSize(Exception):
    """A connection's size is a variable that was not given."""


def requested_cost(document, variables=None):
    """The requested cost of the (single) operation in ``document`` with these variables."""
    tree = parse(document)
    fragments = {d.name.value: d for d in tree.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
    variables = variables or {}

    def fields(selection_set):
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, FragmentSpreadNode):
                yield from fields(fragments[selection.name.value].selection_set)
            elif isinstance(selection, InlineFragmentNode):
                yield from fields(selection.selection_set)

    def size(field):
        for argument in field.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, VariableNode):
                    if value.name.value not in variables or variables[value.name.value] is None:
                        raise UnknownSize(f"${value.name.value} sizes {field.name.value} but has no value")
                    return int(variables[value.name.value])
                if isinstance(value, IntValueNode):
                    return int(value.value)
        return None

    def inside(selection_set):
        return sum(cost(field) for field in fields(selection_set))

    def cost(field):
        if field.selection_set is None:
            return 0  # scalar or enum
        count = size(field)
        if count is None:
            return 1 + inside(field.selection_set)
        one_node, once = 0, 0
        for child in fields(field.selection_set):
            if child.name.value == "nodes":
                one_node = max(one_node, 1 + inside(child.selection_set))
            elif child.name.value == "edges":
                node = next((f for f in fields(child.selection_set) if f.name.value == "node"), None)
                one_node = max(one_node, 1 + (inside(node.selection_set) if node else 0))
            else:
                once += cost(child)
        if one_node == 0:  # a sized list of objects without nodes/edges: each object counts
            one_node = 1 + sum(cost(child) for child in fields(field.selection_set))
            once = 0
        return 2 + count * one_node + once

    total = 0
    for operation in operations:
        root = list(fields(operation.selection_set))
        if operation.operation.value == "mutation":
            total = max(total, sum(MUTATION_COST + inside(field.selection_set) for field in root))
        else:
            total = max(total, sum(cost(field) for field in root))
    return total
