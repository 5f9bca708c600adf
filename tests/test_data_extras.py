"""converter/Converter, LabeledImageDataset, split_dataset_n_random, MicroAverage,
utils.cache.cached_property and utils.experimental."""
import os
import warnings

import numpy as np
import pytest

import teachgrad
import teachgrad.functions as F
from teachgrad import datasets, training
from teachgrad.dataset import Converter, concat_examples, converter, to_device
from teachgrad.training import extensions

from test_training import DummyUpdater


# -- converter ------------------------------------------------------------------------
def test_converter_decorator_makes_a_converter_that_the_updater_calls():
    calls = []

    @converter()
    def scaled(batch, device):
        calls.append(device)
        x, t = concat_examples(batch, device)
        return x * 2, t

    assert isinstance(scaled, Converter) and scaled.__name__ == 'scaled'
    assert scaled.base_callable.__name__ == 'scaled'
    x, t = scaled([(np.ones(2, np.float32), 1), (np.zeros(2, np.float32), 0)], None)
    np.testing.assert_array_equal(x, [[2., 2.], [0., 0.]])
    np.testing.assert_array_equal(t, [1, 0])
    assert calls == [None]
    scaled([(np.ones(2, np.float32), 1)], device=-1)
    # an int device reaches the function as the backend's device object where one exists
    if getattr(teachgrad.backend, 'get_device', None) is None:
        assert calls[-1] == -1
    else:
        assert hasattr(calls[-1], 'send') and calls[-1].xp is np


def test_converter_in_training_loop():
    from teachgrad import iterators, optimizers
    import teachgrad.links as L
    np.random.seed(0)
    data = datasets.TupleDataset(np.random.rand(8, 3).astype(np.float32),
                                 np.random.randint(0, 2, 8).astype(np.int32))
    seen = []

    @converter()
    def conv(batch, device):
        seen.append(len(batch))
        return concat_examples(batch, device)
    model = L.Classifier(L.Linear(3, 2))
    opt = optimizers.SGD()
    opt.setup(model)
    updater = training.updaters.StandardUpdater(
        iterators.SerialIterator(data, 4), opt, converter=conv)
    updater.update()
    assert seen == [4]


def test_converter_errors_teach():
    with pytest.raises(TypeError, match=r'converter\(\) decorates a function'):
        converter()(3)
    with pytest.raises(NotImplementedError, match='must define __call__'):
        Converter()([], None)


# -- LabeledImageDataset ----------------------------------------------------------------
def test_labeled_image_dataset_reads_png_and_npy(tmp_path):
    from PIL import Image
    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    Image.fromarray(rgb).save(str(tmp_path / 'rgb.png'))
    grey = np.array([[0, 255], [10, 20]], dtype=np.uint8)
    Image.fromarray(grey).save(str(tmp_path / 'grey.png'))
    np.save(str(tmp_path / 'raw.npy'), np.full((2, 2), 0.5))
    (tmp_path / 'list.txt').write_text('rgb.png 4\ngrey.png   7\n\nraw.npy 0\n')
    d = datasets.LabeledImageDataset(str(tmp_path / 'list.txt'), root=str(tmp_path))
    assert len(d) == 3
    image, label = d[0]
    assert image.shape == (3, 2, 3) and image.dtype == np.float32
    np.testing.assert_array_equal(image, rgb.transpose(2, 0, 1).astype(np.float32))
    assert label.shape == () and label.dtype == np.int32 and int(label) == 4
    image, label = d[1]
    np.testing.assert_array_equal(image, grey[None].astype(np.float32))
    assert int(label) == 7
    image, label = d[2]
    np.testing.assert_array_equal(image, np.full((1, 2, 2), 0.5, np.float32))
    d64 = datasets.LabeledImageDataset([('grey.png', 1)], root=str(tmp_path),
                                       dtype=np.float64, label_dtype=np.int64)
    assert d64[0][0].dtype == np.float64 and d64[0][1].dtype == np.int64
    # works with the iterator and converter like any dataset
    x, t = concat_examples([d[1], d[2]])
    assert x.shape == (2, 1, 2, 2) and t.tolist() == [7, 0]
    assert datasets.ImageDataset(['grey.png'], root=str(tmp_path))[0].shape == (1, 2, 2)


def test_labeled_image_dataset_errors_teach(tmp_path):
    (tmp_path / 'bad.txt').write_text('a.png 1\nb.png\n')
    with pytest.raises(ValueError, match=r"line 2 of .*bad.txt' reads 'b.png'; every line "
                                         'must be "path label"'):
        datasets.LabeledImageDataset(str(tmp_path / 'bad.txt'))
    (tmp_path / 'bad2.txt').write_text('a.png cat\n')
    with pytest.raises(ValueError, match="the label 'cat' is not an integer"):
        datasets.LabeledImageDataset(str(tmp_path / 'bad2.txt'))
    d = datasets.LabeledImageDataset([('missing.png', 0)], root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='relative to the root argument'):
        d[0]
    np.save(str(tmp_path / 'cube.npy'), np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match=r'has shape \(2, 2, 2, 2\); expected'):
        datasets.LabeledImageDataset([('cube.npy', 0)], root=str(tmp_path))[0]


