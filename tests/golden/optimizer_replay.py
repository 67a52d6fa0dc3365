"""Keras 3's optimizer steps re-derived in float64 NumPy, for make_golden.py's checks.

Written from keras/src/optimizers/base_optimizer.py (gradient accumulation,
clipping, weight decay, EMA, the learning-rate schedule) and the update rules
of keras/src/optimizers/{sgd,rmsprop,adam,adagrad,adamw,nadam,adamax,adadelta,
ftrl,lion}.py. Imports only NumPy: make_golden.py feeds it TensorFlow's
gradients and compares what Keras did with what these formulas say.

One training step::

    replay.begin_step(grads)       # {weight index: gradient}: accumulate, clip
    new = replay.step(i, w, g, g2) # for each weight with a gradient
    weights = replay.end_step(weights)  # EMA; counts the step
"""

import math

import numpy as np

__all__ = ["NumpyOptimizer"]


def schedule_value(schedule, step):
    """The rate of a serialized schedule at `step` (only the ones the cases use)."""
    name, c = schedule["class_name"], schedule["config"]
    if name == "ExponentialDecay":
        p = step / c["decay_steps"]
        if c.get("staircase"):
            p = math.floor(p)
        return c["initial_learning_rate"] * c["decay_rate"] ** p
    if name == "PiecewiseConstantDecay":
        for boundary, value in zip(c["boundaries"], c["values"], strict=False):
            if step <= boundary:
                return value
        return c["values"][-1]
    raise ValueError(f"no NumPy replay for schedule {name}")


