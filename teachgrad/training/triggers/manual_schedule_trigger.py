"""ManualScheduleTrigger: fire at the iterations or epochs you list."""


class ManualScheduleTrigger:
    """Fire when training passes one of ``points`` (in ``unit``).

    >>> t = ManualScheduleTrigger([2, 5], 'epoch')
    >>> t.points, t.finished
    ([2, 5], False)

    ``finished`` becomes True once the last point has been passed.
    """

    def __init__(self, points, unit):
        if unit not in ('epoch', 'iteration'):
            raise ValueError("the unit of a trigger must be 'epoch' or 'iteration', "
                             'not {!r}'.format(unit))
        self.points = list(points) if isinstance(points, (list, tuple)) else [points]
        self.unit = unit
        self.finished = False
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.

    def __call__(self, trainer):
        updater = trainer.updater
        if self.unit == 'epoch':
            now = updater.epoch_detail
            before = self._previous_epoch_detail
            if before < 0:
                before = updater.previous_epoch_detail or 0.
        else:
            now = updater.iteration
            before = self._previous_iteration
            if before < 0:
                before = now - 1
        fire = any(before < p <= now for p in self.points)
        if fire and now >= max(self.points):
            self.finished = True
        self._previous_iteration = updater.iteration
        if hasattr(updater, 'epoch_detail'):
            self._previous_epoch_detail = updater.epoch_detail
        return fire

    def get_training_length(self):
        return max(self.points), self.unit

    def serialize(self, serializer):
        self._previous_iteration = int(serializer(
            'previous_iteration', self._previous_iteration))
        self._previous_epoch_detail = float(serializer(
            'previous_epoch_detail', self._previous_epoch_detail))
        self.finished = bool(serializer('finished', self.finished))
