"""The steppers in a real JupyterLab, driven through Debian's chromium.

One JupyterLab (see conftest.py here) opens tests/browser/steppers.ipynb; the
test runs its cells the way the Run menu does, then clicks the widgets'
buttons and checks that the picture and the caption in the page changed —
that is, that a click reached the kernel, ran a real step, and came back.
Screenshots of each widget go to the test's tmp dir (the path is printed).
"""
import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = 'steppers.ipynb'
TIMEOUT_MS = 60_000


def _text(page, selector):
    return page.locator(selector).first.inner_text()


def _html(page, selector):
    return page.locator(selector).first.inner_html()


def _wait_changed(page, selector, old, what):
    """Wait until the element's text differs from ``old`` (the kernel answered)."""
    page.wait_for_function(
        '([sel, old]) => { const e = document.querySelector(sel);'
        ' return e && e.innerText !== old; }',
        arg=[selector, old], timeout=TIMEOUT_MS)
    return _text(page, selector)


@pytest.fixture(scope='module')
def notebook_page(lab_server, chromium_browser):
    context = chromium_browser.new_context(viewport={'width': 1400, 'height': 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.goto(lab_server.url('lab/tree/' + NOTEBOOK))
    page.wait_for_selector('.jp-NotebookPanel .jp-Cell')
    # Run every cell once the kernel is up, as Run > Run All Cells does.
    page.wait_for_function('() => window.jupyterapp && window.jupyterapp.shell.currentWidget'
                           ' && window.jupyterapp.shell.currentWidget.sessionContext')
    page.evaluate('''async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }''')
    for button in page.locator('.jp-toast-button, .Toastify__close-button').all():
        if button.is_visible():
            button.click()
    try:
        yield page
    finally:
        context.close()
    assert not errors, 'JavaScript errors in the page: {}'.format(errors)


def _check_stepper(page, css, tmp_path, name):
    root = '.{} '.format(css)
    caption = root + '.teachgrad-caption'
    picture = root + '.teachgrad-picture'
    page.wait_for_selector(picture + ' svg')
    before_caption = _text(page, caption)
    before_picture = _html(page, picture)
    assert before_caption.startswith(('Ready', 'Before forward'))
    page.locator(root + 'button:has-text("Next")').first.click()
    after_caption = _wait_changed(page, caption, before_caption, 'caption')
    assert after_caption.startswith('Step 1 of 4')
    page.wait_for_function(
        '([sel, old]) => document.querySelector(sel).innerHTML !== old',
        arg=[picture, before_picture], timeout=TIMEOUT_MS)
    shot = tmp_path / '{}.png'.format(name)
    page.locator('.' + css).first.screenshot(path=str(shot))
    print('screenshot:', shot)
    return after_caption


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_backward_stepper_next_runs_a_real_step(notebook_page, tmp_path):
    page = notebook_page
    root = '.teachgrad-backward-stepper '
    page.wait_for_selector(root + '.teachgrad-picture svg')

    def next_offset():     # where Next sits inside the stepper
        button, box = _box(page, root + 'button:has-text("Next")'), _box(
            page, '.teachgrad-backward-stepper')
        return button['x'] - box['x'], button['y'] - box['y']
    before = next_offset()
    caption = _check_stepper(page, 'teachgrad-backward-stepper', tmp_path, 'backward_step1')
    # The whole stepper fits a 720-pixel-high screen, and Next stays under the pointer.
    height = _box(page, '.teachgrad-backward-stepper')['height']
    print('backward stepper height:', height)
    assert height <= 620
    assert next_offset() == before
    legend = _text(page, root + '.teachgrad-legend')
    assert 'running backward now' in legend and 'wait' in legend
    assert '`+ 1`' in caption or 'backward of + 1' in caption
    # Two more steps: the caption shows the grad that `**2` sent to x.
    root = '.teachgrad-backward-stepper '
    for _ in range(2):
        old = _text(page, root + '.teachgrad-caption')
        page.locator(root + 'button:has-text("Next")').first.click()
        _wait_changed(page, root + '.teachgrad-caption', old, 'caption')
    text = _text(page, root + '.teachgrad-caption')
    assert 'grad 10 = 2 · x · 1 flows to x' in text
    page.locator('.teachgrad-backward-stepper').first.screenshot(
        path=str(tmp_path / 'backward_step3.png'))
    # Prev undoes the step, in the kernel too.
    old = text
    page.locator(root + 'button:has-text("Prev")').first.click()
    assert _wait_changed(page, root + '.teachgrad-caption', old, 'caption').startswith(
        'Step 2 of 4')


def test_forward_stepper_next_and_play(notebook_page, tmp_path):
    page = notebook_page
    _check_stepper(page, 'teachgrad-forward-stepper', tmp_path, 'forward_step1')
    root = '.teachgrad-forward-stepper '
    # Play moves the slider in the browser; the kernel follows it to the end.
    page.locator(root + '.widget-play button').first.click()
    page.wait_for_function(
        '(sel) => document.querySelector(sel).innerText.startsWith("Step 4 of 4")',
        arg=root + '.teachgrad-caption', timeout=TIMEOUT_MS)
    page.locator('.teachgrad-forward-stepper').first.screenshot(
        path=str(tmp_path / 'forward_end.png'))


def test_variable_shows_its_graph_as_svg(notebook_page):
    # `y` at the end of a cell: Jupyter renders Variable._repr_svg_ as an image
    img = notebook_page.locator('.jp-RenderedSVG img').first
    img.wait_for()
    assert img.get_attribute('src').startswith('data:image/svg+xml')


def _image_src(page, selector):
    return page.locator(selector + ' img').first.get_attribute('src')


def test_optimizer_stepper_step_and_run_n(notebook_page, tmp_path):
    page = notebook_page
    root = '.teachgrad-optimizer-stepper '
    caption = root + '.teachgrad-caption'
    page.wait_for_selector(root + '.teachgrad-loss-plot')
    old_caption, old_plot = _text(page, caption), _image_src(page, root)
    assert old_caption.startswith('Ready')
    page.locator(root + 'button:has-text("Step")').first.click()
    text = _wait_changed(page, caption, old_caption, 'caption')
    assert text.startswith('Step 1: loss')
    page.wait_for_function(
        '([sel, old]) => document.querySelector(sel).getAttribute("src") !== old',
        arg=[root + '.teachgrad-loss-plot', old_plot], timeout=TIMEOUT_MS)
    assert 'WeightDecay' in _text(page, root + '.teachgrad-params')
    # Run N: N updates, the progress bar filled, the caption at step 1 + N
    page.locator(root + 'input[type="number"]').first.fill('5')
    page.locator(root + 'input[type="number"]').first.press('Enter')
    page.locator(root + 'button:has-text("Run N")').first.click()
    page.wait_for_function(
        '(sel) => document.querySelector(sel).innerText.startsWith("Step 6: loss")',
        arg=caption, timeout=TIMEOUT_MS)
    page.locator('.teachgrad-optimizer-stepper').first.screenshot(
        path=str(tmp_path / 'optimizer.png'))
    print('screenshot:', tmp_path / 'optimizer.png')


def test_loss_landscape_step(notebook_page, tmp_path):
    page = notebook_page
    root = '.teachgrad-loss-landscape '
    caption = root + '.teachgrad-caption'
    page.wait_for_selector(root + '.teachgrad-landscape-plot')
    old = _text(page, caption)
    assert '0 steps each' in old
    page.locator(root + 'input[type="number"]').first.fill('15')
    page.locator(root + 'input[type="number"]').first.press('Enter')
    page.locator(root + 'button:has-text("Run N")').first.click()
    page.wait_for_function(
        '(sel) => document.querySelector(sel).innerText.includes("15 steps each")',
        arg=caption, timeout=TIMEOUT_MS)
    page.locator('.teachgrad-loss-landscape').first.screenshot(
        path=str(tmp_path / 'landscape.png'))
    print('screenshot:', tmp_path / 'landscape.png')
