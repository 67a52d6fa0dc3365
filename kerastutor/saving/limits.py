"""What a model file may declare before kerastutor reads it: the limits against hostile files.

A file can lie: a zip entry can inflate to far more than its size on disk,
an HDF5 dataset can declare a shape of terabytes in a few bytes, JSON can
nest deeper than Python recurses, a config can ask for `units=10**10`. Each
of these is checked against what the file *declares*, before any data is
read or any weight allocated, and refused with a ValueError that says which
limit it broke. The limits are module constants; a learner with a truly
large model can raise them (`kerastutor.saving.limits.MAX_WEIGHT_BYTES = ...`).

Nothing in a file is ever unpickled: configs are JSON, arrays are numeric
HDF5 datasets (`read_dataset` refuses every other dtype before reading).
"""

import json
import posixpath

import numpy as np

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_WEIGHT_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_SIZE",
    "parse_json",
    "check_config_values",
    "read_zip_entries",
    "read_dataset",
    "read_attribute",
]

MAX_CONFIG_BYTES = 64 * 2**20  # config.json, metadata.json, an HDF5 attribute: 64 MiB
MAX_WEIGHT_BYTES = 2**30  # all the weights of one file, or one array: 1 GiB
MAX_JSON_DEPTH = 100  # a deep nested model is ~20 levels
MAX_SIZE = 2**24  # units, filters, input_dim, a shape's dimension: 16,777,216
# Config arguments that say how big a weight or a tensor is.
_SIZE_ARGUMENTS = (
    "units",
    "filters",
    "input_dim",
    "output_dim",
    "depth_multiplier",
    "n",
    "kernel_size",
    "pool_size",
    "size",
    "batch_shape",
    "batch_input_shape",
    "target_shape",
    "build_input_shape",
    "input_shape",
)
_CHUNK = 2**20


def _refuse(where, what):
    return ValueError(
        f"{where}: {what}. A model file may be hostile or damaged, so it is refused before "
        "anything is read (see kerastutor.saving.limits)."
    )


# ---------------------------------------------------------------- JSON


def parse_json(text, where):
    """JSON text as Python objects, with its size and nesting depth checked."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if len(text) > MAX_CONFIG_BYTES:
        raise _refuse(where, f"its JSON is {len(text):,} bytes, above {MAX_CONFIG_BYTES:,}")
    try:
        value = json.loads(text)
    except RecursionError:
        raise _refuse(where, f"its JSON nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as error:
        raise ValueError(f"{where}: its config is not valid JSON ({error}).") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise _refuse(where, f"its JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth(value):
    """How deep lists and dicts nest (without recursion: the value may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def check_config_values(config, where):
    """Refuse sizes no NumPy model can hold (`units=10**10`) before a layer is built."""
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in _SIZE_ARGUMENTS:
                    _check_sizes(key, value, item.get("name"), where)
                stack.append(value)


def _check_sizes(key, value, layer, where):
    numbers = value if isinstance(value, list) else [value]
    for number in numbers:
        if isinstance(number, list):
            _check_sizes(key, number, layer, where)
        elif isinstance(number, (int, float)) and not isinstance(number, bool):
            if not -1 <= number <= MAX_SIZE:
                raise _refuse(
                    where,
                    f"layer '{layer}' sets {key}={_short(value)}, outside 0..{MAX_SIZE:,}",
                )


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------- zip archives


def read_zip_entries(archive, names, where):
    """{name: bytes} for `names` of an open ZipFile, sizes checked before inflating any.

    Every entry's name must be a plain relative path; each declared size and
    their total must be within the limits; each entry is inflated in chunks
    and refused as soon as it gives more bytes than it declared.
    """
    infos = archive.infolist()
    for info in infos:
        name = info.filename
        parts = posixpath.normpath(name).split("/")
        if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or ":" in parts[0]:
            raise _refuse(where, f"the archive has an entry named {name!r}, outside the archive")
    total = sum(info.file_size for info in infos)
    if total > MAX_WEIGHT_BYTES + MAX_CONFIG_BYTES:
        raise _refuse(where, f"its entries declare {total:,} bytes in all")
    found = {}
    for name in names:
        info = archive.getinfo(name)
        cap = MAX_WEIGHT_BYTES if name.endswith(".h5") else MAX_CONFIG_BYTES
        if info.file_size > cap:
            raise _refuse(where, f"'{name}' declares {info.file_size:,} bytes, above {cap:,}")
        found[name] = _inflate(archive, info, where)
    return found


def _inflate(archive, info, where):
    pieces, size = [], 0
    with archive.open(info) as stream:
        while piece := stream.read(_CHUNK):
            size += len(piece)
            if size > info.file_size:
                raise _refuse(where, f"'{info.filename}' inflates beyond its declared size")
            pieces.append(piece)
    return b"".join(pieces)


# ---------------------------------------------------------------- HDF5


def read_dataset(item, key, where, expected_shape=None, owner="the model's weight there"):
    """The array of an HDF5 dataset, its declared type and shape checked first.

    Args:
        item: the h5py object found at `key` (or None).
        expected_shape: the shape the model needs there; a dataset declaring
            another shape is refused without being read.
        owner: what needs that shape, for the message.
    """
    import h5py

    if not isinstance(item, h5py.Dataset):
        kind = "missing" if item is None else "a group"
        raise ValueError(f"{where}: '{key}' should be an array of numbers; it is {kind}.")
    if item.dtype.kind not in "biuf":
        raise ValueError(
            f"{where}: '{key}' holds {item.dtype} data, not numbers; only numeric arrays are "
            "read (never objects or pickles, so nothing in a file can run code)."
        )
    declared = int(np.prod(item.shape, dtype=np.float64) * item.dtype.itemsize)
    if declared > MAX_WEIGHT_BYTES:
        raise _refuse(where, f"'{key}' declares shape {item.shape}, {declared:,} bytes")
    if expected_shape is not None and tuple(item.shape) != tuple(expected_shape):
        raise ValueError(
            f"{where}: {owner} is {tuple(expected_shape)}, but the file's '{key}' is "
            f"{tuple(item.shape)}. The file belongs to a different architecture (another number "
            "of units, filters or inputs), or was edited."
        )
    try:
        return np.asarray(item[()])
    except (OSError, ValueError, TypeError) as error:
        raise ValueError(
            f"{where}: '{key}' cannot be read ({error}); the file is damaged."
        ) from None


def read_attribute(obj, name, where, listed=False):
    """An HDF5 attribute that should be text (or a list of text), its size checked first."""
    import h5py

    try:
        attribute = h5py.h5a.open(obj.id, name.encode())
        kind = attribute.dtype.kind
    except (KeyError, OSError, ValueError) as error:
        raise ValueError(f"{where}: its '{name}' attribute cannot be read ({error}).") from None
    try:
        declared = attribute.get_storage_size()
    except RuntimeError:  # HDF5 reports an empty attribute's size as an error
        declared = 0
    if listed and attribute.shape and 0 in attribute.shape:
        return []  # Keras 2 writes an empty list of names as an empty float array
    if kind not in "OSU":
        raise ValueError(
            f"{where}: its '{name}' attribute holds {attribute.dtype} data, not text; it is not "
            "read (never objects or pickles)."
        )
    if declared > MAX_CONFIG_BYTES:
        raise _refuse(where, f"its '{name}' attribute declares {declared:,} bytes")
    try:
        value = obj.attrs[name]
    except (OSError, ValueError, TypeError) as error:
        raise ValueError(f"{where}: its '{name}' attribute cannot be read ({error}).") from None
    if listed:
        return np.atleast_1d(value).tolist()
    return value
