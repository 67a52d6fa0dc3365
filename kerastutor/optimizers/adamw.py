"""AdamW: Adam with decoupled weight decay."""

from kerastutor.optimizers.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam whose weights also shrink a little at every step (Loshchilov & Hutter, 2019)::

        w = w - w * weight_decay * learning_rate      # the decay, done by the base class
        w = Adam's step on w

    Adding an L2 penalty to the loss is not the same thing with Adam: the
    penalty's gradient would be rescaled by Adam's 1 / sqrt(v). Here the
    decay is "decoupled": every weight shrinks by the same fraction.

    Args:
        learning_rate: defaults to 0.001.
        weight_decay: the fraction of `learning_rate` each weight loses per
            step; 0.004. Must be a number.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: the options every optimizer takes (see `Optimizer`).
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        if weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: weight_decay=None (AdamW "
                "without weight decay is Adam: use keras.optimizers.Adam)."
            )
        super().__init__(
            learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
