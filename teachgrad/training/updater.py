"""Updater: the base class of what the trainer calls once per iteration."""


class Updater:
    """Interface of updaters.

    An updater owns the iterators and optimizers, counts ``iteration`` and
    reports the epoch of its main iterator. ``update()`` does one iteration.
    """

    def connect_trainer(self, trainer):
        """Called by the trainer that uses this updater (nothing to do by default)."""

    def finalize(self):
        """Called when training ends."""

    def get_optimizer(self, name):
        raise NotImplementedError

    def get_all_optimizers(self):
        raise NotImplementedError

    def update(self):
        raise NotImplementedError

    def serialize(self, serializer):
        raise NotImplementedError
