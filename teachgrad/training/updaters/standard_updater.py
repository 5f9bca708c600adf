"""StandardUpdater: one iteration = one minibatch, one forward, one backward, one step.

::

    batch = iterator.next()                  # a list of examples
    x, t = converter(batch, device)          # arrays (concat_examples)
    optimizer.update(loss_func, x, t)        # loss, cleargrads, backward, step
"""
from teachgrad.dataset.convert import concat_examples
from teachgrad.training.updater import Updater


class StandardUpdater(Updater):
    """The usual training step, for one iterator and one optimizer.

    Args:
        iterator: the training iterator, or a dict of them (``'main'`` is
            the one that is read).
        optimizer: the optimizer, or a dict of them (``'main'`` is used).
        converter: turns a batch (list of examples) into arrays;
            :func:`~teachgrad.dataset.concat_examples` by default.
        device: where the arrays go (None: leave them; -1: CPU; 0: GPU 0).
            The model is moved there too.
        loss_func: called as ``loss_func(*arrays)`` to get the loss; by
            default the optimizer's target (e.g. an ``L.Classifier``).

    Attributes:
        iteration (int): updates done so far.

    >>> import numpy as np
    >>> import teachgrad.links as L
    >>> from teachgrad import datasets, iterators, optimizers
    >>> np.random.seed(0)
    >>> model = L.Classifier(L.Linear(2, 2))
    >>> data = datasets.TupleDataset(np.ones((4, 2), 'f'), np.array([0, 1, 0, 1], 'i'))
    >>> opt = optimizers.SGD().setup(model)
    >>> updater = StandardUpdater(iterators.SerialIterator(data, 2), opt)
    >>> updater.update(); updater.update()
    >>> updater.iteration, updater.epoch, updater.is_new_epoch
    (2, 1, True)
    """

    def __init__(self, iterator, optimizer, converter=concat_examples, device=None,
                 loss_func=None, loss_scale=None, auto_new_epoch=True):
        self._iterators = dict(iterator) if isinstance(iterator, dict) else {'main': iterator}
        self._optimizers = dict(optimizer) if isinstance(optimizer, dict) else {'main': optimizer}
        # Only the iterator must be 'main' (epochs are counted on it); a subclass with its
        # own update_core may name its optimizers freely (a GAN's 'gen' and 'dis').
        if 'main' not in self._iterators:
            raise ValueError("StandardUpdater needs an iterator named 'main' when given a dict "
                             "of iterators, but the names are {}".format(sorted(self._iterators)))
        for name, opt in self._optimizers.items():
            if getattr(opt, 'target', None) is None:
                raise ValueError(
                    'optimizer {!r} has no target: call optimizer.setup(model) before '
                    'making the updater'.format(name))
        if device is not None:
            for opt in self._optimizers.values():
                _move_link(opt.target, device)
        self.converter = converter
        self.loss_func = loss_func
        self.device = device
        self.iteration = 0
        self.loss_scale = loss_scale
        if loss_scale is not None:
            for opt in self._optimizers.values():
                if hasattr(opt, 'set_loss_scale'):
                    opt.set_loss_scale(loss_scale)
        self.auto_new_epoch = auto_new_epoch
        if auto_new_epoch:
            for opt in self._optimizers.values():
                opt.use_auto_new_epoch = True

    @property
    def epoch(self):
        return self._iterators['main'].epoch

    @property
    def epoch_detail(self):
        return self._iterators['main'].epoch_detail

    @property
    def previous_epoch_detail(self):
        return self._iterators['main'].previous_epoch_detail

    @property
    def is_new_epoch(self):
        return self._iterators['main'].is_new_epoch

    def finalize(self):
        for iterator in self._iterators.values():
            if hasattr(iterator, 'finalize'):
                iterator.finalize()

    def get_optimizer(self, name):
        """The optimizer registered as ``name`` (``'main'`` by default)."""
        return self._optimizers[name]

    def get_all_optimizers(self):
        """A dict ``{name: optimizer}``."""
        return dict(self._optimizers)

    def get_iterator(self, name):
        """The iterator registered as ``name``."""
        return self._iterators[name]

    def update(self):
        """Do one iteration and count it."""
        self.update_core()
        self.iteration += 1

    def update_core(self):
        """Read a batch, convert it, and let the optimizer take one step."""
        iterator = self._iterators['main']
        try:
            batch = iterator.next()
        except StopIteration:
            raise RuntimeError(
                "the training iterator 'main' ran out of examples after {} iterations "
                '(epoch {}): it was made with repeat=False, which goes through the data '
                'once and stops. A Trainer needs an iterator that repeats: make it with '
                'SerialIterator(dataset, batch_size) (repeat=True, the default) and let '
                'the stop trigger, e.g. (10, "epoch"), decide when training ends. '
                'repeat=False is for the Evaluator\'s iterator.'.format(
                    self.iteration, getattr(iterator, 'epoch', '?'))) from None
        in_arrays = self.converter(batch, self.device)
        optimizer = self._optimizers['main']
        loss_func = self.loss_func or optimizer.target
        if isinstance(in_arrays, tuple):
            optimizer.update(loss_func, *in_arrays)
        elif isinstance(in_arrays, dict):
            optimizer.update(loss_func, **in_arrays)
        else:
            optimizer.update(loss_func, in_arrays)
        if self.auto_new_epoch and iterator.is_new_epoch and hasattr(optimizer, 'new_epoch'):
            optimizer.new_epoch(auto=True)

    def serialize(self, serializer):
        """Save or load the iterators, optimizers, models and the iteration count."""
        for name, iterator in self._iterators.items():
            iterator.serialize(serializer['iterator:' + name])
        for name, optimizer in self._optimizers.items():
            optimizer.serialize(serializer['optimizer:' + name])
            optimizer.target.serialize(serializer['model:' + name])
        self.iteration = int(serializer('iteration', self.iteration))


def _move_link(link, device):
    if isinstance(device, str):
        device = -1 if device in ('@numpy', 'native', 'cpu') else int(
            device.partition(':')[2] or 0)
    if hasattr(device, 'send'):       # a device object
        link.to_device(device)
    elif device < 0:
        link.to_cpu()
    else:
        link.to_gpu(device)
