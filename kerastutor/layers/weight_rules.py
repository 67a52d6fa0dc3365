"""Regularizers and constraints by weight name: `kernel_regularizer=` -> the weight 'kernel'.

Keras names a layer's weight penalties and rules after the weights:
`kernel_regularizer`, `recurrent_constraint`, `bias_regularizer`, ... A
layer that takes them pops them from its keyword arguments with
`pop_weight_rules`, hands each to `add_weight` for the weight of that name,
and writes them back into its config with `weight_rules_config`.
"""

from kerastutor import constraints, regularizers

__all__ = ["WeightRules", "pop_weight_rules", "weight_rules_config"]


class WeightRules:
    """Mixin for a Layer: each weight gets the regularizer and constraint named after it.

    The layer sets `self._weight_rules` (from `pop_weight_rules`) before it builds.
    """

    # What `pop_weight_rules` takes out of `**kwargs` for kernel, recurrent_kernel and
    # bias, listed so that a misspelling of them (`recurent_regularizer`) gets a "did
    # you mean" (see `_accepted_keywords` in kerastutor.engine.base_layer).
    _keywords_in_kwargs = tuple(
        f"{argument}_{kind}"
        for argument in ("kernel", "recurrent", "bias")
        for kind in ("regularizer", "constraint")
    )

    def add_weight(self, *args, name=None, regularizer=None, constraint=None, **kwargs):
        penalty, rule = self._weight_rules.get(name, (None, None))
        regularizer, constraint = regularizer or penalty, constraint or rule
        return super().add_weight(
            *args, name=name, regularizer=regularizer, constraint=constraint, **kwargs
        )


def pop_weight_rules(kwargs, weight_names):
    """{weight name: (regularizer, constraint)}, taken out of `kwargs` (names or objects)."""
    rules = {}
    for name in weight_names:
        argument = _argument(name)
        penalty = kwargs.pop(f"{argument}_regularizer", None)
        rule = kwargs.pop(f"{argument}_constraint", None)
        rules[name] = (regularizers.get(penalty), constraints.get(rule))
    return rules


def weight_rules_config(rules):
    """The config keys Keras gives them: kernel_regularizer, recurrent_constraint, ..."""
    config = {}
    for name, (penalty, rule) in rules.items():
        config[f"{_argument(name)}_regularizer"] = regularizers.serialize(penalty)
        config[f"{_argument(name)}_constraint"] = constraints.serialize(rule)
    return config


def _argument(weight_name):
    # 'recurrent_kernel' is set by `recurrent_regularizer`, 'kernel' by `kernel_regularizer`.
    return weight_name.replace("_kernel", "")
