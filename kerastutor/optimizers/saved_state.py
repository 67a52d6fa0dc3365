"""An optimizer's state as Keras 3 saves it: `optimizer.variables`, in order.

A `.keras` or `.weights.h5` file stores the optimizer's variables as
`optimizer/vars/0, 1, ...`: iteration, learning_rate (unless a schedule gives
the rate), then the slots. `kerastutor/saving/weights_file.py` writes
`variables_in_order(...)` and reads through the two methods here, which check
every array before any is assigned.
"""

import numpy as np

__all__ = ["SavedState", "describe_variable"]


class SavedState:
    """Reading and writing the optimizer's variables (a mixin of `Optimizer`)."""

    def get_state(self, variables):
        """`iterations` and every slot array, keyed by the variable's position.

        Args:
            variables: the model's weights, in `model.weights` order.

        Returns:
            (iterations, [(variable_index, slot_name, array), ...]).
        """
        arrays = []
        for index, variable in enumerate(variables):
            for name, slot in self._slots_of(variable):
                arrays.append((index, name, slot.data.copy()))
        return int(self.iterations), arrays

    def build_slots(self, variable):
        """The slots this optimizer keeps for one weight: `{'momentum': zeros, ...}`, fresh.

        In Keras's order for that weight; optimizer-wide variables (Nadam's
        product) are not per-weight slots and are left out.
        """
        fresh = type(self).from_config(self.get_config())
        fresh.build([variable])
        return {
            name: slot.data
            for created in fresh._created
            if isinstance(created, dict)
            for name, slot in created[id(variable)]
        }

    def set_state(self, variables, iterations, arrays):
        """Restore `get_state`'s form: `iterations` and `[(weight index, slot name, array)]`.

        Used for files that name their slots (Keras 2's `.h5`). Every index,
        name and shape is checked before anything is assigned.
        """
        variables = list(variables)
        targets = []
        fresh = type(self).from_config(self.get_config())
        fresh.build(variables)
        for index, slot_name, array in arrays:
            if not 0 <= index < len(variables):
                raise ValueError(
                    f"Optimizer state refers to weight {index}, but there are only "
                    f"{len(variables)} weights."
                )
            variable = variables[index]
            expected = dict(fresh._slots_of(variable))
            if slot_name not in expected or expected[slot_name].shape != np.shape(array):
                raise ValueError(
                    f"Optimizer state {slot_name!r} for weight {variable.name!r} does not fit: "
                    f"{type(self).__name__} keeps {sorted(expected)} of shape {variable.shape}, "
                    f"received {slot_name!r} of shape {np.shape(array)}."
                )
            targets.append((variable, slot_name, array))
        if not self.built:
            self.build([v for v in variables if getattr(v, "trainable", True)])
        for variable, slot_name, array in targets:
            dict(self._slots_of(variable))[slot_name].assign(array)
        self._iterations.assign(int(iterations) * (self.gradient_accumulation_steps or 1))

    def _slots_of(self, variable):
        """`[(slot name, slot Variable)]` for one weight, in creation order."""
        return [
            pair
            for created in self._created
            if isinstance(created, dict)
            for pair in created.get(id(variable), [])
        ]

    def expected_variables(self, trainable_variables, count, where="the file"):
        """The `count` variables a saved state must hold, fresh: shapes and names to check against.

        A Keras 3 optimizer that had not taken a step saves only iteration
        and learning_rate; that count fits too.

        Raises:
            ValueError: when `count` is neither.
        """
        fresh = type(self).from_config(self.get_config())
        expected = fresh.variables_in_order(trainable_variables)
        if count != len(expected):
            fresh.build(trainable_variables)
            expected = fresh.variables_in_order(trainable_variables)
        if count != len(expected):
            raise ValueError(
                f"{where}: the optimizer state has {count} variables, but "
                f"{type(self).__name__} keeps {len(expected)} ({_listing(expected)}) for these "
                f"{len(trainable_variables)} trainable weights. The file was written with another "
                "optimizer or setting (e.g. momentum, amsgrad, a schedule)."
            )
        return expected

    def check_variable_arrays(self, trainable_variables, arrays, where="the file"):
        """Raise ValueError unless `arrays` fit `variables_in_order(trainable_variables)`."""
        expected = self.expected_variables(trainable_variables, len(arrays), where)
        for variable, array in zip(expected, arrays, strict=True):
            if np.shape(array) != variable.shape:
                raise ValueError(
                    f"{where}: {describe_variable(variable)} should be {variable.shape}, the "
                    f"file's is {np.shape(array)}."
                )

    def set_variable_arrays(self, trainable_variables, arrays):
        """Load what `check_variable_arrays` accepted: Keras 3's `load_own_variables`."""
        if len(arrays) > len(self.variables_in_order([])) and not self.built:
            self.build(trainable_variables)
        targets = self.variables_in_order(trainable_variables)
        if len(arrays) != len(targets):
            targets = targets[: len(arrays)]  # an unbuilt Keras optimizer's two variables
        for variable, array in zip(targets, arrays, strict=True):
            variable.assign(np.asarray(array, dtype=variable.dtype))

    def set_weights(self, weights):
        """Assign arrays to `variables`, in their order (Keras's `Optimizer.set_weights`)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        for variable, weight in zip(self.variables, weights, strict=False):
            weight = np.asarray(getattr(weight, "data", weight))
            if variable.shape != weight.shape:
                raise ValueError(
                    f"Optimizer variable {variable.name} has shape {variable.shape} not "
                    f"compatible with provided weight shape {weight.shape}."
                )
            variable.assign(weight)


def describe_variable(variable):
    """ "optimizer slot 'momentum' (dense_kernel_momentum)", for messages."""
    slot_name = getattr(variable, "slot_name", None)
    if slot_name is None:
        return f"optimizer variable '{variable.name}'"
    return f"optimizer slot '{slot_name}' ({variable.name})"


def _listing(variables):
    names = [variable.name for variable in variables]
    return ", ".join(names) if len(names) <= 4 else ", ".join(names[:3]) + ", ..."
