"""Write docs/benchmarks.md, the measured figures, from benchmarks/results/*.json (current figures only).

    python benchmarks/write_docs.py          # rewrites docs/benchmarks.md
    python benchmarks/write_docs.py --check  # exit status 1 when docs/benchmarks.md is stale

Each section names the command that measured its figures. tests/test_docs.py fails when the file differs
from what this script makes of the current results.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from senses.measured import DEFAULT_CANDIDATE  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "benchmarks.md"


def _load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def needs(*names: str):
    """A section drawn from these results files, given to it loaded (no section when the first is missing)."""
    def wrap(f: Callable[..., str]) -> Callable[[], str | None]:
        def section() -> str | None:
            loaded = [_load(n) for n in names]
            return None if loaded[0] is None else f(*loaded)
        return section
    return wrap


def num(v, digits: int = 3) -> str:
    """A figure as text: `digits` decimals, no negative zero, "–" when missing."""
    if v is None or (isinstance(v, float) and v != v):
        return "–"
    if isinstance(v, bool) or not isinstance(v, int | float):
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    text = f"{v:,.{digits}f}"
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def plain_name(candidate: str) -> str:
    """A benchmark candidate's name without the words that date it ("(previous default)", "(baseline)")."""
    for dated in (" (previous default)", " (baseline)", " (default)"):
        candidate = candidate.replace(dated, "")
    return candidate


