"""The ImageNet networks of links/model/vision: VGG16/19 and ResNet-50/101/152.

The expected parameter names and shapes below are written out from the
published architectures (as Chainer names them), independently of the code
under test, so that a Chainer-converted .npz loads into these links.
"""
import collections
import os
import shutil
import sys

import numpy as np
import pytest

import teachgrad
import teachgrad.links as L
from teachgrad import initializers
from teachgrad import serializers
from teachgrad.dataset import download
from teachgrad.links.model.vision import pretrained, resnet, vgg

CHAINER_RESNET_TEXT = (
    "The pre-trained caffemodel does not exist. Please download it from "
    "'https://github.com/KaimingHe/deep-residual-networks', and place it on ")

VGG16_STAGES = [
    'conv1_1', 'conv1_2', 'pool1', 'conv2_1', 'conv2_2', 'pool2',
    'conv3_1', 'conv3_2', 'conv3_3', 'pool3', 'conv4_1', 'conv4_2', 'conv4_3', 'pool4',
    'conv5_1', 'conv5_2', 'conv5_3', 'pool5', 'fc6', 'fc7', 'fc8', 'prob']
RESNET_STAGES = ['conv1', 'pool1', 'res2', 'res3', 'res4', 'res5', 'pool5', 'fc6', 'prob']


def expected_vgg_params(n_layers):
    convs = {16: [2, 2, 3, 3, 3], 19: [2, 2, 4, 4, 4]}[n_layers]
    widths = [64, 128, 256, 512, 512]
    shapes, c_in = {}, 3
    for block, (count, c_out) in enumerate(zip(convs, widths), start=1):
        for i in range(1, count + 1):
            shapes['/conv{}_{}/W'.format(block, i)] = (c_out, c_in, 3, 3)
            shapes['/conv{}_{}/b'.format(block, i)] = (c_out,)
            c_in = c_out
    for name, n_in, n_out in [('fc6', 25088, 4096), ('fc7', 4096, 4096), ('fc8', 4096, 1000)]:
        shapes['/{}/W'.format(name)] = (n_out, n_in)
        shapes['/{}/b'.format(name)] = (n_out,)
    return shapes


def expected_resnet_params(n_layers):
    blocks = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}[n_layers]
    shapes = {'/conv1/W': (64, 3, 7, 7), '/conv1/b': (64,),
              '/fc6/W': (1000, 2048), '/fc6/b': (1000,)}

    def conv_bn(prefix, i, c_out, c_in, k):
        shapes['{}/conv{}/W'.format(prefix, i)] = (c_out, c_in, k, k)
        shapes['{}/bn{}/gamma'.format(prefix, i)] = (c_out,)
        shapes['{}/bn{}/beta'.format(prefix, i)] = (c_out,)

    conv_bn('', 1, 64, 3, 7)
    c_in = 64
    for stage, (count, mid) in enumerate(zip(blocks, [64, 128, 256, 512]), start=2):
        out = 4 * mid
        for j in range(count):
            prefix = '/res{}/{}'.format(stage, 'a' if j == 0 else 'b{}'.format(j))
            conv_bn(prefix, 1, mid, c_in, 1)
            conv_bn(prefix, 2, mid, mid, 3)
            conv_bn(prefix, 3, out, mid, 1)
            if j == 0:
                conv_bn(prefix, 4, out, c_in, 1)
            c_in = out
    return shapes


def _build_cheaply(cls, *args):
    # The architecture is what these tests look at: zeros instead of 138
    # million random draws keep them quick.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(initializers, 'Normal', lambda scale: initializers.Zero())
        mp.setattr(initializers, 'HeNormal', lambda scale: initializers.Zero())
        return cls(*args)


@pytest.fixture(scope='module')
def vgg16():
    return _build_cheaply(L.VGG16Layers, None)


@pytest.fixture(scope='module')
def resnet50():
    np.random.seed(0)
    return L.ResNet50Layers(pretrained_model=None)


@pytest.fixture
def dataset_root(tmp_path):
    download.set_dataset_root(str(tmp_path))
    yield tmp_path
    download.set_dataset_root(None)


def _shapes(model):
    return {name: p.shape for name, p in model.namedparams()}


