"""The Optimizer base class: turn gradients into weight updates.

Every optimizer does the same bookkeeping, written here once:

* `apply(grads, variables)` checks the gradients, creates the optimizer's
  own per-weight state on first use (momentum, running averages: the
  "slots"), calls `update_step` for each weight, then counts the step in
  `iterations`;
* a subclass only says which slots it needs (`build_slots`) and how one
  weight changes (`update_step`), in a few lines of NumPy that follow
  Keras 3's formulas.

Weights are updated in place, in their own dtype (float32), as Keras does.
"""

import numpy as np

__all__ = ["Optimizer"]


class Optimizer:
    """Base class of SGD, RMSprop, Adam and Adagrad.

    Args:
        learning_rate: a positive float, the step size.
        name: defaults to the class name in lower case.

    Attributes:
        iterations: how many steps `apply` has taken (Adam's `t` is
            `iterations + 1`).
    """

    def __init__(self, learning_rate, name=None):
        if (
            isinstance(learning_rate, bool)
            or not isinstance(learning_rate, (int, float, np.floating, np.integer))
            or not learning_rate > 0
        ):
            raise ValueError(
                f"Argument `learning_rate` of {type(self).__name__} must be a positive number, "
                f"received {learning_rate!r}."
            )
        self.learning_rate = float(learning_rate)
        self.name = name or type(self).__name__.lower()
        self.iterations = 0
        self._slots = {}

    # ------------------------------------------------------------ to override

    def build_slots(self, variable):
        """The state this optimizer keeps for `variable`: a dict name -> array."""
        return {}

    def update_step(self, gradient, variable, learning_rate):
        """Change `variable.data` in place, given its gradient (same shape and dtype)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")

    def get_config(self):
        return {"name": self.name, "learning_rate": self.learning_rate}

    @classmethod
    def from_config(cls, optimizer_config):
        return cls(**optimizer_config)

    # ------------------------------------------------------------ applying

    def apply(self, grads, variables):
        """Update each variable with its gradient; one optimizer step.

        A gradient of None (the weight did not influence the loss) leaves
        that weight and its slots untouched, as in Keras.

        Raises:
            ValueError: if the lists differ in length or a gradient's shape
                differs from its weight's.
        """
        grads, variables = list(grads), list(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.apply got {len(grads)} gradients for "
                f"{len(variables)} variables: pass one gradient per variable, in the same order."
            )
        checked = []
        for gradient, variable in zip(grads, variables, strict=True):
            if gradient is None:
                continue
            gradient = np.asarray(gradient, dtype=variable.dtype)
            if gradient.shape != variable.shape:
                raise ValueError(
                    f"The gradient for {variable.name!r} has shape {gradient.shape}, but the "
                    f"variable has shape {variable.shape}."
                )
            checked.append((gradient, variable))
        for gradient, variable in checked:
            self.update_step(gradient, variable, self.learning_rate)
        # As in Keras: after the update, every weight with a constraint is put
        # back inside its allowed set (`kernel_constraint=MaxNorm(2)`, ...).
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable.data))
        self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        """Keras's other spelling: a list of (gradient, variable) pairs."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def slots(self, variable):
        """This optimizer's state for `variable`, created on first use."""
        if variable not in self._slots:
            self._slots[variable] = self.build_slots(variable)
        return self._slots[variable]

    # ------------------------------------------------------------ saving

    def get_state(self, variables):
        """`iterations` and every slot array, keyed by the variable's position.

        Args:
            variables: the model's weights, in `model.weights` order.

        Returns:
            (iterations, [(variable_index, slot_name, array), ...]).
        """
        arrays = []
        for index, variable in enumerate(variables):
            for slot_name, array in self._slots.get(variable, {}).items():
                arrays.append((index, slot_name, array.copy()))
        return self.iterations, arrays

    def set_state(self, variables, iterations, arrays):
        """Restore what `get_state` returned; every shape is checked first."""
        variables = list(variables)
        restored = {}
        for index, slot_name, array in arrays:
            if not 0 <= index < len(variables):
                raise ValueError(
                    f"Optimizer state refers to weight {index}, but there are only "
                    f"{len(variables)} weights."
                )
            variable = variables[index]
            expected = self.build_slots(variable)
            if slot_name not in expected or expected[slot_name].shape != np.shape(array):
                raise ValueError(
                    f"Optimizer state {slot_name!r} for weight {variable.name!r} does not fit: "
                    f"{type(self).__name__} keeps {sorted(expected)} of shape {variable.shape}, "
                    f"received {slot_name!r} of shape {np.shape(array)}."
                )
            restored.setdefault(variable, expected)[slot_name] = np.array(
                array, dtype=expected[slot_name].dtype
            )
        self._slots = restored
        self.iterations = int(iterations)

    def __repr__(self):
        settings = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"<{type(self).__name__} {settings}>"