# -- split_dataset_n_random -------------------------------------------------------------
def test_split_dataset_n_random():
    parts = datasets.split_dataset_n_random(list(range(11)), 3, seed=4)
    order = np.random.RandomState(4).permutation(11)
    assert [list(p) for p in parts] == [list(order[0:3]), list(order[3:6]), list(order[6:9])]
    flat = sum((list(p) for p in parts), [])
    assert len(set(flat)) == 9
    np.random.seed(2)
    a = [list(p) for p in datasets.split_dataset_n_random(list(range(6)), 2)]
    np.random.seed(2)
    assert a == [list(p) for p in datasets.split_dataset_n_random(list(range(6)), 2)]
    assert [list(p) for p in datasets.split_dataset_n(list('abcde'), 2)] == [['a', 'b'],
                                                                             ['c', 'd']]
    with pytest.raises(ValueError, match='n must be a positive integer'):
        datasets.split_dataset_n_random([1, 2], 0)


# -- MicroAverage -----------------------------------------------------------------------
def test_micro_average_in_a_trainer(tmp_path):
    # per iteration: (correct, total); 2 iterations per epoch
    reports = [(3, 4), (1, 2), (2, 2), (0, 4)]
    trainer = training.Trainer(DummyUpdater(2), (4, 'iteration'), out=str(tmp_path))

    @training.make_extension(priority=training.PRIORITY_WRITER)
    def model_reports(t):
        correct, total = reports[t.updater.iteration - 1]
        teachgrad.report({'main/correct': np.int64(correct), 'main/total': total})
    trainer.extend(model_reports)
    trainer.extend(extensions.MicroAverage('main/correct', 'main/total', 'main/accuracy'))
    log = extensions.LogReport(keys=['main/accuracy'])
    trainer.extend(log)
    trainer.run()
    assert [e['main/accuracy'] for e in log.log] == [4 / 6, 2 / 6]


def test_micro_average_accepts_variables_and_serializes():
    ext = extensions.MicroAverage('n', 'd', 'r', trigger=lambda t: False)

    class T:
        observation = {'n': teachgrad.Variable(np.array(2.)), 'd': np.float32(5)}
    ext(T)
    store = {}

    class Saver:
        def __call__(self, key, value):
            store[key] = value
            return value
    ext.serialize(Saver())
    assert store == {'_numerator': 2.0, '_denominator': 5.0}
    other = extensions.MicroAverage('n', 'd', 'r')
    other.serialize(lambda key, value: store[key])
    assert (other._numerator, other._denominator) == (2.0, 5.0)


def test_micro_average_errors_teach():
    ext = extensions.MicroAverage('n', 'd', 'r', trigger=lambda t: True)

    class T:
        observation = {'n': 1}
    with pytest.raises(KeyError, match="reported 'n' but not 'd'"):
        ext(T)
    T.observation = {'n': np.ones(3), 'd': 3}
    with pytest.raises(TypeError, match="'n' must be a single number"):
        ext(T)
    T.observation = {'n': 0, 'd': 0}
    with pytest.raises(ZeroDivisionError, match='summed to 0'):
        ext(T)


# -- utils.cache and utils.experimental ---------------------------------------------------
def test_cached_property_keeps_one_value_per_backprop_mode():
    from teachgrad.utils.cache import cached_property
    calls = []

    class C(object):
        def __init__(self, x):
            self.x = x

        @cached_property
        def y(self):
            calls.append(teachgrad.config.enable_backprop)
            return F.sigmoid(self.x)

    obj = C(teachgrad.Variable(np.array([2., 3.], np.float32)))
    first = obj.y
    assert obj.y is first and calls == [True]
    with teachgrad.no_backprop_mode():
        plain = obj.y
        assert obj.y is plain
    assert plain is not first and plain.creator is None and first.creator is not None
    assert calls == [True, False]
    F.sum(obj.y).backward()
    assert obj.x.grad is not None
    other = C(obj.x)
    assert other.y is not first          # per object
    with pytest.raises(AttributeError, match='cannot be assigned'):
        obj.y = 1
    assert C.y.__name__ == 'y'


def test_experimental_warns_future_warning_and_can_be_silenced():
    from teachgrad import utils

    def f():
        utils.experimental('teachgrad.foo.f')
    with pytest.warns(FutureWarning, match='teachgrad.foo.f is experimental. The interface '
                                           'can change in the future.'):
        f()
    teachgrad.disable_experimental_feature_warning = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            f()
    finally:
        teachgrad.disable_experimental_feature_warning = False
    with pytest.raises(TypeError, match='name of the API as a string'):
        utils.experimental(f)


# -- StandardUpdater with named optimizers (the DCGAN example) ---------------------------
def test_updater_subclass_with_named_optimizers_and_no_main():
    from teachgrad import iterators, optimizers
    import teachgrad.links as L
    gen, dis = L.Linear(2, 2), L.Linear(2, 1)
    opts = {}
    for name, link in (('gen', gen), ('dis', dis)):
        opts[name] = optimizers.SGD(lr=0.1)
        opts[name].setup(link)

    class GANUpdater(training.updaters.StandardUpdater):
        def update_core(self):
            batch = self.get_iterator('main').next()
            x = concat_examples(batch)
            for name, link in (('gen', gen), ('dis', dis)):
                self.get_optimizer(name).update(lambda: F.sum(dis(gen(x))))

    data = [np.ones(2, np.float32)] * 4
    updater = GANUpdater(iterators.SerialIterator(data, 2), opts)
    w0 = gen.W.array.copy()
    updater.update()
    assert updater.iteration == 1 and not np.array_equal(gen.W.array, w0)
    with pytest.raises(ValueError, match=r"iterator named 'main'.*\['train'\]"):
        training.updaters.StandardUpdater({'train': iterators.SerialIterator(data, 2)}, opts)
