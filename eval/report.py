"""Writes an evaluation report: report.json, and beside it a Markdown report, a PNG chart and a PNG refusal curve."""

import json
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eval.metrics import SUMMARY_KEYS, item_quality, refusal_curves, score_item

CHART_METRICS = (
    "hit_at_1", "hit_at_5", "mrr", "answer_accuracy", "language_match", "citation_precision", "citation_recall",
    "refusal_recall",
)
_COUNTS = ("n", "n_answerable", "n_unanswerable")
_WORST = 10
_SNIPPET = 200


def format_value(key: str, value) -> str:
    if value is None:
        return "n/a"
    if key in _COUNTS:
        return str(value)
    return f"{value:.2f} s" if key.endswith("_s") else f"{value:.3f}"


def _cell(text: str, limit: int = _SNIPPET) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summary_table(summary: dict) -> str:
    rows = [f"| {key} | {format_value(key, summary[key])} |" for key in SUMMARY_KEYS]
    return "\n".join(["| metric | value |", "|---|---:|", *rows])


def groups_table(groups: dict[str, dict]) -> str:
    """One row per metric, one column per group (language or kind)."""
    names = list(groups)
    header = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    rows = [f"| {key} | " + " | ".join(format_value(key, groups[g][key]) for g in names) + " |" for key in SUMMARY_KEYS]
    return "\n".join(header + rows)


def _expected(item: dict) -> str:
    if not item["answerable"]:
        return "a refusal"
    keywords = "; ".join(" / ".join(group) for group in item["expected"]["answer_keywords"]) or "(no keywords)"
    return f"{keywords} — in {item['expected']['doc']}"


def _got(item: dict) -> str:
    rank = item["first_hit_rank"]
    docs = ", ".join(r["doc_id"] for r in item["retrieved"]) or "nothing retrieved"
    retrieval = (f"first hit at rank {rank}" if rank else f"no hit in {docs}") if item["answerable"] else ""
    if item["refused"] is None:
        return retrieval
    refused = f"[refused: {item['refusal']}] " if item.get("refusal") else "[refused] "  # a report made before it had reasons
    answer = (refused if item["refused"] else "") + f"({item['answer_lang']}) {item['answer']}"
    return f"{answer} — {retrieval}" if retrieval else answer


def worst_items(items: list[dict], k: int = 5, n: int = _WORST) -> list[dict]:
    """The n items with the lowest mean per-item score (ties in file order); flawless or unscored items are left out."""
    qualities = [item_quality(score_item(item, k)) for item in items]
    flawed = sorted((q, i) for i, q in enumerate(qualities) if q is not None and q < 1)
    return [items[i] for _, i in flawed[:n]]


def _curve_of(report: dict) -> dict:
    """The report's refusal curve (computed from its items for a report written before it had one)."""
    return report.get("refusal_curve") or refusal_curves(report["items"])


def refusal_section(curve: dict, chart_name: str) -> str:
    """The Markdown of the refusal curve: per group, the best threshold within the false refusal limit."""
    limit = curve["max_false_refusal_rate"]
    heading = "## Refusal curve"
    if not curve["curves"]["all"]["n_scored"]:
        return (f"{heading}\n\nNo item has an answerability score (retrieval mode, or an assistant that does not "
                "score answerability yet), so there is no refusal curve.")
    rows = []
    for name, group in curve["curves"].items():
        best = group["best"]
        cells = (["n/a"] * 3 if best is None else
                 [f"{best['threshold']:.3f}", format_value("", best["refusal_recall"]), format_value("", best["false_refusal_rate"])])
        rows.append(f"| {name} | {group['n_scored']} | {group['n_answerable']} | {group['n_unanswerable']} | " + " | ".join(cells) + " |")
    skipped = (f" {curve['n_skipped']} item(s) without an answerability score are left out."
               if curve["n_skipped"] else "")
    return "\n\n".join([
        heading,
        f"A question is refused when its answerability is under the threshold; the threshold sweeps over the observed "
        f"answerability values. Best = the highest refusal recall with false_refusal_rate ≤ {limit}.{skipped}",
        "\n".join(["| group | scored | answerable | unanswerable | best threshold | refusal_recall | false_refusal_rate |",
                   "|---|---:|---:|---:|---:|---:|---:|", *rows]),
        f"![refusal recall against false refusal rate]({chart_name})",
    ])


