"""Download a data set once, keep it in a cache directory, load it from there.

Everything lives under one *dataset root*: ``$TEACHGRAD_DATASET_ROOT`` if set
(``$CHAINER_DATASET_ROOT`` is honoured too, so an existing Chainer cache is
reused), else ``~/.teachgrad/dataset``; :func:`set_dataset_root` overrides
both. Raw downloads go to ``<root>/_dl_cache``, the arrays made from them to a
directory per data set.

Files are written whole or not at all: a download goes to a temporary file
that is renamed into the cache only after its size, checksum and format were
checked, so an interrupted or corrupted download leaves nothing behind.

Set ``$TEACHGRAD_DATASET_URL`` (or :data:`base_url`) to fetch every data set
from a mirror instead, laid out as ``<mirror>/mnist/train-images-idx3-ubyte.gz``
and so on (see each getter). A mirror may serve small stand-in files: they are
checked for size and format, not against the official checksums.

>>> import tempfile
>>> root = tempfile.mkdtemp()
>>> set_dataset_root(root)
>>> get_dataset_directory('pfnet/chainer/mnist').startswith(root)
True
>>> set_dataset_root(None)          # back to the environment / default
"""
import hashlib
import http.client
import os
import shutil
import socket
import sys
import tempfile
import urllib.error
import urllib.request

_root_override = None

#: Mirror to fetch data sets from instead of their home sites (None: use
#: ``$TEACHGRAD_DATASET_URL`` if set, else each data set's own URL).
base_url = None

#: Seconds to wait for a server before giving up (offline machines fail fast).
timeout = 10.


class DownloadError(OSError):
    """A file could not be downloaded, or what came was not the file.

    >>> isinstance(DownloadError('no network'), OSError)
    True
    """


def _make_dirs(path):
    """``os.makedirs``, returning the directories it made (deepest last)."""
    made = []
    path = os.path.abspath(path)
    while not os.path.isdir(path):
        made.append(path)
        path = os.path.dirname(path)
    for d in reversed(made):
        os.makedirs(d, exist_ok=True)
    return made


def _remove_empty(dirs):
    # Undo _make_dirs after a failure: a failed download leaves no trace.
    for d in dirs:
        try:
            os.rmdir(d)
        except OSError:
            pass


def get_dataset_root():
    """The directory under which data sets are downloaded and cached.

    >>> import os
    >>> os.path.isabs(get_dataset_root())
    True
    """
    if _root_override is not None:
        return _root_override
    for var in ('TEACHGRAD_DATASET_ROOT', 'CHAINER_DATASET_ROOT'):
        if os.environ.get(var):
            return os.path.abspath(os.path.expanduser(os.environ[var]))
    return os.path.join(os.path.expanduser('~'), '.teachgrad', 'dataset')


def set_dataset_root(path):
    """Use ``path`` as the dataset root from now on (None: back to the default).

    It takes precedence over ``$TEACHGRAD_DATASET_ROOT``.

    >>> set_dataset_root('/tmp/my-datasets'); get_dataset_root()
    '/tmp/my-datasets'
    >>> set_dataset_root(None)
    """
    global _root_override
    _root_override = None if path is None else os.path.abspath(os.path.expanduser(path))


def get_dataset_directory(dataset_name, create_directory=True):
    """``<root>/<dataset_name>`` (slashes in the name make subdirectories).

    >>> import os, tempfile
    >>> set_dataset_root(tempfile.mkdtemp())
    >>> os.path.isdir(get_dataset_directory('a/b'))
    True
    >>> set_dataset_root(None)
    """
    path = os.path.join(get_dataset_root(), dataset_name)
    if create_directory:
        os.makedirs(path, exist_ok=True)
    return path


def mirror_url():
    """The mirror in use (:data:`base_url` or ``$TEACHGRAD_DATASET_URL``), or None.

    >>> mirror_url() is None or mirror_url().endswith('/')
    True
    """
    url = base_url or os.environ.get('TEACHGRAD_DATASET_URL') or None
    if url and not url.endswith('/'):
        url += '/'
    return url


def _cache_path(url):
    return os.path.join(get_dataset_root(), '_dl_cache',
                        hashlib.md5(url.encode('utf-8')).hexdigest())


def cached_download(url, md5=None, verify=None):
    """Download ``url`` into the cache (once) and return the cached file's path.

    Args:
        url: what to download.
        md5: the file's known MD5 checksum; a download that differs is refused.
        verify: a function that reads the downloaded file and raises if it is
            not what was expected (run before the file enters the cache).

    A second call with the same URL returns the cached path without any
    request. Offline, it fails at once with a :class:`DownloadError` that
    names :func:`teachgrad.datasets.get_digits`, which needs no download.

    >>> import os, tempfile
    >>> set_dataset_root(tempfile.mkdtemp())
    >>> src = os.path.join(get_dataset_root(), 'hello.txt')
    >>> with open(src, 'w') as f:
    ...     _ = f.write('hello')
    >>> path = cached_download('file://' + src, md5='5d41402abc4b2a76b9719d911017c592')
    >>> open(path).read()
    'hello'
    >>> set_dataset_root(None)
    """
    cache_path = _cache_path(url)
    if os.path.exists(cache_path):
        return cache_path
    cache_root = os.path.dirname(cache_path)
    made = _make_dirs(cache_root)
    fd, temp_path = tempfile.mkstemp(dir=cache_root, prefix='.download-')
    try:
        with os.fdopen(fd, 'wb') as out:
            digest = _fetch(url, out)
        if md5 is not None and digest != md5.lower():
            raise DownloadError(
                'The file downloaded from {} is not the expected one: its MD5 checksum '
                'is {}, but {} was expected. It may be corrupted or truncated, or the '
                'server sent something else (an error page?). Nothing was kept; run '
                'again to download it anew.'.format(url, digest, md5))
        if verify is not None:
            verify(temp_path)
        os.replace(temp_path, cache_path)
    except BaseException:
        if os.path.exists(temp_path):
            os.remove(temp_path)
        _remove_empty(made)
        raise
    return cache_path


