"""Fashion-MNIST: 70000 28x28 grey pictures of clothes in 10 classes, downloaded once.

The same idx format and options as :func:`~teachgrad.datasets.get_mnist`; with
a mirror set the files come from ``<mirror>/fashion-mnist/<file name>``.

>>> get_fashion_mnist_labels()[:3]
['T-shirt/top', 'Trouser', 'Pullover']
"""
import numpy

from teachgrad.datasets import mnist

_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'
_MD5 = {
    'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
    't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
    't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
}


def get_fashion_mnist_labels():
    """The names of the 10 classes, by label.

    >>> get_fashion_mnist_labels()[9]
    'Ankle boot'
    """
    return ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
            'Sneaker', 'Bag', 'Ankle boot']


def get_fashion_mnist(withlabel=True, ndim=1, scale=1., dtype=None,
                      label_dtype=numpy.int32, rgb_format=False):
    """Return Fashion-MNIST's ``(train, test)`` (60000 and 10000 images).

    Arguments as for :func:`~teachgrad.datasets.get_mnist`.

    Example (downloads about 30 MB the first time)::

        >>> train, test = get_fashion_mnist()      # doctest: +SKIP
        >>> train[0][0].shape                      # doctest: +SKIP
        (784,)
    """
    return mnist._get('fashion-mnist', 'pfnet/chainer/fashion-mnist', _BASE, _MD5,
                      withlabel, ndim, scale, dtype, label_dtype, rgb_format)
