"""OnceTrigger: fire the first time it is asked, then never again."""


class OnceTrigger:
    """Fire once; with ``call_on_resume=True`` once more after loading a snapshot.

    >>> t = OnceTrigger()
    >>> t(None), t(None)
    (True, False)
    """

    def __init__(self, call_on_resume=False):
        self._flag_first = True
        self._flag_resumed = call_on_resume

    def __call__(self, trainer):
        fire = self._flag_first or self._flag_resumed
        self._flag_first = self._flag_resumed = False
        return fire

    def serialize(self, serializer):
        self._flag_first = bool(serializer('_flag_first', self._flag_first))