def _offline_advice():
    return ('To work without a download, use teachgrad.datasets.get_digits(): 1797 '
            'real 8x8 handwritten digits that ship with scikit-learn '
            '(train, test = teachgrad.datasets.get_digits()). Or put the file on a '
            'server you can reach and set TEACHGRAD_DATASET_URL to it.')


def _fetch(url, out):
    """Copy ``url`` into the open file ``out`` with a progress bar; return the MD5."""
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise DownloadError('The server answered {} {} for {}. {}'.format(
            e.code, e.reason, url, _offline_advice())) from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, 'reason', e)
        raise DownloadError(
            'Could not download {}: {}. This computer seems to be offline, or the '
            'server cannot be reached. {}'.format(url, reason, _offline_advice())) from None
    digest = hashlib.md5()
    with response:
        total = response.headers.get('Content-Length')
        total = int(total) if total and total.isdigit() else None
        done = 0
        progress = _Progress(url, total)
        try:
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                progress.update(done)
        except (http.client.IncompleteRead, socket.timeout, OSError) as e:
            progress.close()
            raise DownloadError(
                'The download of {} broke off after {} bytes ({}). Nothing was kept; '
                'run again to retry. {}'.format(url, done, e, _offline_advice())) from None
        progress.close()
    if total is not None and done != total:
        raise DownloadError(
            'The download of {} is truncated: {} of {} bytes arrived. Nothing was '
            'kept; run again to retry.'.format(url, done, total))
    return digest.hexdigest()


class _Progress:
    """A one-line progress bar on stderr, redrawn at most once per percent."""

    def __init__(self, url, total):
        self.total = total
        self.shown = -1
        self.stream = sys.stderr
        size = '' if total is None else ' ({:.1f} MB)'.format(total / 1e6)
        self.stream.write('Downloading from {}{}...\n'.format(url, size))
        self.stream.flush()

    def update(self, done):
        if not self.total:
            return
        percent = min(100, done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            bar = '#' * (percent // 5)
            self.stream.write('\r  [{:<20}] {:3d}%  {:.1f} of {:.1f} MB'.format(
                bar, percent, done / 1e6, self.total / 1e6))
            self.stream.flush()

    def close(self):
        if self.shown >= 0:
            self.stream.write('\n')
            self.stream.flush()


def cache_or_load_file(path, creator, loader):
    """Load ``path`` with ``loader`` if it exists, else make it with ``creator``.

    ``creator(temp_path)`` writes the file at a temporary path and returns the
    content; the file is renamed to ``path`` only when the creator succeeded,
    so a failure leaves no half-written cache behind.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'answer.txt')
    >>> def make(p):
    ...     with open(p, 'w') as f:
    ...         _ = f.write('42')
    ...     return 'made'
    >>> cache_or_load_file(path, make, lambda p: open(p).read())
    'made'
    >>> cache_or_load_file(path, make, lambda p: open(p).read())
    '42'
    """
    if os.path.exists(path):
        return loader(path)
    directory = os.path.dirname(os.path.abspath(path))
    made = _make_dirs(directory)
    temp_dir = tempfile.mkdtemp(dir=directory, prefix='.create-')
    try:
        temp_path = os.path.join(temp_dir, os.path.basename(path))
        content = creator(temp_path)
        if not os.path.exists(path):
            os.replace(temp_path, path)
    except BaseException:
        shutil.rmtree(temp_dir, ignore_errors=True)
        _remove_empty(made)
        raise
    shutil.rmtree(temp_dir, ignore_errors=True)
    return content


def dataset_url(relative, default):
    """The URL of one file: ``default``, or ``<mirror>/<relative>`` with a mirror set.

    >>> from teachgrad.dataset import download
    >>> download.base_url = 'http://127.0.0.1:8000'
    >>> dataset_url('mnist/x.gz', 'https://example.org/x.gz')
    'http://127.0.0.1:8000/mnist/x.gz'
    >>> download.base_url = None
    """
    mirror = mirror_url()
    return default if mirror is None else mirror + relative


def dataset_directory(name):
    """Where a getter keeps its arrays: ``<root>/<name>``, or a directory of its
    own per mirror, so stand-in files from a mirror never mix with real data.

    >>> import os, tempfile
    >>> set_dataset_root(tempfile.mkdtemp())
    >>> dataset_directory('pfnet/chainer/mnist').endswith('mnist')
    True
    >>> os.path.exists(dataset_directory('pfnet/chainer/mnist'))
    False
    >>> set_dataset_root(None)
    """
    mirror = mirror_url()
    if mirror is not None:
        tag = hashlib.md5(mirror.encode('utf-8')).hexdigest()[:12]
        name = os.path.join('_mirror_' + tag, name)
    # Not created here: cache_or_load_file makes it once there is data to keep.
    return get_dataset_directory(name, create_directory=False)


def load_arrays(path):
    """Read every array of an ``.npz`` file into a dict (never unpickling).

    >>> import os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'a.npz')
    >>> np.savez(path, x=np.arange(3))
    >>> load_arrays(path)
    {'x': array([0, 1, 2])}
    """
    import numpy
    with numpy.load(path, allow_pickle=False) as f:
        return {name: f[name] for name in f.files}
