"""What the ready-made image networks (VGG, ResNet, GoogLeNet) share.

Each network is a :class:`~teachgrad.Chain` whose ``functions`` property
lists its stages in order, each a name and the callables that make it
(``'conv1_1': [self.conv1_1, F.relu]``). ``forward(x, layers=[...])`` runs
the stages one after the other and keeps the outputs of the named ones, so
one call can return a picture's early edges (``conv1_1``), its abstract
features (``fc7``, ``pool5``) and the class probabilities (``prob``).

The trained weights come as a ``.npz`` file made by Chainer from the
authors' Caffe files. teachgrad looks for it where Chainer keeps it
(``<dataset root>/pfnet/chainer/models``), so a Chainer cache on the same
machine is reused, but never downloads or converts it: reading Caffe's
format is not part of a small framework.

>>> import numpy as np
>>> image = np.zeros((2, 2, 3), dtype=np.uint8)           # height, width, RGB
>>> prepare_image(image, None, mean=(1., 2., 3.)).shape   # channels first
(3, 2, 2)
>>> oversample(np.zeros((1, 3, 4, 4), 'f'), (2, 2)).shape   # 5 crops, mirrored
(10, 3, 2, 2)
"""
import os

import numpy

from teachgrad import backend
from teachgrad.chain import Chain
from teachgrad.configuration import no_backprop_mode, using_config
from teachgrad.dataset import download
from teachgrad.dataset.convert import concat_examples
from teachgrad.serializers import npz
from teachgrad.variable import Variable

#: Where Chainer stores converted models, under the dataset root.
MODELS_DIR = 'pfnet/chainer/models'


def model_path(filename):
    """Where the converted model ``filename`` is looked for (nothing is created).

    >>> model_path('ResNet-50-model.npz').endswith(
    ...     os.path.join('pfnet', 'chainer', 'models', 'ResNet-50-model.npz'))
    True
    """
    return os.path.join(
        download.get_dataset_directory(MODELS_DIR, create_directory=False), filename)


def _pil_image():
    # Pillow is needed only to read and resize pictures, so it is imported
    # here and not when teachgrad.links is.
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            'prepare() needs Pillow to convert and resize pictures, and it could not '
            'be imported ({}). Install it with "pip install Pillow", or give the '
            'network an array you prepared yourself: float32, shape (3, height, '
            'width), BGR channel order, the mean colour subtracted.'.format(e)) from e
    return Image


def prepare_image(image, size, mean):
    """Turn a picture into the array a network trained in Caffe expects.

    The picture (a PIL image, or a uint8-range array of shape (height, width),
    (height, width, channels) or (channels, height, width), channels in RGB
    order; a 3-D array whose first axis has length 1 or 3 is taken as
    channels first) is made RGB, resized to ``size`` (PIL's (width, height); None
    keeps it), turned into BGR order, has ``mean`` (B, G, R) subtracted and
    is returned as a float array (``teachgrad.config.dtype``) of shape
    (3, height, width).

    >>> import numpy as np
    >>> image = np.full((2, 2, 3), [10, 20, 30], dtype=np.uint8)   # 2x2, RGB
    >>> prepare_image(image, None, mean=(1., 2., 3.))[:, 0, 0]     # B, G, R
    array([29., 18.,  7.], dtype=float32)
    """
    Image = _pil_image()
    dtype = backend.get_dtype()
    if isinstance(image, numpy.ndarray):
        image = Image.fromarray(_as_hwc_uint8(image))
    elif not isinstance(image, Image.Image):
        raise TypeError(
            'prepare() takes a PIL image or a numpy array, not {}. Open a file with '
            'PIL.Image.open(path), or pass numpy.asarray(picture).'.format(
                type(image).__name__))
    image = image.convert('RGB')
    if size:
        image = image.resize(tuple(size))
    array = numpy.asarray(image, dtype=dtype)[:, :, ::-1]
    array = array - numpy.asarray(mean, dtype=dtype)
    return numpy.ascontiguousarray(array.transpose(2, 0, 1))


def _as_hwc_uint8(image):
    # A 3-D array with 1 or 3 channels first is (channels, height, width);
    # any other 3-D array has its channels last.
    if image.ndim == 3 and image.shape[0] == 1:
        image = image[0]
    elif image.ndim == 3 and image.shape[0] == 3:
        image = image.transpose(1, 2, 0)
    elif image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))):
        raise ValueError(
            'prepare() needs a picture of shape (height, width), (height, width, 3) '
            'or (3, height, width) with RGB channels, but got an array of shape {}. '
            'For a batch of pictures call prepare() on each one.'.format(image.shape))
    if image.size and (image.min() < 0 or image.max() > 255):
        raise ValueError(
            'prepare() needs pixel values from 0 to 255, but this picture has values '
            'from {} to {}. If it was scaled to 0..1, multiply it by 255 first.'.format(
                image.min(), image.max()))
    return image.astype(numpy.uint8)


