"""Small plots drawn server-side as inline SVG: no script, no CDN (the API server may have no internet)."""

from __future__ import annotations

from datetime import date
from html import escape

# Colour-blind-safe categorical palette (Okabe-Ito), for quarantine reasons.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def sparkline(values: list[int], width: int = 120, height: int = 24, label: str = "") -> str:
    """A line of daily counts, the last point marked. Zero is the bottom edge."""
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(len(values) - 1, 1)
    points = [(i * step, height - 2 - (v / top) * (height - 4)) for i, v in enumerate(values)]
    path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    lx, ly = points[-1]
    title = escape(label or ", ".join(str(v) for v in values))
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="{path}"/>'
        f'<circle cx="{_fmt(lx)}" cy="{_fmt(ly)}" r="2" fill="#0072B2"/></svg>'
    )


def _axis(days: list[date], left: int, plot_w: float, height: int, top: int) -> list[str]:
    parts = []
    slot = plot_w / max(len(days), 1)
    for i, day in enumerate(days):
        last = i == len(days) - 1
        if last or (i % 7 == 0 and len(days) - 1 - i >= 3):  # no weekly tick crowding the last day's
            x = left + i * slot + slot / 2
            parts.append(f'<text x="{_fmt(x)}" y="{height - 4}" text-anchor="middle" class="tick">'
                         f'{day.strftime("%m-%d")}</text>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" class="tick">{{top}}</text>')
    return parts


def bars(days: list[date], values: list[int], width: int = 720, height: int = 180, title: str = "") -> str:
    """Daily counts as bars, with date ticks every week and the maximum on the y axis."""
    left, top, bottom = 40, 10, 22
    plot_w, plot_h = width - left - 8, height - top - bottom
    peak = max(values, default=0) or 1
    slot = plot_w / max(len(values), 1)
    parts = [(f'<svg class="plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>'),
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" class="axis"/>']
    for i, (day, v) in enumerate(zip(days, values)):
        h = v / peak * plot_h
        x = left + i * slot + 1
        parts.append(f'<rect x="{_fmt(x)}" y="{_fmt(top + plot_h - h)}" width="{_fmt(max(slot - 2, 1))}" '
                     f'height="{_fmt(h)}" fill="#0072B2"><title>{day.isoformat()}: {v}</title></rect>')
    parts += [p.replace("{top}", str(max(values, default=0))) for p in _axis(days, left, plot_w, height, top)]
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(days: list[date], series: dict[str, dict[date, int]], width: int = 720, height: int = 200,
                 title: str = "", max_series: int = 7) -> str:
    """Per-day counts split by category (the largest ``max_series``, the rest as "other"), with a legend."""
    totals = sorted(series, key=lambda k: (-sum(series[k].values()), k))
    shown = totals[:max_series]
    rest = totals[max_series:]
    layers = [(name, series[name]) for name in shown]
    if rest:
        other: dict[date, int] = {}
        for name in rest:
            for day, n in series[name].items():
                other[day] = other.get(day, 0) + n
        layers.append(("other", other))
    left, top, bottom, legend_h = 40, 10, 22, 18 * ((len(layers) + 2) // 3)
    plot_w, plot_h = width - left - 8, height - top - bottom
    day_totals = [sum(layer.get(d, 0) for _, layer in layers) for d in days]
    peak = max(day_totals, default=0) or 1
    slot = plot_w / max(len(days), 1)
    full_h = height + legend_h
    parts = [(f'<svg class="plot" width="{width}" height="{full_h}" viewBox="0 0 {width} {full_h}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>'),
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" class="axis"/>']
    for i, day in enumerate(days):
        y = top + plot_h
        for j, (name, layer) in enumerate(layers):
            n = layer.get(day, 0)
            if not n:
                continue
            h = n / peak * plot_h
            y -= h
            parts.append(f'<rect x="{_fmt(left + i * slot + 1)}" y="{_fmt(y)}" width="{_fmt(max(slot - 2, 1))}" '
                         f'height="{_fmt(h)}" fill="{PALETTE[j % len(PALETTE)]}">'
                         f'<title>{day.isoformat()} {escape(name)}: {n}</title></rect>')
    parts += [p.replace("{top}", str(max(day_totals, default=0))) for p in _axis(days, left, plot_w, height, top)]
    for j, (name, _layer) in enumerate(layers):
        x = left + (j % 3) * 230
        y = height + 14 + (j // 3) * 18
        parts.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="{y}" class="legend">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