def markdown(report: dict, chart_name: str, refusal_chart_name: str | None = None) -> str:
    meta = report["meta"]
    worst = worst_items(report["items"], meta["k"])
    worst_rows = [
        f"| {item['id']} | {_cell(item['question'])} | {_cell(_expected(item))} | {_cell(_got(item), 2 * _SNIPPET)} |"
        for item in worst
    ]
    source = f", {meta['questions']}" if "questions" in meta else ""
    source += f", split {meta['split']}" if meta.get("split", "all") != "all" else ""
    return "\n\n".join([
        f"# Evaluation report — {meta['mode']} mode, k={meta['k']}{source}",
        "Fractions are in 0..1 and times in seconds; n/a means the metric has no items to count in this run.",
        "## Summary\n\n" + summary_table(report["summary"]),
        "## By language\n\n" + groups_table(report["by_lang"]),
        f"![main metrics per language]({chart_name})",
        "## By kind\n\n" + groups_table(report["by_kind"]),
        "## Cross-lingual and same-language questions\n\n"
        "Cross-lingual: asked in a language the question's document is not written in.\n\n"
        + groups_table(report.get("by_crossing", {})),
        refusal_section(_curve_of(report), refusal_chart_name or chart_name.replace(".png", "-refusal.png")),
        f"## The {len(worst)} worst items\n\n" + "\n".join(["| id | question | expected | got |", "|---|---|---|---|", *worst_rows]),
    ]) + "\n"


def write_chart(by_lang: dict[str, dict], path: Path) -> None:
    """Grouped bars: the main metrics that have a value, one bar per language."""
    metrics = [m for m in CHART_METRICS if any(group[m] is not None for group in by_lang.values())]
    figure = Figure(figsize=(max(6, 1.3 * len(metrics) + 2), 5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.8 / max(len(by_lang), 1)
    for i, (lang, group) in enumerate(by_lang.items()):
        values = [group[m] or 0 for m in metrics]  # n/a: no bar, labelled "n/a"
        bars = axes.bar([x + i * width for x in range(len(metrics))], values, width, label=f"{lang} (n={group['n']})")
        labels = ["n/a" if group[m] is None else f"{group[m]:.2f}" for m in metrics]
        axes.bar_label(bars, labels=labels, fontsize=7, rotation=90, padding=2)
    axes.set_xticks([x + width * (len(by_lang) - 1) / 2 for x in range(len(metrics))], metrics, rotation=30, ha="right")
    axes.set_ylim(0, 1.15)
    axes.set_ylabel("fraction")
    axes.set_title("Main metrics per language" if metrics else "No metric has a value")
    if by_lang:
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=len(by_lang))
    figure.savefig(path, dpi=110)


def write_refusal_chart(curve: dict, path: Path) -> None:
    """Refusal recall against false refusal rate, one line per group ("all" and each language), with the limit."""
    figure = Figure(figsize=(6, 5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    drawn = 0
    for name, group in curve["curves"].items():
        points = [p for p in group["points"] if p["refusal_recall"] is not None and p["false_refusal_rate"] is not None]
        if not points:
            continue
        drawn += 1
        style = {"color": "black", "linewidth": 2} if name == "all" else {"linewidth": 1.2}
        axes.plot([p["false_refusal_rate"] for p in points], [p["refusal_recall"] for p in points], marker=".",
                  label=f"{name} (n={group['n_scored']})", **style)
    limit = curve["max_false_refusal_rate"]
    axes.axvline(limit, color="grey", linestyle="--", linewidth=1, label=f"false refusal rate {limit}")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.05)
    axes.set_xlabel("false refusal rate (answerable, answerability < t)")
    axes.set_ylabel("refusal recall (unanswerable, answerability < t)")
    axes.set_title("Refusal curve over the answerability threshold t" if drawn
                   else "No answerability scores: no refusal curve")
    axes.legend(loc="lower right", fontsize=8)
    figure.savefig(path, dpi=110)


def write_reports(report: dict, json_path: str | Path) -> tuple[Path, Path, Path, Path]:
    """Writes report.json, and beside it the .md, the .png chart and the -refusal.png curve of the same name;
    returns the four paths."""
    json_path = Path(json_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    md_path, png_path = json_path.with_suffix(".md"), json_path.with_suffix(".png")
    refusal_path = json_path.with_name(json_path.stem + "-refusal.png")
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_chart(report["by_lang"], png_path)
    write_refusal_chart(_curve_of(report), refusal_path)
    md_path.write_text(markdown(report, png_path.name, refusal_path.name), encoding="utf-8")
    return json_path, md_path, png_path, refusal_path
