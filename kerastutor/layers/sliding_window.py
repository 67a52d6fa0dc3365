"""What every convolution and pooling layer shares: its window arguments and their checks.

A Conv1D, a Conv2D and a MaxPooling2D all slide a window over the spatial
axes of a channels-last input. They take the same kinds of arguments
(`kernel_size` or `pool_size`, `strides`, `padding`, `dilation_rate`,
`data_format`), standardized here with errors that name the layer, and they
refuse an input the window does not fit in the same way, before anything is
built and before a node is recorded (`WindowLayer`). The output length along
each axis comes from the one rule, `ops.conv_output_length`.
"""

from kerastutor import ops
from kerastutor.engine.base_layer import Layer

__all__ = ["WindowLayer", "standardize_tuple", "standardize_padding", "standardize_data_format"]

AXIS_NAMES = {1: "(steps,)", 2: "(height, width)"}


def _layer_label(layer):
    return f"{type(layer).__name__} layer '{layer.name}'"


def standardize_tuple(layer, value, rank, argument):
    """An int or a sequence of `rank` positive ints -> a tuple of `rank` ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * rank
    if (
        isinstance(value, (tuple, list))
        and len(value) == rank
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        return tuple(value)
    raise ValueError(
        f"Received an invalid value for argument `{argument}` of {_layer_label(layer)}: "
        f"expected a positive integer or a tuple of {rank} positive integers "
        f"{AXIS_NAMES.get(rank, '')}, received {value!r}."
    )


def standardize_padding(layer, padding, allowed):
    """'valid', 'same' or (Conv1D only) 'causal', in any case."""
    if isinstance(padding, str) and padding.lower() in allowed:
        return padding.lower()
    why = ""
    if isinstance(padding, str) and padding.lower() == "causal":
        why = (
            " 'causal' padding only exists for sequences (Conv1D): it pads the start of a "
            "sequence so that step t never sees later steps, and an image has no 'later'."
        )
    raise ValueError(
        f"Received an invalid value for argument `padding` of {_layer_label(layer)}: "
        f"expected one of {allowed}, received {padding!r}.{why}"
    )


def standardize_data_format(layer, data_format):
    if data_format is None or (
        isinstance(data_format, str) and data_format.lower() == "channels_last"
    ):
        return "channels_last"
    raise ValueError(
        f"{_layer_label(layer)} received data_format={data_format!r}, but kerastutor only "
        "supports 'channels_last' inputs: (batch, ..., channels). Move the channels last "
        "with np.moveaxis(inputs, 1, -1)."
    )


class WindowLayer(Layer):
    """Base of the layers that slide a window over their input's spatial axes.

    A subclass sets `rank` (1 for sequences, 2 for images) and answers
    `_window()`: (window size, strides, padding, dilation rate, what the
    window is called in errors). In return it gets the output sizes of the
    spatial axes (`_output_sizes`) and a call that refuses, before anything
    is built or recorded, an input the window does not fit in.
    """

    rank = 2

    def _window(self):
        raise NotImplementedError

    def _output_sizes(self, input_shape, where=None):
        """Window positions along each spatial axis (None stays None).

        Raises:
            ValueError: naming the axis whose size is smaller than the window.
        """
        size, strides, padding, dilation_rate, what = self._window()
        spatial = tuple(input_shape[1:-1])
        out_sizes = []
        for axis, (length, k, s, d) in enumerate(
            zip(spatial, size, strides, dilation_rate, strict=True), start=1
        ):
            out = ops.conv_output_length(length, k, s, padding, d)
            if out == 0:
                span = d * (k - 1) + 1
                spans = f" (dilated by {dilation_rate}, it spans {span} inputs)" if d > 1 else ""
                where = where or f"on an input of shape {tuple(input_shape)}"
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}) cannot be called {where}: "
                    f"with padding='valid' its {size} {what}{spans} must fit inside the input, "
                    f"but axis {axis} of the input shape {tuple(input_shape)} has size "
                    f"{length} < {span}. Use padding='same', a smaller {what}, or a larger "
                    "input."
                )
            out_sizes.append(out)
        return tuple(out_sizes)

    def _check_input_compatibility(self, inputs, node_index):
        super()._check_input_compatibility(inputs, node_index)
        where = f"as its node {node_index}" if node_index is not None else "on concrete data"
        self._output_sizes(tuple(inputs[0].shape), where)

    def _rank_explanation(self, ndim):
        if self.rank == 1:
            return (
                f"{type(self).__name__} works on batches of sequences shaped (batch, steps, "
                "channels); a sequence of single numbers still needs a channels axis of size 1."
            )
        return (
            f"{type(self).__name__} works on batches of images shaped (batch, height, width, "
            "channels); a grayscale image still needs a channels axis of size 1."
        )
