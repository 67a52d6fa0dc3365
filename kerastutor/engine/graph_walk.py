"""One depth-first walk of a graph of nodes, without recursion.

Building a model, drawing it and saving it all walk back from the outputs
through each node's parents. A recursive walk needs one Python frame per
layer of depth, and Python stops at about 1,000: a valid Sequential of 1,100
Dense layers would die with a RecursionError. `depth_first` keeps its own
stack instead, so depth costs memory, not Python frames.

Example:
    >>> parents = {"c": ["a", "b"], "b": ["a"], "a": []}
    >>> depth_first(["c"], parents.__getitem__)
    ['a', 'b', 'c']
"""

__all__ = ["depth_first"]


def depth_first(roots, parents, on_enter=None):
    """Every node reachable from `roots`, each listed after all of its parents.

    The order is the one a recursive walk would give: from each root in
    turn, the parents in the order `parents(node)` lists them, a node
    appended once all of its parents are.

    Args:
        roots: the nodes to start from (a model's output nodes).
        parents: `parents(node)` -> the nodes it reads from, in order.
        on_enter: called with each node when the walk first reaches it
            (before its parents), if given.

    Raises:
        ValueError: if a node is its own ancestor (the graph has a cycle).
    """
    order, finished, in_progress = [], set(), set()
    stack = []  # (node, an iterator over the parents it has still to visit)

    def enter(node):
        if id(node) in finished:
            return
        if id(node) in in_progress:
            name = getattr(getattr(node, "layer", None), "name", node)
            raise ValueError(f"The graph has a cycle through layer '{name}'.")
        if on_enter is not None:
            on_enter(node)
        in_progress.add(id(node))
        stack.append((node, iter(parents(node))))

    for root in roots:
        enter(root)
        while stack:
            node, unvisited = stack[-1]
            parent = next(unvisited, _DONE)
            if parent is _DONE:  # every parent listed: the node can follow
                stack.pop()
                in_progress.discard(id(node))
                finished.add(id(node))
                order.append(node)
            else:
                enter(parent)
    return order


_DONE = object()
