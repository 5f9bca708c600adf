"""Extensions: things the trainer does besides updating (log, print, save, plot).

An extension is any callable taking the trainer. A trigger decides on which
iterations it runs, and its priority the order among those that run in the
same iteration: writers (which add values to ``trainer.observation``) before
editors before readers (which only look), snapshots last.

>>> from teachgrad.training import make_extension
>>> @make_extension(trigger=(1, 'epoch'))
... def say_epoch(trainer):
...     print('epoch', trainer.updater.epoch)
>>> say_epoch.trigger, say_epoch.default_name, say_epoch.priority
((1, 'epoch'), 'say_epoch', 100)
"""

PRIORITY_WRITER = 300
PRIORITY_EDITOR = 200
PRIORITY_READER = 100
PRIORITY_SNAPSHOT = -100


class Extension:
    """Base class of trainer extensions.

    Subclasses override ``__call__(trainer)``; ``initialize(trainer)`` runs
    once before training, ``finalize()`` once after (also when training
    fails), ``on_error(trainer, exc, tb)`` when an exception stops training,
    and ``serialize`` saves or loads the extension's state with a snapshot.

    Attributes:
        trigger: when to run by default, ``(1, 'iteration')``.
        priority: the order within an iteration, ``PRIORITY_READER``.
        name: the name the trainer registered it under (set by ``extend``).
    """
    trigger = 1, 'iteration'
    priority = PRIORITY_READER
    name = None

    @property
    def default_name(self):
        """The name used when ``extend`` gets none: the class name."""
        return type(self).__name__

    def __call__(self, trainer):
        """Do the extension's work (called on iterations the trigger accepts)."""

    def initialize(self, trainer):
        """Called once before the training loop (also after loading a snapshot)."""

    def finalize(self):
        """Called once when the training loop ends, normally or by an exception."""

    def on_error(self, trainer, exc, tb):
        """Called when an exception stops the training loop, before ``finalize``."""

    def serialize(self, serializer):
        """Save or load the extension's state (nothing by default)."""


def make_extension(trigger=None, default_name=None, priority=None, finalizer=None,
                   initializer=None, on_error=None, **kwargs):
    """Decorator that turns a function of the trainer into an extension.

    It only sets attributes on the function (``trigger``, ``default_name``,
    ``priority``, ``finalize``, ``initialize``, ``on_error``); the defaults are
    those of :class:`Extension`.
    """
    if kwargs:
        raise TypeError('make_extension() got unexpected arguments: {}'.format(
            ', '.join(sorted(kwargs))))
    if trigger is None:
        trigger = Extension.trigger
    if priority is None:
        priority = Extension.priority

    def decorator(ext):
        ext.trigger = trigger
        ext.default_name = default_name or ext.__name__
        ext.priority = priority
        ext.finalize = finalizer
        ext.initialize = initializer
        ext.on_error = on_error
        return ext

    return decorator