class NumpyOptimizer:
    """The update rules, keyed by weight index, in float64.

    ``g2`` is what the optimizer squares: ``g**2`` for a dense gradient; for an
    Embedding on the TensorFlow backend the gradient is a ``tf.IndexedSlices``
    with one slice per occurrence of an id, ``ops.square`` squares each slice
    and only then are duplicates summed, so ``g2`` is the sum of the squares.
    """

    def __init__(self, optimizer):
        self.config = optimizer.get_config()
        self.name = type(optimizer).__name__
        self.slots = {}
        self.calls = 0  # apply() calls: what a schedule sees
        self.accumulated = {}
        self.averages = {}
        self.u_product = 1.0  # Nadam

    @property
    def learning_rate(self):
        lr = self.config["learning_rate"]
        return schedule_value(lr, self.calls) if isinstance(lr, dict) else lr

    def begin_step(self, grads):
        """The gradients the update rules see this step, or None if it only accumulates."""
        c = self.config
        steps = c["gradient_accumulation_steps"]
        if steps:
            for i, g in grads.items():
                self.accumulated[i] = self.accumulated.get(i, 0.0) + g
            if (self.calls + 1) % steps != 0:
                return None
            grads = {i: total / steps for i, total in self.accumulated.items()}
            self.accumulated = {}
        if c["clipnorm"]:
            clip = c["clipnorm"]
            grads = {i: g * clip / max(np.sqrt(np.sum(g**2)), clip) for i, g in grads.items()}
        elif c["global_clipnorm"]:
            clip = c["global_clipnorm"]
            norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
            grads = {i: g * clip * min(1 / norm, 1 / clip) for i, g in grads.items()}
        elif c["clipvalue"]:
            grads = {i: np.clip(g, -c["clipvalue"], c["clipvalue"]) for i, g in grads.items()}
        if self.name == "Nadam":
            self.u_product *= self._nadam_mu(self.updates + 1)
        return grads

    def step(self, index, w, g, g2):
        """Weight decay, then the optimizer's rule, for one weight; returns the new w."""
        lr = self.learning_rate
        if self.config["weight_decay"] is not None:
            w = w - w * self.config["weight_decay"] * lr
        return getattr(self, f"_{self.name.lower()}")(
            self.slots.setdefault(index, {}), w, g, g2, lr
        )

    def end_step(self, weights):
        """EMA of the weights (and its overwrite); count the step. Returns the weights."""
        c = self.config
        if c["use_ema"]:
            momentum = c["ema_momentum"] if self.updates != 0 else 0.0
            for i, w in weights.items():
                self.averages[i] = momentum * self.averages.get(i, 0.0) + (1 - momentum) * w
            frequency = c["ema_overwrite_frequency"]
            if frequency and (self.updates + 1) % frequency == 0:
                weights = dict(self.averages)
        self.calls += 1
        return weights

    @property
    def updates(self):
        """`optimizer.iterations`: apply() calls, // gradient_accumulation_steps."""
        steps = self.config["gradient_accumulation_steps"]
        return self.calls // steps if steps else self.calls

    # ------------------------------------------------------------ the rules

    def _sgd(self, s, w, g, g2, lr):
        c = self.config
        if c["momentum"] == 0:
            return w - lr * g
        m = c["momentum"] * s.get("m", 0.0) - lr * g
        s["m"] = m
        return w + (c["momentum"] * m - lr * g if c["nesterov"] else m)

    def _rmsprop(self, s, w, g, g2, lr):
        c = self.config
        v = c["rho"] * s.get("v", 0.0) + (1 - c["rho"]) * g2
        s["v"] = v
        denominator = v + c["epsilon"]
        if c["centered"]:
            s["a"] = c["rho"] * s.get("a", 0.0) + (1 - c["rho"]) * g
            denominator = v - s["a"] ** 2 + c["epsilon"]
        increment = lr * g / np.sqrt(denominator)
        if c["momentum"] > 0:
            s["m"] = c["momentum"] * s.get("m", 0.0) + increment
            return w - s["m"]
        return w - increment

    def _adam(self, s, w, g, g2, lr):
        c = self.config
        t = self.updates + 1
        b1, b2 = c["beta_1"], c["beta_2"]
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        m = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        v = s.get("v", 0.0) + (g2 - s.get("v", 0.0)) * (1 - b2)
        s["m"], s["v"] = m, v
        if c.get("amsgrad"):
            v = s["v_hat"] = np.maximum(s.get("v_hat", 0.0), v)
        return w - alpha * m / (np.sqrt(v) + c["epsilon"])

    _adamw = _adam

    def _adagrad(self, s, w, g, g2, lr):
        c = self.config
        a = s.get("a", c["initial_accumulator_value"]) + g2
        s["a"] = a
        return w - lr * g / np.sqrt(a + c["epsilon"])

    def _nadam_mu(self, t):
        return self.config["beta_1"] * (1 - 0.5 * 0.96**t)

    def _nadam(self, s, w, g, g2, lr):
        c = self.config
        t = self.updates + 1
        mu_t, mu_next = self._nadam_mu(t), self._nadam_mu(t + 1)
        m = s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - c["beta_1"])
        v = s["v"] = s.get("v", 0.0) + (g2 - s.get("v", 0.0)) * (1 - c["beta_2"])
        m_hat = mu_next * m / (1 - self.u_product * mu_next) + (1 - mu_t) * g / (1 - self.u_product)
        v_hat = v / (1 - c["beta_2"] ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + c["epsilon"])

    def _adamax(self, s, w, g, g2, lr):
        c = self.config
        t = self.updates + 1
        m = s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - c["beta_1"])
        u = s["u"] = np.maximum(c["beta_2"] * s.get("u", 0.0), np.abs(g))
        return w - lr * m / ((1 - c["beta_1"] ** t) * (u + c["epsilon"]))

    def _adadelta(self, s, w, g, g2, lr):
        c = self.config
        rho, eps = c["rho"], c["epsilon"]
        s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g2
        delta = -np.sqrt(s.get("d", 0.0) + eps) / np.sqrt(s["a"] + eps) * g
        s["d"] = rho * s.get("d", 0.0) + (1 - rho) * delta**2
        return w + lr * delta

    def _ftrl(self, s, w, g, g2, lr):
        c = self.config
        p = -c["learning_rate_power"]
        l1 = c["l1_regularization_strength"]
        l2 = c["l2_regularization_strength"] + c["beta"] / (2 * lr)
        accumulator = s.get("a", c["initial_accumulator_value"])
        new_accumulator = accumulator + g2
        shrunk = g + 2 * c["l2_shrinkage_regularization_strength"] * w
        linear = s.get("z", 0.0) + shrunk - (new_accumulator**p - accumulator**p) / lr * w
        s["a"], s["z"] = new_accumulator, linear
        quadratic = new_accumulator**p / lr + 2 * l2
        return (np.clip(linear, -l1, l1) - linear) / quadratic

    def _lion(self, s, w, g, g2, lr):
        c = self.config
        m = s.get("m", 0.0)
        w = w - lr * np.sign(c["beta_1"] * m + (1 - c["beta_1"]) * g)
        s["m"] = c["beta_2"] * m + (1 - c["beta_2"]) * g
        return w