# --- architecture -----------------------------------------------------------

def test_vgg16_parameters_are_chainers(vgg16):
    assert _shapes(vgg16) == expected_vgg_params(16)
    assert vgg16.count_params() == 138357544
    assert all(p.dtype == np.float32 for p in vgg16.params())


def test_vgg19_parameters_are_chainers():
    model = _build_cheaply(L.VGG19Layers, None)
    assert _shapes(model) == expected_vgg_params(19)
    assert model.count_params() == 143667240
    assert model.available_layers == (
        VGG16_STAGES[:9] + ['conv3_4', 'pool3', 'conv4_1', 'conv4_2', 'conv4_3', 'conv4_4',
                            'pool4', 'conv5_1', 'conv5_2', 'conv5_3', 'conv5_4', 'pool5']
        + VGG16_STAGES[18:])


def test_resnet50_parameters_and_persistents_are_chainers(resnet50):
    assert _shapes(resnet50) == expected_resnet_params(50)
    # torchvision's 25,557,032 plus the 64 biases of conv1, which Chainer's has.
    assert resnet50.count_params() == 25557096
    bn = resnet50.res4.b5.bn2
    assert (bn.avg_mean.shape, bn.avg_var.shape, bn.N) == ((256,), (256,), 0)
    assert resnet50.res4._forward == ['a', 'b1', 'b2', 'b3', 'b4', 'b5']


@pytest.mark.parametrize('cls, n_layers, count', [
    (L.ResNet101Layers, 101, 44549224), (L.ResNet152Layers, 152, 60192872)])
def test_deeper_resnets_parameters(cls, n_layers, count):
    model = _build_cheaply(cls, None)
    assert _shapes(model) == expected_resnet_params(n_layers)
    assert model.count_params() == count


def test_functions_is_an_ordered_table_of_callables(vgg16, resnet50):
    for model, stages in [(vgg16, VGG16_STAGES), (resnet50, RESNET_STAGES)]:
        assert isinstance(model.functions, collections.OrderedDict)
        assert list(model.functions) == stages == model.available_layers
        assert all(isinstance(f, list) and all(callable(g) for g in f)
                   for f in model.functions.values())
    assert vgg16.functions['conv1_1'][0] is vgg16.conv1_1
    assert vgg16.functions['fc6'][0] is vgg16.fc6 and len(vgg16.functions['fc6']) == 3
    assert resnet50.functions['conv1'][:2] == [resnet50.conv1, resnet50.bn1]
    assert resnet50.functions['res3'] == [resnet50.res3]


def test_downsampling_goes_on_the_1x1_or_the_3x3_convolution():
    msra = resnet.BottleneckA(4, 2, 8, stride=2)
    fb = resnet.BottleneckA(4, 2, 8, stride=2, downsample_fb=True)
    assert (msra.conv1.stride, msra.conv2.stride, msra.conv4.stride) == ((2, 2), (1, 1), (2, 2))
    assert (fb.conv1.stride, fb.conv2.stride, fb.conv4.stride) == ((1, 1), (2, 2), (2, 2))


def test_random_initial_weights_follow_the_papers(resnet50):
    w = resnet50.res5.a.conv2.W.data            # fan_in 512 * 3 * 3
    assert abs(w.std() - np.sqrt(2.0 / (512 * 9))) < 0.02 * np.sqrt(2.0 / (512 * 9))
    assert resnet50.conv1.b.data.tolist() == [0.0] * 64
    assert resnet50.res2.a.bn1.gamma.data.tolist() == [1.0] * 64


def test_bad_n_layers():
    with pytest.raises(ValueError, match='16 or 19'):
        vgg.VGGLayers(None, n_layers=11)
    with pytest.raises(ValueError, match='50, 101 or 152'):
        resnet.ResNetLayers(None, 34)


# --- pretrained_model -------------------------------------------------------

def test_resnet_auto_without_the_file_raises_chainers_oserror(dataset_root):
    with pytest.raises(OSError) as info:
        L.ResNet152Layers()
    message = str(info.value)
    caffemodel = os.path.join(str(dataset_root), 'pfnet', 'chainer', 'models',
                              'ResNet-152-model.caffemodel')
    assert message.startswith(CHAINER_RESNET_TEXT + caffemodel + '\n')
    assert 'convert_caffemodel_to_npz' in message and 'pretrained_model=None' in message
    assert os.listdir(str(dataset_root)) == []          # nothing was created


