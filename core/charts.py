"""Bar charts drawn on the server as SVG geometry for templates/includes/bar_chart.html:
one series a chart (small multiples), so that nothing is told apart by colour alone."""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 320, 120
LEFT, BOTTOM, TOP = 34, 18, 8  # room for the axis' numbers and the first and last labels


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    title: str
    slug: str
    peak: int
    total: int
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    top: int = TOP
    first_label: str = ""
    last_label: str = ""

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def bar_chart(title: str, slug: str, points: list[tuple[str, int]], *, scale: int = 0) -> Chart:
    """A chart of (label, value) points; `scale` shares one y-axis between charts."""
    peak = max([value for _, value in points] or [0])
    top = max(scale, peak, 1)
    chart = Chart(title=title, slug=slug, peak=peak, total=sum(v for _, v in points))
    if not points:
        return chart
    step = (WIDTH - LEFT) / len(points)
    room = chart.baseline - TOP
    for index, (label, value) in enumerate(points):
        height = room * value / top
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + index * step + step * 0.1, 2),
                y=round(chart.baseline - height, 2),
                width=round(step * 0.8, 2),
                height=round(height, 2),
            )
        )
    chart.peak = top if scale else peak
    chart.first_label, chart.last_label = points[0][0], points[-1][0]
    return chart
