"""Matplotlib figures for the widgets, drawn off-screen (imported only when used).

Figures are made with ``matplotlib.figure.Figure`` directly, never pyplot, so
no global figure or backend state is touched and nothing pops up. PNG goes
into the live widget; SVG, with text kept as text and fixed ids, goes into
saved notebooks, where it must come out byte-identical on every run.
"""
import io


def figure(width, height):
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100, layout='constrained')


def to_png(fig, scale=2):
    """PNG bytes at ``scale`` times the figure's size (sharp on high-DPI
    screens; show it at ``css_width(fig)``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=fig.dpi * scale, metadata={'Software': None})
    return buf.getvalue()


def css_width(fig):
    return '{}px'.format(int(round(fig.get_figwidth() * fig.dpi)))


def to_svg(fig):
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    FigureCanvasSVG(fig)
    buf = io.StringIO()
    # A fixed hash salt makes the ids inside the SVG the same on every run;
    # fonttype 'none' keeps text as text instead of font-dependent paths.
    with matplotlib.rc_context({'svg.hashsalt': 'teachgrad', 'svg.fonttype': 'none'}):
        fig.savefig(buf, format='svg', metadata={'Date': None, 'Creator': None})
    # Coordinates keep matplotlib's six decimals: cutting them to fewer would
    # turn a last-bit difference of a float into a visible 0.01 step, which a
    # numeric comparison of stored outputs (teachgrad.notebook_check) could
    # no longer tell from a real change.
    return buf.getvalue()


def loss_curve(ax, losses, title='loss'):
    """Loss against step; log scale when it spans more than two decades."""
    steps = range(1, len(losses) + 1)
    ax.plot(steps, losses, color='#1f77b4', marker='o' if len(losses) <= 30 else None,
            markersize=3, linewidth=1.5)
    finite = [v for v in losses if v == v and abs(v) != float('inf')]
    if finite and min(finite) > 0 and max(finite) / min(finite) > 100:
        ax.set_yscale('log')
    ax.set_xlabel('step')
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # steps are whole numbers
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    if not losses:
        ax.text(0.5, 0.5, 'no step yet', ha='center', va='center', transform=ax.transAxes,
                color='#777777')
        ax.set_xticks([])
        ax.set_yticks([])