def table(head: Sequence[str], rows: Sequence[Sequence]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


# ---- sections ------------------------------------------------------------------------------------


@needs("heldout.json", "embedder.json")
def model_section(held, emb) -> str:
    r = next(x for x in held["results"] if x["model"] == "elmo/models/en")
    params = next((x["parameters"] for x in (emb or {}).get("results", []) if x["model"] == "elmo/models/en"), None)
    text = ["## The bundled model", "",
            "`elmo/models/en` (its `MODEL_CARD.md` has the training details). Held-out perplexity "
            "(`benchmarks/bench_heldout.py`, `heldout.json`), on the held-out documents of the training corpora "
            "and of the corpora added to the training text later (not trained on):", ""]
    text.append(table(["", "forward", "backward"],
                      [["training corpora", num(r["ppl_fwd"], 1), num(r["ppl_bwd"], 1)],
                       ["corpora added later", num(r["ppl_new_fwd"], 1), num(r["ppl_new_bwd"], 1)]]))
    if params:
        text += ["", f"biLM body: {num(params)} parameters (without the LM head)."]
    return "\n".join(text)


@needs("evaluation.json")
def evaluation_section(ev) -> str:
    rows = ev["rows"]
    feats = list(dict.fromkeys(r["features"] for r in rows))
    words = ev["words"]

    def mean(f: str, col: str):
        vals = [r[col] for r in rows if r["features"] == f and r[col] is not None]
        return sum(vals) / len(vals) if vals else None

    body = [[f, num(mean(f, "knn")), num(mean(f, "logreg")), num(mean(f, "ari_auto")), num(mean(f, "ari_forms"))]
            for f in feats]
    per_word = [[f, *[num(next(r["logreg"] for r in rows if r["features"] == f and r["word"] == w)) for w in words]]
                for f in feats]
    n = sum(next(r["n"] for r in rows if r["word"] == w) for w in words)
    sv = ev.get("static_vectors") or {}
    text = ["## Word-sense accuracy", "",
            f"`python -m benchmarks.evaluate` (`evaluation.json`, `evaluation.md`). Data: NLTK's `senseval` corpus, the "
            f"{' / '.join(words)} instances in Senseval-2 format — not the Senseval-2 lexical-sample task, so the "
            f"figures do not compare with published Senseval-2 scores. {num(n)} instances, "
            f"{ev['folds']}-fold stratified CV, mean over the words. The biLM reads ±{ev['window']} tokens around "
            "the target as one sequence. knn: 1-nearest-neighbour (cosine); logreg: logistic regression; "
            "ari_auto: ARI of the automatic clusters of these vectors against the gold senses; ari_forms: the "
            "same clusters against the word forms (serve / serves / served: high = clusters follow spelling).", "",
            table(["features", "knn", "logreg", "ari_auto", "ari_forms"], body), "",
            "logreg per word:", "", table(["features", *words], per_word)]
    if sv:
        text += ["", f"Word2Vec (the `word2vec` rows and the Explorer's context meaning, `senses/static_vectors/`): "
                 f"{sv.get('library', '')}, {sv.get('model', '')}, {sv.get('dim')} dimensions, window {sv.get('window')}, "
                 f"{sv.get('epochs')} epochs, {num(sv.get('vocabulary'))} words, trained on {num(sv.get('tokens'))} "
                 f"tokens in {num(sv.get('seconds'), 0)} s (`{sv.get('command', '')}`)."]
    return "\n".join(text)


@needs("induction.json")
def induction_section(ind) -> str:
    default = DEFAULT_CANDIDATE
    summary = ind["summary"]

    def row(s: str, c: str) -> dict | None:
        return next((r for r in summary if r["set"] == s and r["candidate"] == c), None)

    cands = list(dict.fromkeys(r["candidate"] for r in summary if r["set"] == "wiki"))
    body = []
    for c in cands:
        w, sv = row("wiki", c), row("senseval", c) or {}
        name = f"**{plain_name(c)}** (the Explorer's default)" if c == default else plain_name(c)
        body.append([name, num(w["ari_auto"]), num(w["ari_gold_k"]), num(w["form_ari"]), num(w["k_within_1"], 0),
                     num(sv.get("ari_auto")), num(sv.get("ari_gold_k")), num(sv.get("form_ari"))])
    n_wiki = row("wiki", default)["words"]
    small = [[s, num(row(s, default)["ari_auto"]), num(row(s, default)["ari_gold_k"])]
             for s in ("wiki n=30", "wiki n=60", "wiki", "senseval n=30", "senseval n=60", "senseval") if row(s, default)]
    per_word = [[r["set"], r["word"], num(r["n"]), num(r["k_gold"]), num(r["k_major"]), num(r["k_auto"]), num(r["ari_auto"]),
                 num(r["ari_gold_k"])]
                for r in ind["rows"] if r["set"] in ("wiki", "senseval") and r["candidate"] == default]
    d_wiki, d_sv = row("wiki", default), row("senseval", default)
    text = ["## Sense clusters", "",
            "`python -m benchmarks.evaluate --induction` (`induction.json`, `induction.md`) runs the Explorer's own "
            "`senses.explore.analyse` on two gold sets: `senses/gold/` (ambiguous words of the default corpus, "
            f"every occurrence up to 150 labelled by hand; {n_wiki} words with two senses or more) and NLTK's "
            "senseval data. ARI: agreement of the automatic clusters with the gold senses (1 = identical, "
            "0 = chance); at gold k: with the number of clusters set to the gold number of senses; form-ARI: "
            "agreement with the lower-cased spelling (high = the clusters follow spelling); k ±1: words whose "
            "automatic number of clusters is within one of the gold number of senses.", "",
            table(["representation", "wiki ARI", "wiki ARI at gold k", "wiki form-ARI", f"wiki k ±1 (of {n_wiki})",
                   "senseval ARI", "senseval ARI at gold k", "senseval form-ARI"], body), "",
            "Small corpora (the default view on seeded samples of n occurrences of each gold word, every fit seeing "
            "only those):", "", table(["set", "ARI", "ARI at gold k"], small), "",
            "**Least typical uses.** Of the occurrences the Explorer lists as least typical of their cluster, "
            f"{num(100 * d_wiki['misfit_least_typical'], 0)} % are of another sense than most of their cluster, "
            f"against {num(100 * d_wiki['misfit_all'], 0)} % of all occurrences (wiki); senseval "
            f"{num(100 * d_sv['misfit_least_typical'], 0)} % against {num(100 * d_sv['misfit_all'], 0)} %.", "",
            "Per word, the default view:", "",
            table(["set", "word", "occurrences", "gold senses", "with ≥ 8 occurrences", "automatic k", "ARI",
                   "ARI at gold k"], per_word)]
    cold = ind["meta"].get("cold_view")
    if cold:
        text += ["", f"Cold default view (search result to named clusters) for {cold['occurrences']} occurrences of "
                 f"\"{cold['word']}\": {num(cold['default_s'], 2)} s."]
    return "\n".join(text)


@needs("names.json")
def names_section(names) -> str:
    rows = [[r["set"], num(r["words"]), num(r["senses"]), num(r["named"]), num(r["share"]), num(r["major_senses"]),
             num(r["major_named"]), num(r["major_share"])] for r in names["summary"]]
    return "\n".join([
        "## Cluster names", "",
        "`python -m benchmarks.evaluate --names` (`names.json`): for each hand-labelled sense, the cluster of the "
        "default view that holds most of its occurrences; is one of the sense's expected words "
        "(`senses/gold/keywords/keywords.tsv`, written from the sense labels before any name was looked at) "
        "in that cluster's name? Senses with ≥ 8 occurrences are counted apart. Several small senses share "
        "their majority cluster with a bigger sense, whose words then name it.", "",
        table(["set", "words", "senses", "named", "share", "senses (≥ 8)", "named", "share"], rows)])


@needs("shift.json")
def shift_section(sh) -> str:
    meta, cost = sh["meta"], sh["meta"].get("cost") or {}
    rows = [[r["design"], num(r["n"]), f"{r['planted_a']:.2f}/{r['planted_b']:.2f}", f"{r['est_a']:.3f}/{r['est_b']:.3f}",
             num(r["mae"]), num(r["planted_jsd"]), num(r["jsd"]), num(r["shift_rate"]), num(r["k1_rate"]),
             num(r["with_replacement"])] for r in sh["summary"]]
    text = ["## Sense shift between two sides", "",
            f"`benchmarks/bench_shift.py` (`shift.json`): planted shifts from the hand-labelled senses of "
            f"{len(meta['words'])} gold words whose two main senses have ≥ {meta['min_sense']} occurrences each "
            f"({', '.join(meta['words'])}); {meta['repeats']} seeded pairs of samples per word, design and n, each "
            "pair clustered anew with the Explorer's default view; share of the first sense on side A / B, "
            "planted and estimated (clusters mapped to gold senses by majority), mean absolute error, "
            "Jensen–Shannon divergence (bits), and how often the permutation test "
            f"({meta['rounds']} rounds) says \"shift\" at p < {meta['alpha']}. \"exact\": each side holds "
            "exactly half of each sense; \"drawn\": each occurrence goes to a side at random (the test's null). "
            "A sense with too few labelled occurrences is drawn with replacement (last column: share of such "
            "pairs).", "",
            table(["design", "n per side", "planted A/B", "estimated A/B", "MAE", "planted JSD", "JSD",
                   "says shift", "k = 1", "with replacement"], rows)]
    if cost:
        text += ["", f"Cost (\"{cost['word']}\" on {cost['corpus']}, best of {cost['repeats']}): one side of "
                 f"{cost['n_per_side']} occurrences {num(cost['one_side_s'], 2)} s, two sides of "
                 f"{cost['n_per_side']} {num(cost['two_sides_s'], 2)} s (ratio {num(cost['ratio'], 2)})."]
    return "\n".join(text)


def examples_section() -> str | None:
    sys.path.insert(0, str(ROOT))
    from senses import measured

    t = measured.example_table()
    if t["ari_auto"].isna().all():
        return None
    words = measured.pick_examples(t)
    t = t.assign(picked=[("first" if w == words[0] else "yes") if w in words else "" for w in t["word"]])
    t = t.sort_values(["ari_auto", "word"], ascending=[False, True], na_position="last")
    rows = [[r.word, num(int(r.occurrences)), num(int(r.senses)), r.majority_sense, num(100 * r.majority_share, 0),
             num(r.ari_auto), r.picked] for r in t.itertuples()]
    return "\n".join([
        "## The Explorer's example words", "",
        "`senses.measured` picks the words offered under \"Try:\" (the first is the word the Explorer opens on): "
        f"gold words with at least 2 senses of ≥ 8 occurrences, the most frequent sense at most "
        f"{num(100 * measured.MAX_MAJORITY, 0)} % of the labelled occurrences, and an ARI of the default view "
        f"(above) of at least {measured.MIN_ARI}; best ARI first, {measured.N_EXAMPLES} at most.", "",
        table(["word", "labelled", "senses (≥ 8)", "most frequent sense", "its share %", "ARI", "offered"], rows)])


def speed_section() -> str | None:
    emb, app, bank, first = _load("embedder.json"), _load("app.json"), _load("app_bank.json"), _load("first_run.json")
    text = ["## Speed", ""]
    if emb:
        b = next(r for r in emb["results"] if r["model"] == "elmo/models/en")
        o = next((r for r in emb["results"] if r["model"] != "elmo/models/en"), None)
        text += [f"**Embedding** (`benchmarks/bench_embedder.py --threads {emb['torch_threads']}`, "
                 f"`embedder.json`): {num(b['tokens_per_s'], 0)} tokens/s for the bundled model on "
                 f"{emb['torch_threads']} thread(s) ({num(b['sentences'])} wiki sentences; "
                 f"{num(b['mflops_per_token'], 2)} MFLOP/token, {num(b['executed_gflops_per_s'], 1)} GFLOP/s, "
                 f"{num(100 * b['fraction_of_peak'], 0)} % of the measured matmul peak)"
                 + (f"; a random model of the original ELMo shape: {num(o['tokens_per_s'], 0)} tokens/s." if o else "."),
                 ""]
    views = [v for v in (bank, app) if v]
    if views:
        text += ["**Word to plot** (`benchmarks/bench_app.py --word WORD`, `app.json`, `app_bank.json`: the cached "
                 "pipeline the Explorer calls, cold, bundled model, one thread):", "",
                 table(["word", "occurrences", "to the plot", "to the names", "search", "biLM pass", "clustering",
                        "warm", "peak RSS"],
                       [[v["word"], num(v["occurrences"]), f"{num(v['cold_plot_s'], 2)} s",
                         f"{num(v['cold_names_s'], 2)} s", f"{num(v['cold_steps_s']['search_s'], 2)} s",
                         f"{num(v['cold_steps_s']['embed_s'], 2)} s", f"{num(v['cold_steps_s']['analyse_s'], 2)} s",
                         f"{num(1000 * v['warm_s'], 1)} ms", f"{num(v['peak_rss_mb'], 0)} MB"] for v in views]), ""]
    if first:
        w = first["browser"]["wall_s"]
        cpu = first["browser"]["server_cpu_s"]
        word = first["browser"]["first_title"].split("”")[0].lstrip("“")
        rows = [[k, f"{num(v, 2)} s", f"{num(cpu[k], 2)} s" if k in cpu else ""] for k, v in w.items()
                if k != "server_start"]
        text += [f"**First run** (`benchmarks/bench_first_run.py`, `first_run.json`: a fresh `streamlit run` on an "
                 f"empty data folder, chromium driven by Playwright on the same machine, bundled model, first word "
                 f"\"{word}\"):", "", table(["step", "wall", "server CPU"], rows), ""]
        stages = first.get("stages_s") or {}
        if stages:
            text += ["Stages in a fresh process: " + ", ".join(f"{k.removesuffix('_s').replace('_', ' ')} "
                                                               f"{num(v, 2)} s" for k, v in stages.items()
                                                               if k.endswith("_s")) + ".", ""]
    return "\n".join(text).rstrip() if len(text) > 2 else None


@needs("corpora.json", "corpora_lines.json")
def corpora_section(cor, lines) -> str:
    rows = []
    for r in cor["results"]:
        q = r["queries"]
        lim = next(v for k, v in q.items() if k.startswith("time (limit=300)"))
        unl = next(v for k, v in q.items() if k.startswith("time (limit=None)"))
        rows.append([r["corpus"], num(r["documents"]), num(r["tokens"]), f"{num(r['ingest_tokens_per_s'])} tok/s",
                     f"{num(lim['median_ms'], 1)} ms", f"{num(unl['median_ms'], 1)} ms ({num(unl['hits'])} hits)"])
    text = ["## Corpora", "", "`benchmarks/bench_corpora.py` (`corpora.json`): ingestion and search (\"time\", "
            "median of repeated queries).", "",
            table(["corpus", "documents", "tokens", "ingestion", "search, 300 occurrences", "search, all"], rows)]
    if lines:
        text += ["", "One sentence per line, no blank lines (`--lines`, `corpora_lines.json`): " + ", ".join(
            f"{num(r['mb'], 0)} MB {num(r['tokens_per_s'])} tok/s (peak RSS {num(r['max_rss_mb'])} MB)"
            for r in lines["results"]) + "."]
    return "\n".join(text)


@needs("shapes.json")
def shapes_section(sh) -> str:
    seen, rows = set(), []
    for r in sh["results"]:
        if r["shape"] in seen:
            continue
        seen.add(r["shape"])
        rows.append([r["shape"], num(r["body_parameters"]), num(r["tokens_per_cpu_s"]), num(r["clipped_tokens_per_cpu_s"])])
    return "\n".join(["## Model shapes", "",
                      f"`benchmarks/bench_shapes.py` (`shapes.json`): embedding speed of random models of the shapes "
                      f"in `benchmarks/shapes/` ({sh['threads']} thread, tokens per CPU-second; see "
                      "`docs/training.md`).", "",
                      table(["shape", "body parameters", "tokens/s", "with LSTM clipping"], rows)])


SECTIONS: tuple[Callable[[], str | None], ...] = (
    model_section, evaluation_section, induction_section, names_section, shift_section, examples_section, speed_section,
    corpora_section, shapes_section)


def render() -> str:
    """The text of docs/benchmarks.md from the current results."""
    parts = ["# Measured figures", "",
             "Written by `python benchmarks/write_docs.py` from `benchmarks/results/*.json`; each section names "
             "the script that measures its figures. Times were measured on a 2-core CPU machine without a GPU, "
             "one torch thread unless said."]
    parts += ["\n" + s for s in (f() for f in SECTIONS) if s]
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that docs/benchmarks.md is up to date")
    a = ap.parse_args(argv)
    text = render()
    if a.check:
        fresh = DOC.is_file() and DOC.read_text(encoding="utf-8") == text
        print("docs/benchmarks.md is up to date" if fresh else "docs/benchmarks.md is stale: run "
              "python benchmarks/write_docs.py")
        return 0 if fresh else 1
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
