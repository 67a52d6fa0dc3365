"""Keep freed memory for reuse: one setting of glibc's malloc for training loops (Linux only).

A training step allocates the same large arrays every time (a convolution's
patch matrix, its output, their gradients) and frees them when the step
ends. By default glibc's malloc gives each large array memory of its own
(an mmap) and hands it back to the system when the array is freed, so the
next step's array is fresh memory that the kernel must map and zero, 4 KiB
at a time: thousands of page faults a step, a fifth of the CPU time of the
small CNNs of benchmarks/cnn_train_step.py. TensorFlow and PyTorch keep
their memory for reuse; `keep_freed_memory()` asks glibc to do the same:

* M_MMAP_MAX = 0: every allocation comes from malloc's heap, whose freed
  blocks the next allocations reuse;
* M_TRIM_THRESHOLD = 1 GiB: freed memory at the top of the heap goes back
  to the system only once that much of it is free.

The convolution ops call it once, when the first one runs. The price: the
process keeps the memory of its largest step (the memory `top` shows does
not go down after training). Where the C library is not glibc (macOS,
Windows, Alpine's musl) nothing changes. To keep glibc's defaults, set the
environment variable KERASTUTOR_KEEP_FREED_MEMORY=0 before the first
convolution.
"""

import ctypes
import os

__all__ = ["keep_freed_memory"]

# mallopt's parameter numbers, from glibc's <malloc.h>.
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4

_DONE = []  # the result of the first call: the settings are made once


def keep_freed_memory():
    """Tell glibc's malloc to keep freed memory for reuse; True if it did.

    Does nothing (and returns False) without glibc, or when the environment
    variable KERASTUTOR_KEEP_FREED_MEMORY is "0". Only the first call acts.
    """
    if not _DONE:
        _DONE.append(_set_glibc_options())
    return _DONE[0]


def _set_glibc_options():
    if os.environ.get("KERASTUTOR_KEEP_FREED_MEMORY", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # only glibc has it  # noqa: B018
    except (OSError, AttributeError):
        return False
    # mallopt returns 1 when it accepts a setting.
    trims_late = libc.mallopt(_M_TRIM_THRESHOLD, 2**30) == 1
    never_maps = libc.mallopt(_M_MMAP_MAX, 0) == 1
    return trims_late and never_maps
