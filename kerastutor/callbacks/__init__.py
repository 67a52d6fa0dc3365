"""Callbacks: code that `fit`, `evaluate` and `predict` run at fixed moments.

One callback per file, as in Keras 3 (`keras/src/callbacks/`):

| file | class | what it does |
|---|---|---|
| callback.py | Callback | the base class: every hook, doing nothing |
| callback_list.py | CallbackList | calls each hook on every callback |
| history.py | History | records each epoch's logs; `fit` returns it |
| progbar_logger.py | ProgbarLogger | the progress bar of `fit(verbose=1)` |
| monitor_callback.py | MonitorCallback | "is this value better?" for the three below |
| early_stopping.py | EarlyStopping | stops when a value stops improving |
| model_checkpoint.py | ModelCheckpoint | saves the model or its weights |
| reduce_lr_on_plateau.py | ReduceLROnPlateau | lowers the learning rate on a plateau |
| learning_rate_scheduler.py | LearningRateScheduler | sets the learning rate each epoch |
| terminate_on_nan.py | TerminateOnNaN | stops when the loss is NaN |
| csv_logger.py | CSVLogger | writes each epoch's logs to a CSV file |
| lambda_callback.py | LambdaCallback | a callback from plain functions |
| backup_and_restore.py | BackupAndRestore | resumes an interrupted fit |

Example:
    >>> from kerastutor.callbacks import EarlyStopping, LambdaCallback
    >>> callbacks = [EarlyStopping(monitor="loss", patience=2),
    ...              LambdaCallback(on_epoch_end=lambda epoch, logs: None)]
"""

from kerastutor.callbacks.backup_and_restore import BackupAndRestore
from kerastutor.callbacks.callback import Callback
from kerastutor.callbacks.callback_list import CallbackList
from kerastutor.callbacks.csv_logger import CSVLogger
from kerastutor.callbacks.early_stopping import EarlyStopping
from kerastutor.callbacks.history import History
from kerastutor.callbacks.lambda_callback import LambdaCallback
from kerastutor.callbacks.learning_rate_scheduler import LearningRateScheduler
from kerastutor.callbacks.model_checkpoint import ModelCheckpoint
from kerastutor.callbacks.monitor_callback import MonitorCallback
from kerastutor.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from kerastutor.callbacks.terminate_on_nan import (
    NonFiniteLossError,
    TerminateOnNaN,
    non_finite_loss_error,
)

# isort: split
# Last: the progress bar lives in kerastutor.training, whose trainer imports
# the names above from this package.
from kerastutor.callbacks.progbar_logger import ProgbarLogger

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "MonitorCallback",
    "NonFiniteLossError",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
    "non_finite_loss_error",
]
