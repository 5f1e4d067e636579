"""The lab's interactive charts (plotly): the main effects of a reform per model, from a compare
job's tables: assessments needed, the cluster mix, the JP waived, and the cost (training and
assessments) with what it rests on. Each chart is a plotly figure as JSON; the page's script
(static/grafik.js) draws it with the plotly.min.js the desk serves itself."""

from __future__ import annotations

from typing import Any

from aturan.vocabulary import MODEL_SHORT

BASELINE, REFORMED = "Aturan berlaku", "Reformasi"
COLOURS = {BASELINE: "#1f4e79", REFORMED: "#c55a11"}
CLUSTER_COLOURS = {"A": "#2e7d32", "B": "#f9a825", "C": "#c62828"}
Chart = tuple[str, str, str, list[str]]  # (element id, title, figure JSON, notes under it)


def charts(compare: dict[str, Any]) -> list[Chart]:
    """The charts of one compare result (`aturan.app`'s lab_compare job)."""
    tables = {
        model: {str(row[0]): row[1:] for row in rows} for model, rows in compare["tables"].items()
    }
    found = [
        _per_model("grafik-asesmen", "Perlu asesmen awal (orang)", tables, "Perlu asesmen awal"),
        _per_model(
            "grafik-jp",
            "JP dibebaskan per peserta berdesain",
            tables,
            "JP dibebaskan per peserta berdesain",
        ),
        _cost(tables, compare["costs"]),
    ]
    if "cluster" in tables:
        found.insert(1, _clusters(tables["cluster"]))
    return found


def _figure(data: list[Any], title: str, **layout: Any) -> str:
    import plotly.graph_objects as go

    figure = go.Figure(data=data)
    figure.update_layout(
        title=title,
        template="simple_white",
        separators=",.",  # the id locale: 1.234,5
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 60, "l": 60, "r": 20, "b": 40},
        height=380,
        **layout,
    )
    text: str = figure.to_json()
    return text


def _names(tables: dict[str, dict[str, list[Any]]]) -> list[str]:
    return [MODEL_SHORT.get(m, m) for m in tables]


def _per_model(
    element: str, title: str, tables: dict[str, dict[str, list[Any]]], measure: str
) -> Chart:
    import plotly.graph_objects as go

    bars = [
        go.Bar(
            name=label,
            x=_names(tables),
            y=[rows[measure][index] for rows in tables.values()],
            marker_color=COLOURS[label],
        )
        for index, label in enumerate((BASELINE, REFORMED))
    ]
    return element, title, _figure(bars, title, barmode="group"), []


def _clusters(rows: dict[str, list[Any]]) -> Chart:
    import plotly.graph_objects as go

    title = "Campuran klaster (Alternatif II Klaster), peserta"
    bars = [
        go.Bar(
            name=f"Klaster {cluster}",
            x=[BASELINE, REFORMED],
            y=rows[f"Klaster {cluster}"][:2],
            marker_color=colour,
        )
        for cluster, colour in CLUSTER_COLOURS.items()
    ]
    return "grafik-klaster", title, _figure(bars, title, barmode="stack"), []


def _cost(tables: dict[str, dict[str, list[Any]]], footing: list[str]) -> Chart:
    """Per model and law: the training cost (under the pay model) with the assessments stacked
    on it, in billions of rupiah; what the costs rest on is said under the chart."""
    import plotly.graph_objects as go

    title = "Biaya total (miliar Rp): pelatihan + asesmen"
    bars = []
    for index, label in enumerate((BASELINE, REFORMED)):
        training = [rows["Biaya pelatihan dihitung (Rp)"][index] / 1e9 for rows in tables.values()]
        total = [rows["Biaya total (Rp)"][index] / 1e9 for rows in tables.values()]
        assessed = [t - p for t, p in zip(total, training)]
        common = {"x": _names(tables), "offsetgroup": str(index), "marker_color": COLOURS[label]}
        bars.append(go.Bar(name=f"{label}: pelatihan", y=training, **common))
        bars.append(
            go.Bar(
                name=f"{label}: asesmen",
                y=assessed,
                base=training,
                marker_pattern_shape="/",
                opacity=0.55,
                **common,
            )
        )
    return "grafik-biaya", title, _figure(bars, title, barmode="group"), footing