def test_resnet_with_caffemodel_but_no_npz_says_it_cannot_convert(dataset_root):
    models = dataset_root / 'pfnet' / 'chainer' / 'models'
    models.mkdir(parents=True)
    (models / 'ResNet-50-model.caffemodel').write_bytes(b'not read')
    with pytest.raises(OSError, match='teachgrad cannot convert it'):
        L.ResNet50Layers()


def test_vgg_auto_without_the_file_raises_oserror(dataset_root):
    with pytest.raises(OSError) as info:
        L.VGG16Layers()
    message = str(info.value)
    path = os.path.join(str(dataset_root), 'pfnet', 'chainer', 'models',
                        'VGG_ILSVRC_16_layers.npz')
    assert message.startswith('The pre-trained model VGG_ILSVRC_16_layers.npz does not '
                              'exist at ' + path)
    assert 'does not download' in message and 'pretrained_model=None' in message
    with pytest.raises(OSError, match='VGG_ILSVRC_19_layers.npz'):
        L.VGG19Layers()
    assert os.listdir(str(dataset_root)) == []


def test_missing_path_raises_oserror(tmp_path):
    with pytest.raises(OSError, match='no such file'):
        L.ResNet50Layers(pretrained_model=str(tmp_path / 'nothing.npz'))


def _randomize(model):
    rng = np.random.RandomState(1)
    for p in model.params():
        p.data[...] = rng.standard_normal(p.shape)
    for link in model.links():
        if isinstance(link, L.BatchNormalization):
            link.avg_mean[...] = rng.standard_normal(link.avg_mean.shape)
            link.avg_var[...] = rng.uniform(0.5, 2, link.avg_var.shape)
            link.N = 3


def test_npz_round_trip_exact_by_path_and_by_auto(resnet50, tmp_path, dataset_root):
    source = resnet50.copy(mode='copy')
    _randomize(source)
    path = str(tmp_path / 'r50.npz')
    serializers.save_npz(path, source, compression=False)
    models = dataset_root / 'pfnet' / 'chainer' / 'models'
    models.mkdir(parents=True)
    shutil.copy(path, str(models / 'ResNet-50-model.npz'))
    for loaded in (L.ResNet50Layers(pretrained_model=path), L.ResNet50Layers(),
                   L.ResNet50Layers(pretrained_model=tmp_path / 'r50.npz')):
        got = dict(loaded.namedparams())
        for name, p in source.namedparams():
            np.testing.assert_array_equal(got[name].data, p.data)
            assert got[name].dtype == np.float32
        bn = loaded.res3.b2.bn3
        np.testing.assert_array_equal(bn.avg_var, source.res3.b2.bn3.avg_var)
        assert bn.N == 3


def test_npz_of_another_depth_is_refused(resnet50, tmp_path):
    path = str(tmp_path / 'r50.npz')
    serializers.save_npz(path, resnet50, compression=False)
    with pytest.raises(serializers.SerializationError, match='res4/b6'):
        L.ResNet101Layers(pretrained_model=path)


@pytest.mark.slow
def test_vgg_loads_a_chainer_style_npz(tmp_path):
    # A Chainer-converted VGG file holds exactly conv*/W, conv*/b, fc*/W, fc*/b.
    shapes = expected_vgg_params(16)
    rng = np.random.RandomState(0)
    arrays = {name[1:]: np.full(shape, rng.standard_normal(), dtype=np.float32)
              for name, shape in shapes.items()}
    path = str(tmp_path / 'VGG_ILSVRC_16_layers.npz')
    np.savez(path, **arrays)
    model = L.VGG16Layers(pretrained_model=path)
    for name, p in model.namedparams():
        np.testing.assert_array_equal(p.data, arrays[name[1:]])


def test_convert_caffemodel_is_not_available():
    with pytest.raises(NotImplementedError, match='cannot read .caffemodel'):
        L.ResNet50Layers.convert_caffemodel_to_npz('a.caffemodel', 'a.npz')


