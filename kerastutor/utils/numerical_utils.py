"""`to_categorical`: class numbers to one-hot rows, as `keras.utils` does it."""

import numpy as np

from kerastutor.engine.validation import positive_int

__all__ = ["to_categorical"]


def to_categorical(x, num_classes=None):
    """Converts a vector of class numbers to a matrix of one-hot rows.

    Label 2 of 4 classes becomes the row [0, 0, 1, 0]: the targets that
    `categorical_crossentropy` expects. (`sparse_categorical_crossentropy`
    takes the class numbers themselves, with no conversion.) A trailing axis
    of size 1, as in labels of shape (batch, 1), is dropped first, so
    (batch, 1) labels give (batch, num_classes) rows.

    Example:
        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])

    Args:
        x: class numbers, integers from 0 to `num_classes - 1`, in an array
            of any shape.
        num_classes: how many classes there are; None means `max(x) + 1`.

    Returns:
        A float64 NumPy array of shape `x.shape + (num_classes,)` (after
        dropping a trailing axis of size 1), as Keras returns.

    Raises:
        ValueError: for labels that are not whole numbers, negative, or not
            below `num_classes`. (Keras would index with them: a label -1
            would silently mark the last class.)
    """
    labels = np.asarray(x)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if labels.dtype.kind not in "iub" and not (
        labels.dtype.kind == "f" and np.all(labels == np.round(labels))
    ):
        raise ValueError(
            f"to_categorical expects whole class numbers, received values of dtype "
            f"{labels.dtype} such as {labels[:3].tolist()}. Each label names one class."
        )
    labels = labels.astype("int64")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    else:
        num_classes = positive_int("to_categorical()", "num_classes", num_classes)
    outside = (labels < 0) | (labels >= num_classes)
    if outside.any():
        bad = int(labels[np.argmax(outside)])
        raise ValueError(
            f"to_categorical received label {bad}, but with num_classes={num_classes} the "
            f"labels must be in [0, {num_classes - 1}]: label k becomes a row with a 1 in "
            f"column k, and there are only {num_classes} columns."
        )
    categorical = np.zeros((labels.size, num_classes))
    categorical[np.arange(labels.size), labels] = 1
    return categorical.reshape(shape + (num_classes,))
