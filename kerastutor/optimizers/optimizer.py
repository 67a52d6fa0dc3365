"""The Optimizer base class: turn gradients into weight updates.

Every optimizer does the same bookkeeping, written here once, in Keras 3's
order. One call of `apply(grads, variables)`:

1. checks the gradients (one per variable, same shapes) and, on the first
   call, `build`s the optimizer's own state for every variable (its
   "slots": momentum, running averages);
2. reads the learning rate: a float, or a schedule's value at
   `iterations`;
3. clips the gradients (`clipnorm`, `clipvalue` or `global_clipnorm`),
   shrinks each weight by `weight_decay` (`w = w - w * weight_decay * lr`),
   then calls `update_step` for each weight;
4. moves the weights' moving average (`use_ema=True`), puts constrained
   weights back inside their set, and counts the step in `iterations`.

A subclass only says which slots it needs (`build`) and how one weight
changes (`update_step`), in a few lines of NumPy that follow the paper and
Keras 3's formulas. Weights change in place, in float32, as in Keras. A
call that fails a check changes nothing.

Shared pieces in their own files: the argument checks (`hyperparameters.py`),
the clipping rules (`clipping.py`), the saved state (`saved_state.py`).
"""

import math
import re
import threading
import warnings

import numpy as np

from kerastutor.autodiff import Variable
from kerastutor.optimizers.clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from kerastutor.optimizers.hyperparameters import HyperparameterChecks
from kerastutor.optimizers.parallel_updates import update_steps
from kerastutor.optimizers.saved_state import SavedState
from kerastutor.optimizers.schedules import LearningRateSchedule
from kerastutor.optimizers.schedules import deserialize as deserialize_schedule
from kerastutor.optimizers.schedules import serialize as serialize_schedule

__all__ = ["Optimizer", "CurrentLearningRate", "IterationCount"]


class CurrentLearningRate(float):
    """The learning rate as `optimizer.learning_rate` reads it: a float that can `assign`.

    Keras 3 hands back its learning-rate variable, so both
    `float(optimizer.learning_rate)` and `optimizer.learning_rate.assign(0.01)`
    work; this float does the same. Arithmetic gives plain floats.
    """

    def __new__(cls, value, optimizer):
        rate = super().__new__(cls, value)
        rate._optimizer = optimizer
        return rate

    def assign(self, value):
        self._optimizer.learning_rate = value

    def numpy(self):
        return np.float32(self)


class IterationCount(int):
    """`optimizer.iterations`: an int that, like Keras 3's variable, has `numpy()` and `assign`."""

    def __new__(cls, value, optimizer):
        count = super().__new__(cls, value)
        count._optimizer = optimizer
        return count

    def assign(self, value):
        steps = self._optimizer.gradient_accumulation_steps or 1
        self._optimizer._iterations.assign(int(value) * steps)

    def numpy(self):
        return np.int64(self)


