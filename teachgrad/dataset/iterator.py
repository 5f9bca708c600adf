"""Iterator: the base class of dataset iterators (``SerialIterator`` and friends).

An iterator hands out minibatches (lists of examples) and keeps count of
epochs, so the trainer can say "stop after 10 epochs".
"""


class Iterator:
    """Base class of dataset iterators.

    Subclasses define ``__next__`` (returning a list of examples) and the
    ``epoch``, ``epoch_detail``, ``is_new_epoch`` attributes.
    """

    def __iter__(self):
        return self

    def __next__(self):
        raise NotImplementedError

    def next(self):
        """Python-2 style alias of ``__next__`` that Chainer code calls."""
        return self.__next__()

    def finalize(self):
        """Release resources (nothing for simple iterators)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.finalize()

    def serialize(self, serializer):
        """Save or load the iterator's position (nothing by default)."""
