"""Saving and loading models and optimizers, ``from teachgrad import serializers``.

>>> import os, tempfile
>>> import numpy as np
>>> import teachgrad.links as L
>>> a, b = L.Linear(3, 2), L.Linear(3, 2)
>>> path = os.path.join(tempfile.mkdtemp(), 'model.npz')
>>> save_npz(path, a)
>>> load_npz(path, b)
>>> bool((a.W.data == b.W.data).all())
True
"""
from teachgrad.serializers.npz import (  # NOQA
    DictionarySerializer, NpzDeserializer, SerializationError, save_npz, load_npz)