def oversample(images, crop_dims):
    """Ten crops of each image: four corners and the centre, then each mirrored.

    ``images`` has shape (n, channels, height, width); the result has shape
    (10 n, channels) + crop_dims, the ten crops of each image together.

    >>> import numpy as np
    >>> x = np.arange(9, dtype=np.float32).reshape(1, 1, 3, 3)
    >>> oversample(x, (2, 2))[[0, 4, 5], 0]     # top-left, centre, mirrored top-left
    array([[[0., 1.],
            [3., 4.]],
    <BLANKLINE>
           [[0., 1.],
            [3., 4.]],
    <BLANKLINE>
           [[1., 0.],
            [4., 3.]]], dtype=float32)
    """
    h, w = images.shape[2:]
    ch, cw = crop_dims
    if ch > h or cw > w:
        raise ValueError('cannot crop {} out of images of size {}'.format(
            (ch, cw), (h, w)))
    corners = [(0, 0), (0, w - cw), (h - ch, 0), (h - ch, w - cw),
               (int(h / 2.0 - ch / 2.0), int(w / 2.0 - cw / 2.0))]
    crops = []
    for image in images:
        five = [image[:, y:y + ch, x:x + cw] for y, x in corners]
        crops.extend(five)
        crops.extend(c[:, :, ::-1] for c in five)
    return numpy.stack(crops)


def missing_model_error(path, first_sentence):
    """The OSError raised when a converted model is not where ``'auto'`` looks.

    >>> str(missing_model_error('/m/VGG.npz', 'No model here.')).splitlines()[0]
    'No model here.'
    """
    return OSError(
        first_sentence + '\n'
        'teachgrad reads only the converted .npz file and never downloads or '
        'converts weights itself. To get it, convert the model on a machine with '
        'Chainer (and Caffe\'s model reader) as shown above, and copy the .npz to {} '
        '(the dataset root is $TEACHGRAD_DATASET_ROOT or $CHAINER_DATASET_ROOT, '
        'or set it with teachgrad.dataset.set_dataset_root), or pass the file\'s '
        'path as pretrained_model=. To train from random weights instead, pass '
        'pretrained_model=None.'.format(path))