# --- forward ----------------------------------------------------------------

def test_resnet_forward_returns_the_asked_layers(resnet50):
    x = np.random.RandomState(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    with teachgrad.using_config('train', False):
        out = resnet50(x, layers=['conv1', 'res3', 'pool5', 'prob'])
        default = resnet50(x)
    assert sorted(out) == ['conv1', 'pool5', 'prob', 'res3']
    assert out['conv1'].shape == (2, 64, 16, 16)
    assert out['res3'].shape == (2, 512, 4, 4)
    assert out['pool5'].shape == (2, 2048)
    assert out['prob'].dtype == np.float32
    np.testing.assert_allclose(out['prob'].data.sum(axis=1), 1, rtol=1e-5)
    assert list(default) == ['prob']
    np.testing.assert_array_equal(default['prob'].data, out['prob'].data)


def test_forward_stops_after_the_last_asked_layer():
    model = L.ResNet50Layers(pretrained_model=None)
    x = np.random.RandomState(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    model(x, layers=['conv1'])                 # training mode: batch norms learn
    assert model.bn1.avg_mean.any()
    assert not model.res2.a.bn1.avg_mean.any()


def test_forward_is_the_functions_applied_in_order(resnet50):
    x = np.random.RandomState(2).standard_normal((1, 3, 32, 32)).astype(np.float32)
    with teachgrad.using_config('train', False):
        h = x
        for funcs in resnet50.functions.values():
            for f in funcs:
                h = f(h)
        np.testing.assert_array_equal(resnet50(x)['prob'].data, h.data)


def test_vgg_forward_on_small_images_up_to_pool5(vgg16):
    x = np.ones((1, 3, 32, 32), dtype=np.float32)
    out = vgg16(x, layers=['conv1_1', 'pool1', 'pool5'])
    assert {k: v.shape for k, v in out.items()} == {
        'conv1_1': (1, 64, 32, 32), 'pool1': (1, 64, 16, 16), 'pool5': (1, 512, 1, 1)}
    with pytest.raises(ValueError, match=r'224x224.*\(512, 1, 1\)'):
        vgg16(x, layers=['fc7'])


def test_unknown_layer_names_are_listed(resnet50):
    x = np.zeros((1, 3, 32, 32), dtype=np.float32)
    with pytest.raises(ValueError) as info:
        resnet50(x, layers=['pool5', 'fc7', 'res9'])
    assert "no layer named 'fc7', 'res9'" in str(info.value)
    assert 'conv1, pool1, res2' in str(info.value)
    with pytest.raises(TypeError, match=r"\['pool5'\]"):
        resnet50(x, layers='pool5')


def test_wrong_input_shapes_are_explained(resnet50):
    with pytest.raises(ValueError, match=r'\(batch, 3, height, width\).*\(3, 32, 32\).*x\[None\]'):
        resnet50(np.zeros((3, 32, 32), dtype=np.float32))
    with pytest.raises(ValueError, match=r'\(1, 32, 32, 3\)'):
        resnet50(np.zeros((1, 32, 32, 3), dtype=np.float32))
    with pytest.raises(ValueError, match='using_config'):
        resnet50(np.zeros((1, 3, 32, 32), dtype=np.float32), test=True)


# --- prepare, extract, predict -----------------------------------------------

IMAGE = np.array([[[10, 20, 30], [40, 50, 60]],
                  [[70, 80, 90], [200, 210, 220]]], dtype=np.uint8)   # 2x2, RGB


def test_prepare_converts_to_bgr_minus_the_mean():
    out = vgg.prepare(IMAGE, size=None)
    assert out.shape == (3, 2, 2) and out.dtype == np.float32
    mean = np.array([103.939, 116.779, 123.68], dtype=np.float32)
    expected = IMAGE[:, :, ::-1].astype(np.float32) - mean
    np.testing.assert_array_equal(out, expected.transpose(2, 0, 1))
    r = resnet.prepare(IMAGE, size=None)
    np.testing.assert_array_equal(
        r[:, 1, 1], np.float32([220, 210, 200]) - np.float32([103.063, 115.903, 123.152]))


def test_prepare_accepts_the_usual_layouts_and_pil():
    from PIL import Image
    hwc = vgg.prepare(IMAGE, size=None)
    np.testing.assert_array_equal(vgg.prepare(IMAGE.transpose(2, 0, 1), size=None), hwc)
    np.testing.assert_array_equal(vgg.prepare(Image.fromarray(IMAGE), size=None), hwc)
    grey = vgg.prepare(IMAGE[:, :, 0], size=None)
    np.testing.assert_array_equal(grey[0] + 103.939, grey[2] + 123.68)
    with teachgrad.using_config('dtype', np.float64):
        assert vgg.prepare(IMAGE, size=None).dtype == np.float64


def test_prepare_resizes_to_pils_width_height():
    image = np.full((6, 8, 3), [50, 100, 150], dtype=np.uint8)
    out = resnet.prepare(image, size=(4, 2))        # PIL's (width, height)
    assert out.shape == (3, 2, 4)
    np.testing.assert_allclose(out[:, 0, 0], np.float32([150, 100, 50]) - np.float32(
        [103.063, 115.903, 123.152]), rtol=0, atol=1e-6)
    assert vgg.prepare(image).shape == (3, 224, 224)


def test_prepare_rejects_what_is_not_a_picture():
    with pytest.raises(ValueError, match=r'\(height, width, 3\).*\(2, 2, 2, 2\)'):
        vgg.prepare(np.zeros((2, 2, 2, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match='0 to 255.*multiply it by 255'):
        vgg.prepare(np.full((4, 4, 3), 300.))
    with pytest.raises(TypeError, match='PIL image or a numpy array, not list'):
        vgg.prepare([[1, 2], [3, 4]])


def test_prepare_without_pillow_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, 'PIL', None)
    with pytest.raises(ImportError, match='pip install Pillow'):
        vgg.prepare(IMAGE)


def test_extract_prepares_and_forwards(resnet50):
    images = [IMAGE, IMAGE[::-1]]
    with teachgrad.using_config('train', False):
        out = resnet50.extract(images, size=(32, 32))
        x = np.stack([resnet.prepare(image, size=(32, 32)) for image in images])
        direct = resnet50(x, layers=['pool5'])['pool5']
    assert list(out) == ['pool5'] and out['pool5'].shape == (2, 2048)
    np.testing.assert_array_equal(out['pool5'].data, direct.data)
    with pytest.raises(ValueError, match='different sizes'):
        resnet50.extract([IMAGE, np.zeros((3, 3, 3), np.uint8)], size=None)
    with pytest.raises(ValueError, match='no layer named'):
        resnet50.extract([IMAGE], layers=['fc7'])


def test_oversample_takes_corners_centre_and_mirrors():
    x = np.arange(2 * 16, dtype=np.float32).reshape(2, 1, 4, 4)
    crops = pretrained.oversample(x, (2, 2))
    assert crops.shape == (20, 1, 2, 2)
    np.testing.assert_array_equal(crops[0, 0], [[0, 1], [4, 5]])
    np.testing.assert_array_equal(crops[3, 0], [[10, 11], [14, 15]])
    np.testing.assert_array_equal(crops[4, 0], [[5, 6], [9, 10]])
    np.testing.assert_array_equal(crops[5:10], crops[0:5, :, :, ::-1])
    np.testing.assert_array_equal(crops[10, 0], [[16, 17], [20, 21]])


class TinyNet(pretrained.PretrainedLayers):
    """Mean colour of each channel -> 4 class scores: predict's bookkeeping
    without a big network's cost."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.fc = L.Linear(3, 4, initialW=np.arange(12, dtype=np.float32).reshape(4, 3) / 50)

    @property
    def functions(self):
        return collections.OrderedDict([
            ('pool', [lambda x: teachgrad.functions.mean(x, axis=(2, 3))]),
            ('fc', [self.fc]),
            ('prob', [teachgrad.functions.softmax])])


def test_predict_averages_the_ten_crops():
    rng = np.random.RandomState(3)
    images = [rng.randint(0, 256, (40, 50, 3)).astype(np.uint8) for _ in range(2)]
    net = TinyNet()
    y = net.predict(images)
    assert y.shape == (2, 4) and y.creator is None          # no graph kept
    x = np.stack([net._prepare(image, (256, 256)) for image in images])
    probs = net(pretrained.oversample(x, (224, 224)))['prob'].data.reshape(2, 10, 4)
    np.testing.assert_allclose(y.data, probs.mean(axis=1), rtol=1e-6)
    centre = net.predict(images, oversample=False)
    np.testing.assert_allclose(centre.data, probs[:, 4], rtol=1e-6)


def test_resnet_predict_is_in_test_mode(resnet50):
    image = np.random.RandomState(3).randint(0, 256, (40, 50, 3)).astype(np.uint8)
    before = resnet50.bn1.avg_mean.copy()
    y = resnet50.predict([image], oversample=False)
    assert y.shape == (1, 1000) and y.creator is None
    np.testing.assert_array_equal(resnet50.bn1.avg_mean, before)
    x = resnet.prepare(image, (256, 256))[None, :, 16:240, 16:240]
    with teachgrad.using_config('train', False):
        np.testing.assert_array_equal(y.data, resnet50(x)['prob'].data)


def test_chainer_paths():
    assert L.model.vision.vgg.prepare is vgg.prepare
    assert L.model.vision.resnet.prepare is resnet.prepare
    assert L.model.vision.resnet.ResNet50Layers is L.ResNet50Layers
    assert L.model.vision.vgg.VGG16Layers is L.VGG16Layers


# --- the full-size networks, slow on a small machine ------------------------

@pytest.mark.slow
def test_vgg16_random_weights_and_a_224_forward():
    np.random.seed(0)
    model = L.VGG16Layers(pretrained_model=None)
    assert abs(model.fc6.W.data.std() - 0.01) < 1e-4
    assert not model.fc6.b.data.any()
    image = np.random.RandomState(0).randint(0, 256, (224, 224, 3)).astype(np.uint8)
    with teachgrad.using_config('train', False):
        out = model.extract([image], layers=['fc7', 'prob'])
    assert out['fc7'].shape == (1, 4096) and out['prob'].shape == (1, 1000)
    np.testing.assert_allclose(out['prob'].data.sum(), 1, rtol=1e-5)


# --- GoogLeNet --------------------------------------------------------------

GOOGLENET_STAGES = [
    'conv1', 'pool1', 'conv2_reduce', 'conv2', 'pool2', 'inception_3a', 'inception_3b',
    'pool3', 'inception_4a', 'inception_4b', 'inception_4c', 'inception_4d', 'inception_4e',
    'pool4', 'inception_5a', 'inception_5b', 'pool5', 'loss3_fc', 'prob', 'loss1_fc2',
    'loss2_fc2']


def expected_googlenet_params():
    shapes = {}

    def conv(name, c_out, c_in, k):
        shapes['/{}/W'.format(name)] = (c_out, c_in, k, k)
        shapes['/{}/b'.format(name)] = (c_out,)

    def fc(name, n_out, n_in):
        shapes['/{}/W'.format(name)] = (n_out, n_in)
        shapes['/{}/b'.format(name)] = (n_out,)

    conv('conv1', 64, 3, 7)
    conv('conv2_reduce', 64, 64, 1)
    conv('conv2', 192, 64, 3)
    c_in = 192
    for name, out1, p3, out3, p5, out5, pp in [
            ('3a', 64, 96, 128, 16, 32, 32), ('3b', 128, 128, 192, 32, 96, 64),
            ('4a', 192, 96, 208, 16, 48, 64), ('4b', 160, 112, 224, 24, 64, 64),
            ('4c', 128, 128, 256, 24, 64, 64), ('4d', 112, 144, 288, 32, 64, 64),
            ('4e', 256, 160, 320, 32, 128, 128), ('5a', 256, 160, 320, 32, 128, 128),
            ('5b', 384, 192, 384, 48, 128, 128)]:
        conv('inc{}/conv1'.format(name), out1, c_in, 1)
        conv('inc{}/proj3'.format(name), p3, c_in, 1)
        conv('inc{}/conv3'.format(name), out3, p3, 3)
        conv('inc{}/proj5'.format(name), p5, c_in, 1)
        conv('inc{}/conv5'.format(name), out5, p5, 5)
        conv('inc{}/projp'.format(name), pp, c_in, 1)
        c_in = out1 + out3 + out5 + pp
    assert c_in == 1024
    fc('loss3_fc', 1000, 1024)
    for side, c in (('loss1', 512), ('loss2', 528)):
        conv(side + '_conv', 128, c, 1)
        fc(side + '_fc1', 1024, 2048)
        fc(side + '_fc2', 1000, 1024)
    return shapes


@pytest.fixture(scope='module')
def googlenet():
    np.random.seed(0)
    return L.GoogLeNet(pretrained_model=None)


def test_googlenet_parameters_are_chainers(googlenet):
    expected = expected_googlenet_params()
    assert _shapes(googlenet) == expected
    assert googlenet.count_params() == sum(int(np.prod(s)) for s in expected.values()) \
        == 13378280
    assert googlenet.available_layers == GOOGLENET_STAGES
    w = googlenet.conv2.W.data                    # LeCunUniform: U(-s, s), s = sqrt(3 / fan_in)
    s = np.sqrt(3.0 / (64 * 9))
    assert w.max() <= s and w.min() >= -s and w.max() > 0.95 * s


def test_googlenet_forward_and_side_classifiers(googlenet):
    x = np.random.RandomState(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    with teachgrad.using_config('train', False):
        out = googlenet(x, layers=['inception_4a', 'inception_4d', 'pool5', 'prob',
                                   'loss1_fc2', 'loss2_fc2'])
        assert {k: v.shape for k, v in out.items()} == {
            'inception_4a': (1, 512, 14, 14), 'inception_4d': (1, 528, 14, 14),
            'pool5': (1, 1024, 1, 1), 'prob': (1, 1000), 'loss1_fc2': (1, 1000),
            'loss2_fc2': (1, 1000)}
        for side, source in (('loss1_fc2', 'inception_4a'), ('loss2_fc2', 'inception_4d')):
            h = out[source]
            for f in googlenet.functions[side]:
                h = f(h)
            np.testing.assert_array_equal(out[side].data, h.data)
    assert list(googlenet(x[:, :, :, :]).keys()) == ['prob']
    with pytest.raises(ValueError, match=r'pool5 takes .*\(1024, 7, 7\).*224x224.*\(1024, 2, 2\)'):
        googlenet(x[:, :, :64, :64], layers=['prob'])
    with pytest.raises(ValueError, match='using_config'):
        googlenet(x, train=False)


def test_googlenet_auto_without_the_file_raises_oserror(dataset_root):
    with pytest.raises(OSError) as info:
        L.GoogLeNet()
    assert str(info.value).startswith(
        'The pre-trained model bvlc_googlenet.npz does not exist at '
        + os.path.join(str(dataset_root), 'pfnet', 'chainer', 'models', 'bvlc_googlenet.npz'))
    assert os.listdir(str(dataset_root)) == []


def test_googlenet_npz_round_trip(googlenet, tmp_path, dataset_root):
    models = dataset_root / 'pfnet' / 'chainer' / 'models'
    models.mkdir(parents=True)
    serializers.save_npz(str(models / 'bvlc_googlenet.npz'), googlenet, compression=False)
    loaded = L.GoogLeNet()
    got = dict(loaded.namedparams())
    for name, p in googlenet.namedparams():
        np.testing.assert_array_equal(got[name].data, p.data)


def test_googlenet_prepare_and_inception_block():
    from teachgrad.links.model.vision import googlenet
    image = np.full((4, 5, 3), [123, 117, 104], dtype=np.uint8)
    np.testing.assert_array_equal(googlenet.prepare(image, size=None), np.zeros((3, 4, 5)))
    assert L.model.vision.googlenet.prepare is googlenet.prepare
    block = googlenet.Inception(3, 2, 2, 4, 1, 2, 2)
    x = np.random.RandomState(0).standard_normal((1, 3, 5, 5)).astype(np.float32)
    y = block(x).data
    np.testing.assert_array_equal(y[:, :2], np.maximum(block.conv1(x).data, 0))
    pooled = teachgrad.functions.max_pooling_2d(x, 3, stride=1, pad=1)
    np.testing.assert_array_equal(y[:, 8:], np.maximum(block.projp(pooled).data, 0))
