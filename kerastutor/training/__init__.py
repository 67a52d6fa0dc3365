"""Training: what `compile`, `fit`, `evaluate` and `predict` do, in teaching order.

* `trainer.py`: the `Trainer` mixin of every Model: compile, `train_step` /
  `test_step` / `predict_step`, `compute_loss`, `metrics`, and the loops;
* `compile_metrics.py`: the metrics given to compile, as one 'compile_metrics' entry;
* `data_checks.py`: every check on the data, made before the first update;
* `data_adapter.py`: arrays, generators and PyDatasets as batches for each epoch;
* `progress.py`: the progress bar's text and widget.
"""

from kerastutor.training.trainer import Trainer

__all__ = ["Trainer"]
