"""Two weights' updates at once, on two cores: for Adam and RMSprop on big weights.

An in-place `update_step` (adam.py, rmsprop.py) is about ten passes over
its weight's arrays: for the MLP of issue 14 (670,000 weights) about 30% of
a training step, on one core while the other waits. The updates of different
weights share nothing, and NumPy releases Python's GIL inside each pass, so
`update_steps` splits the weights into two lanes of about equal size and runs
one lane on a background thread (kerastutor/layers/background.py) while this
thread runs the other. Each weight gets the same arithmetic either way, so
the numbers are the same bits as one weight after the other.

Only an `update_step` marked `@independent_per_variable` is run so: one that
reads and writes only its own weight's arrays (and per-thread spare arrays,
`Optimizer._scratch`). A learner's own `update_step` always runs in order.
"""

__all__ = ["independent_per_variable", "update_steps"]

# Below this many elements in the smaller lane, a second thread costs more than it saves.
SMALL_LANE = 100_000


def independent_per_variable(update_step):
    """Mark an `update_step` whose updates of different weights may run at the same time."""
    update_step.independent_per_variable = True
    return update_step


def update_steps(optimizer, grads, variables, learning_rate):
    """`optimizer.update_step` for each (gradient, variable); on two cores when that pays."""
    pairs = list(zip(grads, variables, strict=True))
    lanes = _two_lanes(pairs) if _may_run_at_once(optimizer) else None
    if lanes is None:
        for gradient, variable in pairs:
            optimizer.update_step(gradient, variable, learning_rate)
        return
    from kerastutor.layers.background import Background  # the layers' helper, loaded by now

    def run(lane):
        for gradient, variable in lane:
            optimizer.update_step(gradient, variable, learning_rate)

    jobs = Background(threaded=True)
    jobs.submit(lambda: run(lanes[1]))
    run(lanes[0])
    jobs.wait_all()


def _may_run_at_once(optimizer):
    if not getattr(type(optimizer).update_step, "independent_per_variable", False):
        return False
    from kerastutor.ops.threads import free_cores

    return (free_cores() or 1) > 1


def _two_lanes(pairs):
    """Biggest weight first, each into the lane with fewer elements so far; None if too small."""
    lanes, sizes = ([], []), [0, 0]
    for pair in sorted(pairs, key=lambda pair: -pair[1].data.size):
        lighter = sizes.index(min(sizes))
        lanes[lighter].append(pair)
        sizes[lighter] += pair[1].data.size
    return lanes if min(sizes) >= SMALL_LANE else None
