"""observe_value / observe_lr: put a value of your choice into the log."""
from teachgrad.training import extension


def observe_value(observation_key, target_func):
    """An extension that writes ``target_func(trainer)`` as ``observation_key``.

    >>> ext = observe_value('lr', lambda trainer: 0.1)
    >>> ext.trigger, ext.priority
    ((1, 'epoch'), 300)
    """
    @extension.make_extension(trigger=(1, 'epoch'), priority=extension.PRIORITY_WRITER)
    def _observe_value(trainer):
        trainer.observation[observation_key] = target_func(trainer)
    return _observe_value


def observe_lr(optimizer_name='main', observation_key='lr'):
    """An extension that logs the learning rate ``lr`` of an optimizer.

    Add ``'lr'`` to the PrintReport entries to see it, e.g. while
    :class:`ExponentialShift` lowers it.

    >>> observe_lr().trigger            # once per epoch, like LogReport
    (1, 'epoch')
    """
    return observe_value(
        observation_key,
        lambda trainer: trainer.updater.get_optimizer(optimizer_name).lr)
