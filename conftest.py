"""Configuration shared by the tests in tests/ and the nbval run of lessons/.

It sits at the repository root so that pytest loads it for both
``pytest tests`` and ``pytest --nbval --nbval-current-env lessons/``.
"""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NBVAL_SANITIZE = ROOT / 'tests' / 'nbval-sanitize.cfg'
CHROMIUM = '/usr/bin/chromium'
# Flags for Chromium in a sandboxed machine with no network: without the
# background-networking ones it keeps trying to reach Google's hosts.
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
                 '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


def pytest_configure(config):
    # nbval reads its sanitize patterns only from the command line; supply
    # the project's file so that a plain `pytest --nbval lessons/` uses it.
    if getattr(config.option, 'nbval_sanitize_with', '') is None and NBVAL_SANITIZE.exists():
        config.option.nbval_sanitize_with = str(NBVAL_SANITIZE)


def browser_skip_reason():
    """None when the browser tests can run, else why they cannot."""
    if not os.path.exists(CHROMIUM):
        # dev.py says why it could not install chromium; a plain pytest run
        # gets the general explanation.
        return os.environ.get('TEACHGRAD_BROWSER_SKIP') or (
            'Debian chromium is not installed at {}; `python3 dev.py test` installs it '
            'when run as root (or: apt-get install -y chromium)'.format(CHROMIUM))
    try:
        import playwright.sync_api  # NOQA
    except ImportError:
        return 'the Python package playwright is not installed (pip install -e .[test])'
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_skip_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if item.get_closest_marker('browser'):
            item.add_marker(skip)


@pytest.fixture(scope='session')
def chromium_browser():
    """A headless Debian chromium driven by Playwright (for tests marked ``browser``)."""
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page (own cookies and storage) in the shared chromium."""
    context = chromium_browser.new_context(viewport={'width': 1280, 'height': 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _tracked_notebooks():
    """Absolute paths of the notebooks git tracks, or None without git."""
    import subprocess
    try:
        done = subprocess.run(['git', 'ls-files', '-z', '--', '*.ipynb'], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return {(ROOT / name).resolve() for name in done.stdout.split('\0') if name}


_TRACKED = []


def pytest_ignore_collect(collection_path, config):
    # A learner's scratch notebook (lessons/Untitled.ipynb) is not part of the
    # suite: nbval collects only the notebooks that git tracks.
    path = Path(collection_path)
    if path.suffix != '.ipynb' or not getattr(config.option, 'nbval', False):
        return None
    if not _TRACKED:
        _TRACKED.append(_tracked_notebooks())
    tracked = _TRACKED[0]
    resolved = path.resolve()
    if tracked is None or not (ROOT / '.git').exists() or not resolved.is_relative_to(ROOT):
        return None
    return True if resolved not in tracked else None
