"""Short tracebacks: an error shows the learner's line, not kerastutor's insides.

A mistake such as `Dense(4)(np.ones((2, 3, 5)))` is found deep inside the
engine, seven or eight calls below the learner's line. Keras cuts its own
frames out of the traceback of every error raised through its public entry
points, so the traceback ends on the line to fix and the message says how;
kerastutor does the same with `filter_traceback`, a decorator on
`Layer.__call__`, every layer's constructor, `compile`, `fit`, `evaluate`,
`predict`, `Sequential.add` and `load_model`.

Only the outermost boundary filters: when kerastutor code is further up
the stack (fit calling a layer, a widget running the learner's function),
the error goes up whole, so that code can read it (ShapeFlow finds the
failing call in the traceback) and its own entry point filters it later.
One kerastutor frame stays, as in Keras: the decorator's own `raise`, which
Python adds as the error leaves it. To read every frame (to debug
kerastutor itself), turn filtering off:
`kerastutor.config.disable_traceback_filtering()`.
"""

import functools
import os
import sys
import traceback
import types

from kerastutor import config

__all__ = ["filter_traceback", "is_kerastutor_frame"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_kerastutor_frame(filename):
    """Whether a frame's file is part of the kerastutor package."""
    return os.path.abspath(filename).startswith(_PACKAGE + os.sep)


def _without_kerastutor_frames(tb):
    """A new traceback holding only the frames outside kerastutor (None if there are none).

    The learner's frames above the entry point join it as the error travels up.
    """
    frames = list(traceback.walk_tb(tb))
    kept = [(f, line) for f, line in frames if not is_kerastutor_frame(f.f_code.co_filename)]
    new_tb = None
    for frame, line in reversed(kept):
        new_tb = types.TracebackType(new_tb, frame, frame.f_lasti, line)
    return new_tb


def _called_from_kerastutor():
    """Whether any frame above the filtering decorator's caller's caller is kerastutor's."""
    frame = sys._getframe(2)  # 0: this function, 1: `filtered`, 2: who called the entry point
    while frame is not None:
        if is_kerastutor_frame(frame.f_code.co_filename):
            return True
        frame = frame.f_back
    return False


def filter_traceback(function):
    """Re-raise errors from `function` with kerastutor's frames cut out, while the setting is on."""

    @functools.wraps(function)
    def filtered(*args, **kwargs):
        if not config.is_traceback_filtering_enabled():
            return function(*args, **kwargs)
        try:
            return function(*args, **kwargs)
        except Exception as error:
            if _called_from_kerastutor():
                raise
            short = _without_kerastutor_frames(error.__traceback__)
            # Re-raising the same error keeps its cause and context chain as they were.
            raise error.with_traceback(short)  # noqa: B904

    return filtered
