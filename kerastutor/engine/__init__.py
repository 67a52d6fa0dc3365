"""The graph machinery: symbolic tensors, nodes, the Layer base class, functional models."""
