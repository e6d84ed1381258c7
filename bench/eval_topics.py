"""Quality of topic scoring: multi-label ranking on arXiv abstracts, 4-class news argmax accuracy.

    python bench/eval_topics.py PATH/arxiv_ml_1000.csv [--news bench/fixtures/news_4class.csv] [--fp32]

The arXiv CSV (columns `titles`, `summaries`, `terms` as a list literal) is read from the path given and
never copied. Each arXiv category is scored by a topic phrase (its arXiv name, lower-cased), and the script
prints the macro ROC-AUC and average precision over all 8 categories and over the 4 named in issue 6
(cs.CV, cs.CL, stat.ML, cs.RO), for the seed's method and for ours. The news fixture (80 snippets written
for this project, 20 per World / Sports / Business / Sci-Tech) is scored with four differently worded sets
of topic descriptions, and the script prints the argmax accuracy with and without `adapt`.
"""
import argparse, ast, time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from pytorch_hackathon.topic_scoring import Searcher

CATEGORIES = {  # arXiv category -> topic phrase (the category's own name, lower-cased)
    "cs.CV": "computer vision", "cs.CL": "natural language processing", "stat.ML": "statistics",
    "cs.RO": "robotics", "cs.LG": "machine learning", "cs.AI": "artificial intelligence",
    "eess.IV": "image and video processing", "cs.NE": "neural and evolutionary computing"}
ISSUE_FOUR = ["cs.CV", "cs.CL", "stat.ML", "cs.RO"]
ENSEMBLE = ["{}", "text is about {}", "this article is about {}"]
NEWS_TOPICS = {  # four wordings of the same four classes, so no single wording is tuned for
    "labels": ["World", "Sports", "Business", "Sci/Tech"],
    "short": ["world", "sports", "business", "science and technology"],
    "described": ["world news and international politics", "sports", "business, economy and finance", "science and technology"],
    "detailed": ["politics, wars and international affairs", "sports and games", "companies, markets and the economy",
                 "science, technology, computers and the internet"]}
NEWS_LABELS = NEWS_TOPICS["labels"]

def load_arxiv(path) -> tuple:
    "The abstracts as a DataFrame (id, title, text) and the (n, 8) 0/1 label matrix."
    raw = pd.read_csv(path)
    clean = lambda s: s.str.replace(r"\s+", " ", regex=True).str.strip()
    df = pd.DataFrame({"id": [f"a{i}" for i in range(len(raw))], "title": clean(raw["titles"]), "text": clean(raw["summaries"])})
    terms = raw["terms"].map(ast.literal_eval)
    Y = np.array([[c in t for c in CATEGORIES] for t in terms], dtype=int)
    return df, Y

def ranking_metrics(scores:pd.DataFrame, Y:np.ndarray) -> dict:
    "Macro ROC-AUC and AP over all categories and over the issue's four."
    cats = list(CATEGORIES)
    auc = [roc_auc_score(Y[:, j], scores[CATEGORIES[c]]) for j, c in enumerate(cats)]
    ap = [average_precision_score(Y[:, j], scores[CATEGORIES[c]]) for j, c in enumerate(cats)]
    four = [cats.index(c) for c in ISSUE_FOUR]
    return {"AUC(8)": np.mean(auc), "AP(8)": np.mean(ap), "AUC(4)": np.mean([auc[i] for i in four]),
            "AP(4)": np.mean([ap[i] for i in four]), **{f"AUC {c}": a for c, a in zip(cats, auc)}}

def calibration_summary(scores:pd.DataFrame, Y:np.ndarray) -> dict:
    "How calibrated scores compare with the labels: mean probability vs prevalence, F1 at 0.5."
    P = scores[list(CATEGORIES.values())].to_numpy()
    pred = P >= 0.5
    tp, fp, fn = (pred & (Y == 1)).sum(0), (pred & (Y == 0)).sum(0), (~pred & (Y == 1)).sum(0)
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return {"mean p": P.mean(), "prevalence": Y.mean(), "macro F1@0.5": f1.mean()}

def arxiv_report(path, quantize:bool):
    "Print the arXiv table: the seed's method vs our choices."
    df, Y = load_arxiv(path)
    topics = list(CATEGORIES.values())
    t0 = time.perf_counter()
    with_title = Searcher(quantize_model=quantize); with_title.add_texts(df)
    text_only = Searcher(quantize_model=quantize); text_only.add_texts(df.drop(columns="title"))
    print(f"embedded {len(df)} abstracts twice in {time.perf_counter() - t0:.0f} s (int8: {with_title.encoder.quantized})")
    runs = {
        "seed: text only, bare topics (what it embedded)": (text_only, dict(template="{}")),
        "seed as intended: text only, 'text is about {}'": (text_only, {}),
        "default: title. text, 'text is about {}'": (with_title, {}),
        "default + adapt": (with_title, dict(adapt=True)),
        "bare topic '{}'": (with_title, dict(template="{}")),
        "bare topic '{}' + adapt": (with_title, dict(template="{}", adapt=True)),
        "3-template ensemble": (with_title, dict(template=ENSEMBLE)),
        "3-template ensemble + adapt": (with_title, dict(template=ENSEMBLE, adapt=True)),
    }
    rows = {name: ranking_metrics(s.get_topic_score_df(topics, **kw), Y) for name, (s, kw) in runs.items()}
    table = pd.DataFrame(rows).T
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table[["AUC(8)", "AP(8)", "AUC(4)", "AP(4)"]].round(4).to_string())
        print(table[[c for c in table.columns if c.startswith("AUC ")]].round(3).to_string())
    cal = {name: calibration_summary(with_title.get_topic_score_df(topics, calibrate=True, **kw), Y)
           for name, kw in {"default + calibrate": {}, "default + adapt + calibrate": dict(adapt=True)}.items()}
    print(pd.DataFrame(cal).T.round(3).to_string())

def news_report(path, quantize:bool):
    "Print the 4-class argmax accuracy for each wording of the topics, without and with adapt."
    news = pd.read_csv(path)
    y = news["label"].map({l: i for i, l in enumerate(NEWS_LABELS)}).to_numpy()
    s = Searcher(quantize_model=quantize); s.add_texts(news.drop(columns="label"))
    rows = {}
    for name, topics in NEWS_TOPICS.items():
        acc = lambda **kw: float((s.get_topic_score_df(topics, **kw)[topics].to_numpy().argmax(1) == y).mean())
        rows[name] = {"plain": acc(), "adapt": acc(adapt=True), "calibrate": acc(calibrate=True),
                      "adapt+calibrate": acc(adapt=True, calibrate=True)}
    table = pd.DataFrame(rows).T
    table.loc["mean"] = table.mean()
    print(f"news fixture: {len(news)} snippets, argmax accuracy with template 'text is about {{}}'")
    print(table.round(3).to_string())

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("arxiv_csv", nargs="?", help="path to arxiv_ml_1000.csv (outside the project)")
    p.add_argument("--news", default=str(Path(__file__).parent / "fixtures" / "news_4class.csv"), help="the news fixture")
    p.add_argument("--fp32", action="store_true", help="full-precision model instead of int8")
    a = p.parse_args()
    news_report(a.news, not a.fp32)
    if a.arxiv_csv: arxiv_report(a.arxiv_csv, not a.fp32)
