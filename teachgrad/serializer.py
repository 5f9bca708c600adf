"""The serialization protocol that links, optimizers and trainers share.

An object's ``serialize(serializer)`` calls ``serializer(key, value)`` for
each value it wants saved and ``child.serialize(serializer['child'])`` for
each part. A :class:`Serializer` records the value and returns it; a
:class:`Deserializer` returns the loaded value (copying into ``value`` in
place when it is an array), so the same method both saves and loads.
"""


class AbstractSerializer:
    """``serializer[key]`` gives a child serializer; ``serializer(key, value)``
    saves or loads one value."""

    def __getitem__(self, key):
        raise NotImplementedError

    def __call__(self, key, value):
        raise NotImplementedError


class Serializer(AbstractSerializer):
    """Base class of savers."""

    def save(self, obj):
        """Save everything ``obj.serialize`` hands over."""
        obj.serialize(self)


class Deserializer(AbstractSerializer):
    """Base class of loaders."""

    def load(self, obj):
        """Load everything ``obj.serialize`` asks for."""
        obj.serialize(self)