class PretrainedLayers(Chain):
    """Base class of the image networks: runs ``functions`` stage by stage.

    A subclass defines ``functions`` (an ordered mapping from stage name to
    the list of callables of that stage), ``_mean`` (the B, G, R mean colour
    its training images had) and ``_default_layers`` (what ``extract``
    returns by default).
    """
    _mean = (0., 0., 0.)
    _default_layers = ('prob',)
    #: Stages that start from an earlier stage's output instead of the one
    #: just before them (GoogLeNet's side classifiers): {stage: source}.
    _branch_inputs = {}

    @property
    def functions(self):
        raise NotImplementedError

    @property
    def available_layers(self):
        """The names ``forward`` and ``extract`` accept, in network order."""
        return list(self.functions.keys())

    def _check_layers(self, layers):
        if isinstance(layers, str):
            raise TypeError(
                'layers must be a list of layer names, such as [{0!r}], not the '
                'string {0!r}.'.format(layers))
        layers = list(layers)
        available = self.available_layers
        unknown = [name for name in layers if name not in available]
        if unknown:
            raise ValueError(
                '{} has no layer named {}. Its layers are, in order: {}.'.format(
                    type(self).__name__, ', '.join(repr(n) for n in unknown),
                    ', '.join(available)))
        return layers

    def _check_input(self, x):
        shape = getattr(x, 'shape', None)
        if shape is None or len(shape) != 4 or shape[1] != 3:
            hint = ''
            if shape is not None and len(shape) == 3 and shape[0] == 3:
                hint = ' For one image write x[None].'
            raise ValueError(
                '{} takes images of shape (batch, 3, height, width) in BGR order, as '
                'prepare() makes them, but got {}.{} Stack prepared images with '
                'numpy.stack([prepare(image) for image in images]), or use '
                'extract(images), which prepares them for you.'.format(
                    type(self).__name__,
                    'shape {}'.format(tuple(shape)) if shape is not None
                    else 'a {}'.format(type(x).__name__), hint))

    #: Stages that take one size only (a fully connected layer, or a pooling
    #: window as large as the maps): {stage: shape of one image's input}.
    _fixed_inputs = {}

    def _check_stage(self, name, h):
        expected = self._fixed_inputs.get(name)
        if expected is not None and tuple(h.shape[1:]) != expected:
            raise ValueError(
                '{} takes an input of shape {} per image, which 224x224 pictures '
                'give, but got {}. Resize the pictures to 224x224 (prepare(image, '
                'size=(224, 224))), or ask only for layers before {}.'.format(
                    name, expected, tuple(h.shape[1:]), name))

    def forward(self, x, layers=None, **kwargs):
        """forward(x, layers=['prob'])

        Run the network on ``x`` (shape (batch, 3, height, width), made by
        ``prepare``) and return a dict from each name in ``layers`` to that
        stage's output. It stops after the last stage asked for.
        """
        if {'test', 'train'} & set(kwargs):
            raise ValueError(
                "the test and train arguments are not supported anymore; use "
                "'with teachgrad.using_config(\"train\", False):' instead.")
        if kwargs:
            raise TypeError('forward() got unexpected keyword arguments: {}'.format(
                ', '.join(sorted(kwargs))))
        targets = set(self._check_layers(['prob'] if layers is None else layers))
        self._check_input(x)
        h = x
        activations = {}
        kept = {}                           # outputs that a side branch starts from
        for name, funcs in self.functions.items():
            if not targets:
                break
            if name in self._branch_inputs:
                h = kept[self._branch_inputs[name]]
            self._check_stage(name, h)
            for func in funcs:
                h = func(h)
            if name in targets:
                activations[name] = h
                targets.discard(name)
            if name in self._branch_inputs.values():
                kept[name] = h
        return activations

    def _prepare(self, image, size):
        return prepare_image(image, size, self._mean)

    def extract(self, images, layers=None, size=(224, 224), **kwargs):
        """extract(images, layers=None, size=(224, 224))

        ``prepare`` each image (resized to ``size``; None keeps the sizes,
        which must then agree), then ``forward`` them as one batch. Wrap it in
        ``with teachgrad.using_config('train', False):`` to switch dropout
        and batch statistics off.
        """
        if {'test', 'volatile'} & set(kwargs):
            raise ValueError(
                "the test and volatile arguments are not supported anymore; use "
                "'with teachgrad.using_config(\"train\", False):' and "
                "'with teachgrad.no_backprop_mode():' instead.")
        if kwargs:
            raise TypeError('extract() got unexpected keyword arguments: {}'.format(
                ', '.join(sorted(kwargs))))
        layers = self._check_layers(list(self._default_layers) if layers is None else layers)
        x = self._batch([self._prepare(image, size) for image in images])
        return self(Variable(self.xp.asarray(x)), layers=layers)

    @staticmethod
    def _batch(arrays):
        if not arrays:
            raise ValueError('no images were given: pass a list of pictures.')
        shapes = sorted({a.shape for a in arrays})
        if len(shapes) > 1:
            raise ValueError(
                'the pictures have different sizes after prepare() ({}); give a size '
                'such as size=(224, 224) so that they can be stacked into one batch.'
                .format(', '.join(str(s) for s in shapes)))
        return concat_examples(arrays)

    def predict(self, images, oversample=True):
        """Class probabilities of each image, shape (n, classes).

        Each image is resized to 256×256; with ``oversample`` the ten
        224×224 crops of :func:`oversample` are classified and their
        probabilities averaged, otherwise only the centre crop is used.
        Dropout is off and no graph is kept.
        """
        return self._predict(images, oversample, 'prob')

    def _predict(self, images, do_oversample, layer):
        x = self._batch([self._prepare(image, (256, 256)) for image in images])
        if do_oversample:
            x = oversample(x, (224, 224))
        else:
            x = x[:, :, 16:240, 16:240]
        from teachgrad import functions as F
        with no_backprop_mode(), using_config('train', False):
            y = self(Variable(self.xp.asarray(x)), layers=[layer])[layer]
            if do_oversample:
                y = F.reshape(y, (len(y) // 10, 10) + y.shape[1:])
                y = F.sum(y, axis=1) / 10
        return y

    @classmethod
    def convert_caffemodel_to_npz(cls, path_caffemodel, path_npz, *args, **kwargs):
        """Not available: teachgrad does not read Caffe files (Chainer does)."""
        raise NotImplementedError(
            'teachgrad cannot read .caffemodel files. Convert {} with Chainer on a '
            'machine that has it (see the error that {}() raises without the .npz) '
            'and load the .npz it writes.'.format(path_caffemodel, cls.__name__))


def load_pretrained(model, pretrained_model):
    """Load the ``.npz`` at ``pretrained_model`` into ``model`` (strictly)."""
    if not os.path.exists(pretrained_model):
        raise OSError(
            'pretrained_model={!r}: there is no such file. Give the path of a .npz '
            "saved by serializers.save_npz (or converted by Chainer), 'auto' for the "
            'file in the dataset root, or None for random weights.'.format(
                pretrained_model))
    npz.load_npz(pretrained_model, model)
