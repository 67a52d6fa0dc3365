"""`pad_sequences`: lists of different lengths to one rectangular array."""

import numpy as np

from kerastutor.engine.validation import positive_int

__all__ = ["pad_sequences"]


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
):
    """Pads (or cuts) sequences to one length, giving a (samples, maxlen) array.

    A batch must be rectangular, but sentences have different lengths. Short
    sequences get `value` added ('pre': in front, Keras's default, so the
    real tokens sit at the end, next to an LSTM's final state); long ones
    lose their first items ('pre') or their last ones ('post'). With
    `value=0` and `Embedding(mask_zero=True)` the padding is then ignored.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post")
        array([[1, 0],
               [2, 3],
               [5, 6]], dtype=int32)

    Args:
        sequences: a list of sequences (lists or arrays); each item may
            itself be a vector, giving a 3-D result.
        maxlen: the length of every output row; None means the longest.
        dtype: the output's dtype ('int32' by default; `object` for strings).
        padding: 'pre' or 'post': where to add `value`.
        truncating: 'pre' or 'post': where to cut sequences longer than
            `maxlen`.
        value: the padding value.

    Returns:
        A NumPy array of shape (len(sequences), maxlen) + item shape.
    """
    for argument, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(
                f"`{argument}` must be 'pre' or 'post', received {choice!r}: "
                f"{'padding' if argument == 'padding' else 'truncation'} happens either "
                "before or after each sequence."
            )
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences, received {sequences!r}.")
    for index, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__"):
            raise ValueError(
                f"`sequences` must be a list of sequences, but item {index} is {sequence!r}. "
                "For one sequence, pass [sequence]."
            )
    maxlen = positive_int("pad_sequences()", "maxlen", maxlen, allow_none=True)
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    if isinstance(value, str) and dtype is not object and np.dtype(dtype).kind not in "US":
        raise ValueError(
            f"`dtype` {np.dtype(dtype)} is not compatible with `value`'s type str ({value!r}): "
            "an array of numbers cannot hold text. Pass dtype=object to pad sequences of strings."
        )
    item_shape = next((np.asarray(s).shape[1:] for s in sequences if len(s)), ())
    padded = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Sequence {index} has items of shape {kept.shape[1:]}, but the first "
                f"non-empty sequence has items of shape {item_shape}: every item must have "
                "the same shape to fit in one array."
            )
        if padding == "pre":
            padded[index, maxlen - len(kept) :] = kept
        else:
            padded[index, : len(kept)] = kept
    return padded