class Optimizer(HyperparameterChecks, SavedState):
    """Base class of every optimizer; holds the options Keras 3 gives them all.

    Args:
        learning_rate: a positive float, a `LearningRateSchedule`, or a
            function of no arguments returning the rate.
        weight_decay: if set, each step first shrinks every weight:
            `w = w - w * weight_decay * learning_rate` (decoupled decay).
        clipnorm: if set, each gradient is rescaled to an L2 norm of at most this.
        clipvalue: if set, each gradient element is clipped to [-clipvalue, clipvalue].
        global_clipnorm: if set, all gradients together are rescaled to a
            global L2 norm of at most this. Only one of the three clips.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: `average = ema_momentum * average + (1 - ema_momentum) * w`.
        ema_overwrite_frequency: every this many steps, copy the averages
            into the weights; None: only `finalize_variable_values` does
            (Keras 3's fit calls it when training ends).
        loss_scale_factor: gradients are divided by it (mixed precision).
        gradient_accumulation_steps: an int >= 2: average the gradients of
            this many `apply` calls and update only then.
        name: defaults to the class name in snake case ('adam', 'rm_sprop').

    Attributes:
        iterations: how many updates have been made (Adam's `t` is
            `iterations + 1`).
        variables: the optimizer's own variables, in Keras 3's order.
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._refuse_unknown_arguments(kwargs)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(value is not None for value in clips.values()) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                + ", ".join(f"{key}={value}" for key, value in clips.items())
                + f" for {type(self).__name__}. Each is a different rule for shrinking large "
                "gradients; choose one."
            )
        for key, value in clips.items():
            if value is not None:
                self._check_positive(key, value)
        if weight_decay is not None:
            self._check_non_negative("weight_decay", weight_decay)
        if use_ema:
            self._check_fraction("ema_momentum", ema_momentum, top_included=True)
        if ema_overwrite_frequency is not None:
            self._check_count("ema_overwrite_frequency", ema_overwrite_frequency, smallest=1)
        if gradient_accumulation_steps:
            self._check_count("gradient_accumulation_steps", gradient_accumulation_steps, 2)
        if loss_scale_factor is not None:
            self._check_positive("loss_scale_factor", loss_scale_factor)
        self.name = name or _snake_case(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables = []
        self._created = []  # in creation order: slot groups {id(weight): [(name, Variable)]}
        self._excluded_ids, self._excluded_pattern = set(), None
        self._iterations = Variable(np.array(0, dtype="int64"), name="iteration", trainable=False)
        self._learning_rate = self._checked_learning_rate(learning_rate)

    # ------------------------------------------------------------ to override

    def build(self, variables):
        """Create the state for `variables`; a subclass adds its slots after `super().build`."""
        variables = list(variables)
        self._trainable_variables = variables
        self._index = {id(variable): i for i, variable in enumerate(variables)}
        if self.use_ema:
            self._averages = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated = self.add_optimizer_variables(variables, "gradient_accumulator")
        self.built = True

    def update_step(self, gradient, variable, learning_rate):
        """Change `variable.data` in place, given its gradient (same shape and dtype)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_step`.")

    def before_update_steps(self):
        """Change optimizer-wide state once per step, before the weights (Nadam's product)."""

    def get_config(self):
        """Keras 3's optimizer config: these keys first, then the subclass's own."""
        return {
            "name": self.name,
            "learning_rate": self._serialized_learning_rate(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The inverse of `get_config`; a schedule's dict becomes a schedule again."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    # ------------------------------------------------------------ slots

    def add_optimizer_variables(self, variables, names, initializer=0.0):
        """One zero-filled (or `initializer`-filled) slot per weight and name, as Keras names them.

        Returns a list of slot arrays per name (in `variables` order), or
        one list if `names` is a string: `self._momentums[index]`.
        """
        single = isinstance(names, str)
        names = [names] if single else list(names)
        fills = (
            initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        )
        group = {}
        for variable in variables:
            prefix = str(variable.path).replace("/", "_").replace(":", "_")
            group[id(variable)] = [
                (name, _slot(variable, fill, f"{prefix}_{name}", name))
                for name, fill in zip(names, fills, strict=True)
            ]
        self._created.append(group)
        lists = [[group[id(v)][k][1] for v in variables] for k in range(len(names))]
        return lists[0] if single else lists

    def add_variable(self, shape=(), initializer="zeros", dtype="float32", name="variable"):
        """One variable of the optimizer's own (Nadam's running product), listed in creation order.

        `initializer` is a number or 'zeros' / 'ones'.
        """
        fill = {"zeros": 0.0, "ones": 1.0}.get(initializer, initializer)
        variable = Variable(np.full(shape, fill, dtype=dtype), name=name, trainable=False)
        self._created.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named as Keras names it ('dense_kernel_momentum')."""
        prefix = str(reference_variable.path).replace("/", "_").replace(":", "_")
        return self.add_variable(
            reference_variable.shape,
            initializer,
            reference_variable.dtype,
            f"{prefix}_{name or 'var'}",
        )

    def assign(self, variable, value):
        """`variable = value`, for a learner's `update_step` written with `keras.ops`."""
        variable.assign(np.asarray(getattr(value, "data", value)))

    def assign_add(self, variable, value):
        self.assign(variable, variable.data + np.asarray(getattr(value, "data", value)))

    def assign_sub(self, variable, value):
        self.assign(variable, variable.data - np.asarray(getattr(value, "data", value)))

    def _scratch(self, variable, count):
        """`count` spare arrays shaped like `variable`, kept from step to step.

        The in-place `update_step`s of Adam and RMSprop compute into these
        (`out=`) rather than allocating fresh temporaries for every weight at
        every step; weights of one shape and dtype share them.
        """
        cache = self.__dict__.setdefault("_scratch_arrays", {})
        # Per thread too: parallel_updates.py may update two weights at once.
        key = (variable.data.shape, variable.data.dtype, threading.get_ident())
        if len(cache.get(key, ())) < count:
            cache[key] = [np.empty(*key[:2]) for _ in range(count)]
        return cache[key][:count]

    @staticmethod
    def _in_place_fits(gradient, *arrays):
        """Whether an in-place update gives the readable one's bits: one dtype and shape throughout."""
        gradient = np.asarray(gradient)
        return all(a.dtype == gradient.dtype and a.shape == gradient.shape for a in arrays)

    def _get_variable_index(self, variable):
        return self._index[id(variable)]

    @property
    def variables(self):
        """iteration, learning_rate (unless a schedule gives it), then the slots, as Keras 3."""
        return self.variables_in_order(self._trainable_variables)

    def variables_in_order(self, trainable_variables):
        """`variables`, with the slots ordered as if built on `trainable_variables`."""
        listed = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            listed.append(self._learning_rate)
        for created in self._created:
            if isinstance(created, Variable):
                listed.append(created)
                continue
            for variable in trainable_variables:
                listed.extend(slot for _, slot in created.get(id(variable), []))
        return listed

    # ------------------------------------------------------------ learning rate

    @property
    def iterations(self):
        """Updates made so far (an int); with gradient accumulation, `apply` calls // steps."""
        steps = int(self._iterations.data)
        if self.gradient_accumulation_steps:
            steps //= self.gradient_accumulation_steps
        return IterationCount(steps, self)

    @property
    def learning_rate(self):
        """The rate the next step uses: the float, or the schedule's value at this step."""
        return CurrentLearningRate(self._current_learning_rate(), self)

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                f"optimizer with a float `learning_rate` argument. ({type(self).__name__} asks "
                f"its {type(self._learning_rate).__name__} for the rate at every step, so a "
                "value set here would be overwritten at the next one.)"
            )
        self._learning_rate.assign(self._checked_rate(learning_rate))

    def _current_learning_rate(self):
        """A float32 rate: what a schedule (or function) gives now, or the stored value."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            rate = self._learning_rate(int(self._iterations.data))
        elif isinstance(self._learning_rate, Variable):
            rate = self._learning_rate.data
        else:
            rate = self._learning_rate()
        return float(np.float32(rate))

    def _checked_learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        rate = self._checked_rate(learning_rate)
        return Variable(np.array(rate, dtype="float32"), name="learning_rate", trainable=False)

    def _serialized_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return serialize_schedule(self._learning_rate)
        if isinstance(self._learning_rate, Variable):
            return float(self._learning_rate.data)
        return self._learning_rate

    # ------------------------------------------------------------ applying

    def apply(self, grads, trainable_variables):
        """One optimizer step: update each variable with its gradient.

        A gradient of None (the weight did not influence the loss) leaves
        that weight and its slots untouched, as in Keras. A failed check
        leaves every weight and slot as it was.

        Raises:
            ValueError: if the lists differ in length, a gradient's shape
                differs from its weight's, a weight is not one the optimizer
                was built for, or a schedule gives a non-finite rate.
        """
        grads, variables = self._checked_gradients(grads, trainable_variables)
        if not grads:
            return  # as in Keras: nothing to train, not even a step to count
        self._check_learning_rate_is_finite()
        unknown = [v.name for v in variables if self.built and id(v) not in self._index]
        if unknown:
            raise ValueError(
                f"Unknown variable: {unknown[0]!r}. This optimizer can only be called for the "
                "variables it was originally built with. When working with a new set of "
                "variables, you should recreate a new optimizer instance. (A "
                f"{type(self).__name__} keeps slots for the weights of its first `apply`; "
                "compile each model with its own optimizer.)"
            )
        all_variables = variables
        grads, variables = self._filter_empty_gradients(grads, variables)
        if not self.built:  # slots for every weight, even one without a gradient yet (Keras)
            self.build(all_variables)
        if self.loss_scale_factor is not None:
            grads = [g / np.float32(self.loss_scale_factor) for g in grads]
        if self.gradient_accumulation_steps:
            self._accumulate_or_update(grads, variables)
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_moving_averages()
        for variable in variables:  # back inside `kernel_constraint=MaxNorm(2)`, ...
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable.data))
        self._iterations.assign(self._iterations.data + 1)

    def _check_learning_rate_is_finite(self):
        learning_rate = self._current_learning_rate()
        if not math.isfinite(learning_rate):
            raise ValueError(
                f"{type(self).__name__}'s learning rate schedule "
                f"{type(self._learning_rate).__name__} returned {learning_rate} at step "
                f"{int(self._iterations.data)} (optimizer.iterations). No weight was updated: "
                "a non-finite rate would put NaN into every weight. Check the schedule's formula "
                "at that step."
            )

    def apply_gradients(self, grads_and_vars):
        """Keras's other spelling: a list of (gradient, variable) pairs."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def scale_loss(self, loss):
        """The loss times `loss_scale_factor` (mixed precision); `apply` divides it back out."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def _checked_gradients(self, grads, variables):
        grads, variables = list(grads), list(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.apply got {len(grads)} gradients for "
                f"{len(variables)} variables: pass one gradient per variable, in the same order."
            )
        checked = []
        for gradient, variable in zip(grads, variables, strict=True):
            if gradient is not None:
                gradient = np.asarray(getattr(gradient, "data", gradient), dtype=variable.dtype)
                if gradient.shape != variable.shape:
                    raise ValueError(
                        f"The gradient for {variable.name!r} has shape {gradient.shape}, but the "
                        f"variable has shape {variable.shape}."
                    )
            checked.append(gradient)
        return checked, variables

    def _filter_empty_gradients(self, grads, variables):
        """Drop the (None, weight) pairs, with Keras's warning; all None is an error."""
        missing = [v.name for g, v in zip(grads, variables, strict=True) if g is None]
        if len(missing) == len(grads):
            raise ValueError(
                f"No gradients provided for any variable. ({type(self).__name__} received None "
                f"for each of {', '.join(missing[:4])}: the loss does not depend on them. Did "
                "the loss use the model's output?)"
            )
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. If "
                "using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
        pairs = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        return [g for g, _ in pairs], [v for _, v in pairs]

    def _update(self, grads, variables):
        learning_rate = np.float32(self._current_learning_rate())
        grads = self._clip_gradients(grads)
        if self.weight_decay is not None:
            decay = np.float32(self.weight_decay)
            for variable in variables:
                if self._use_weight_decay(variable):
                    variable.data -= variable.data * decay * learning_rate
        self.before_update_steps()
        update_steps(
            self, grads, variables, learning_rate
        )  # two at once if big (parallel_updates.py)

    def _accumulate_or_update(self, grads, variables):
        """Sum gradients; every `gradient_accumulation_steps`-th call, update with their mean."""
        sums = [self._accumulated[self._get_variable_index(v)].data for v in variables]
        steps = self.gradient_accumulation_steps
        if (int(self._iterations.data) + 1) % steps != 0:
            for total, gradient in zip(sums, grads, strict=True):
                total += gradient
            return
        means = [
            (gradient + total) / np.float32(steps)
            for gradient, total in zip(grads, sums, strict=True)
        ]
        self._update(means, variables)
        for total in sums:
            total[...] = 0

    def _clip_gradients(self, grads):
        if self.clipnorm:
            return [clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue:
            return [clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    # ------------------------------------------------------------ weight decay and EMA

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Spare some weights the decay: these variables, or any whose name contains one of `var_names`."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer is "
                f"built: {type(self).__name__} has already taken a step."
            )
        self._excluded_ids = {id(variable) for variable in var_list or []}
        self._excluded_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._excluded_ids:
            return False
        return not (self._excluded_pattern and self._excluded_pattern.search(variable.name))

    def _update_moving_averages(self):
        momentum = np.float32(self.ema_momentum if self.iterations != 0 else 0.0)
        for variable, average in zip(self._trainable_variables, self._averages, strict=True):
            average.data = momentum * average.data + (1 - momentum) * variable.data
        frequency = self.ema_overwrite_frequency
        if frequency and (self.iterations + 1) % frequency == 0:
            self.finalize_variable_values(self._trainable_variables)

    def finalize_variable_values(self, var_list):
        """With `use_ema=True`, copy each weight's moving average into it (end of fit)."""
        if self.use_ema and self.built:
            for variable in var_list:
                variable.assign(self._averages[self._get_variable_index(variable)].data)

    def __repr__(self):
        """`<Adam learning_rate=0.001, beta_1=0.9, ...>`: the settings that are switched on."""
        config = self.get_config()
        if not isinstance(self._learning_rate, Variable):
            config["learning_rate"] = type(self._learning_rate).__name__
        if not self.use_ema:
            config.pop("ema_momentum")
        settings = ", ".join(
            f"{key}={value if key == 'learning_rate' else repr(value)}"
            for key, value in config.items()
            if key != "name" and value is not None and value is not False
        )
        return f"<{type(self).__name__} {settings}>"


def _slot(variable, fill, name, slot_name):
    slot = Variable(np.full(variable.shape, fill, variable.dtype), name, trainable=False)
    slot.slot_name = slot_name  # 'momentum', for messages
    return slot


def _snake_case(class_name):
    """Keras's default names: 'Adam' -> 'adam', 'RMSprop' -> 'rm_sprop', 'AdamW' -> 'adam_w'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
