"""Registering custom classes so that saved models can find them, as in Keras 3.

A `.keras` file stores a custom layer or model by name only: its
`registered_name`, 'package>ClassName' for a registered class. Loading needs
the class itself, and for a learner's own class Keras 3 (and kerastutor) will
only take it from one of these places, never import it by a name the file
gives:

* the registry, filled by `@register_keras_serializable(package=...)`;
* a `with custom_object_scope({...}):` block around the load;
* `load_model(path, custom_objects={"ClassName": ClassName})`.

Example:
    >>> from kerastutor import layers, saving
    >>> @saving.register_keras_serializable(package="my_package")
    ... class MyDense(layers.Dense):
    ...     pass
    >>> saving.get_registered_name(MyDense)
    'my_package>MyDense'
    >>> saving.get_registered_object("my_package>MyDense") is MyDense
    True
"""

import inspect

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
]

# 'package>name' -> the class or function, and the way back.
GLOBAL_CUSTOM_OBJECTS = {}
GLOBAL_CUSTOM_NAMES = {}
# The objects of the `custom_object_scope` blocks now open (the innermost wins).
_SCOPE_OBJECTS = [{}]


def register_keras_serializable(package="Custom", name=None):
    """Decorator: register a class (or function) as 'package>name' for loading.

    Args:
        package: the first part of the key; 'Custom' by default.
        name: the second part; the class's own name by default.

    Raises:
        ValueError: for a class without `get_config`, which could not be saved.
    """

    def decorator(obj):
        registered_name = f"{package}>{name if name is not None else obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj

    return decorator


def get_registered_name(obj):
    """'package>name' for a registered object, else its plain `__name__`."""
    return GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered (or given) under `name`, or None.

    Looked up, in order: the open `custom_object_scope` blocks, the
    registry, `custom_objects`, `module_objects`.
    """
    for objects in (_SCOPE_OBJECTS[-1], GLOBAL_CUSTOM_OBJECTS, custom_objects, module_objects):
        if objects and name in objects:
            return objects[name]
    return None


def get_custom_objects():
    """The registry itself (a live dict): 'package>name' -> object."""
    return GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}):` makes classes findable while loading.

    Args:
        custom_objects: a dict {name: class or function}.
    """

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _SCOPE_OBJECTS.append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _SCOPE_OBJECTS.pop()


custom_object_scope = CustomObjectScope
