"""FailOnNonNumber: stop training as soon as a parameter becomes NaN or infinite."""
from teachgrad import backend
from teachgrad.training import extension


class FailOnNonNumber(extension.Extension):
    """Raise a RuntimeError naming the parameter when one holds NaN or inf.

    Once a NaN is in a weight every later loss is NaN, so training on is
    wasted time; usually the learning rate is too high.

    >>> FailOnNonNumber().trigger
    (1, 'iteration')
    """

    def __call__(self, trainer):
        for name, optimizer in trainer.updater.get_all_optimizers().items():
            for path, param in optimizer.target.namedparams():
                data = param.data
                if data is None:
                    continue
                xp = backend.get_array_module(data)
                if not bool(xp.isfinite(data).all()):
                    raise RuntimeError(
                        'parameter {} of the model of optimizer {!r} holds NaN or inf '
                        'after iteration {}: training has diverged. Try a smaller '
                        'learning rate, or gradient clipping '
                        '(teachgrad.optimizer_hooks.GradientClipping).'.format(
                            path, name, trainer.updater.iteration))
