"""Wrapper: a layer built around another layer (TimeDistributed, Bidirectional)."""

from kerastutor.engine.base_layer import Layer, get_layer_class

__all__ = ["Wrapper", "serialize_layer", "deserialize_layer"]


class Wrapper(Layer):
    """Base class of layers that hold another layer and change how it is applied.

    The wrapped layer is an attribute, so its weights are the wrapper's
    weights (`Layer.weights` collects attribute layers), and `get_config`
    stores its config inside the wrapper's, as Keras does:
    `{"layer": {"class_name": "Dense", "config": {...}}, ...}`.

    Args:
        layer: the layer to wrap.
        **kwargs: the base Layer's arguments (`name`, `input_shape`, ...).
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' wraps a layer instance, e.g. "
                f"{type(self).__name__}(Dense(8)), received {type(layer).__name__}: {layer!r}."
            )
        self.layer = layer

    @property
    def type_label(self):
        """The type `summary()` shows: 'TimeDistributed(Dense)'."""
        return f"{type(self).__name__}({type(self.layer).__name__})"

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialize_layer(self.layer)
        return config

    @classmethod
    def from_config(cls, layer_config, custom_objects=None):
        layer_config = dict(layer_config)
        layer = deserialize_layer(layer_config.pop("layer"), custom_objects)
        return cls(layer, **layer_config)


def serialize_layer(layer):
    """`{"class_name": ..., "config": ...}`: what rebuilds `layer` (without weights)."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(layer_config, custom_objects=None):
    """The layer `serialize_layer` described; custom classes come from `custom_objects`."""
    layer_class = get_layer_class(layer_config["class_name"], custom_objects)
    return layer_class.from_config(layer_config["config"], custom_objects=custom_objects)
