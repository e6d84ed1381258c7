"""Quality and speed of topic scoring on every kind of corpus, method by method.

    nice python bench/eval_topics.py --arxiv PATH/arxiv_ml_1000.csv --ng PATH/20newsgroups_test.csv \
        [--stories PATH/news_stories_dev.csv] [--cache /work/cache/emb] [--ng-short] [--feedback]

The data is read from the paths given (never copied into the project); other files with the same columns work
too (the corpora take what they have, up to the sizes below, and are labelled with the counts used). Corpora:

- `news fixture`: bench/fixtures/news_4class.csv, 80 snippets written for this project (4 balanced topics);
- `short 4`: 2,000 posts of 20 Newsgroups from 4 coarse groups (computers, sports, science, politics),
  500 each, as short news items: subject line + first sentence;
- `batch 80`: the first 80 of those alone (a daily batch), and `batch 80 + history`: the same 80 scored
  with `results=` in a store that also holds the other 1,920 (the history);
- `batches of 80`: the mean over 30 random batches of 80 of those 2,000 (one batch is a noisy measure);
- `full 5`: 1,000 whole posts from 5 coarse groups (+ religion), 200 each;
- `newswire`: 985 whole posts, 10 overlapping topics of very different sizes (2 % to 42 %; "computers"
  contains "computer hardware", "sports" contains "ice hockey"), 14 % of posts in none of them: ROC-AUC;
- `sections 5` / `sections 4 short`: the mean over 8 draws of 5 (4) of 12 newsgroups named by a broad news-desk
  word ('health', 'sport', 'business', 'world news'...), 200 whole posts of at least 60 words (300 short items)
  each: topics that are the corpus's natural clusters under vague names, as a newspaper's sections are;
- `arXiv`: 1,000 ML abstracts, 8 overlapping categories named in plain words: ROC-AUC;
- `arXiv single`: the abstracts by their first-listed category, up to 60 each of cs.CV, cs.LG, stat.ML, cs.RO and
  cs.CL (single-label: argmax accuracy);
- `headlines 4` (`--stories`): 1,600 news headlines of the UCI News Aggregator data, 400 from each of its four
  categories (business, science and technology, entertainment, health), headline alone;
- `20 Newsgroups`: all 7,532 posts, one plain-language topic per group (`--ng-short`: subject + first
  sentence instead of whole posts).

Methods (all through `Searcher.get_topic_score_df`): `seed` ('text is about {}', zero-shot), `adapt=False`
(the default template, zero-shot), `default` (adapt=None), `calibrate=True` (its argmax or AUC, the
expected calibration error over 10 bins one-vs-rest, and the fewest distinct values among a topic's best 50).
`--feedback` adds the gain from reader judgements; the timing line scores 10,000 stored articles against
15 topics.
"""
import argparse, ast, re, tempfile, time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from pytorch_hackathon.document_store import InMemoryDocumentStore
from pytorch_hackathon.embeddings import Encoder
from pytorch_hackathon.topic_scoring import Searcher, document_texts, topic_query_vectors, topic_scores
from common import read_table, usable_folder

ARXIV = {"cs.CV": "computer vision", "cs.LG": "machine learning", "stat.ML": "statistics",
         "cs.AI": "artificial intelligence", "eess.IV": "image and video processing", "cs.RO": "robotics",
         "cs.CL": "natural language processing", "cs.NE": "neural and evolutionary computing"}
NG = {"alt.atheism": "atheism", "comp.graphics": "computer graphics", "comp.os.ms-windows.misc": "microsoft windows",
      "comp.sys.ibm.pc.hardware": "pc hardware", "comp.sys.mac.hardware": "mac hardware", "comp.windows.x": "the x window system",
      "misc.forsale": "things for sale", "rec.autos": "cars", "rec.motorcycles": "motorcycles", "rec.sport.baseball": "baseball",
      "rec.sport.hockey": "hockey", "sci.crypt": "cryptography", "sci.electronics": "electronics", "sci.med": "medicine",
      "sci.space": "space exploration", "soc.religion.christian": "christianity", "talk.politics.guns": "gun control",
      "talk.politics.mideast": "the middle east", "talk.politics.misc": "politics", "talk.religion.misc": "religion"}
COARSE = {"computers": lambda g: g.startswith("comp."), "sports": lambda g: g.startswith("rec.sport"),
          "science": lambda g: g.startswith("sci."), "politics": lambda g: g.startswith("talk.politics"),
          "religion": lambda g: g in ("alt.atheism", "soc.religion.christian", "talk.religion.misc")}
NEWSWIRE = {"computers": [g for g in NG if g.startswith("comp.")], "computer hardware": ["comp.sys.ibm.pc.hardware", "comp.sys.mac.hardware"],
            "sports": ["rec.sport.baseball", "rec.sport.hockey"], "ice hockey": ["rec.sport.hockey"], "cars": ["rec.autos"],
            "space exploration": ["sci.space"], "medicine": ["sci.med"],
            "religion": ["alt.atheism", "soc.religion.christian", "talk.religion.misc"], "gun control": ["talk.politics.guns"],
            "the middle east": ["talk.politics.mideast"]}
NEWSWIRE_SIZES = {"comp.graphics": 100, "comp.os.ms-windows.misc": 100, "comp.sys.ibm.pc.hardware": 75, "comp.sys.mac.hardware": 40,
                  "comp.windows.x": 100, "rec.sport.baseball": 100, "rec.sport.hockey": 40, "rec.autos": 30, "sci.space": 75, "sci.med": 30,
                  "alt.atheism": 15, "soc.religion.christian": 30, "talk.religion.misc": 15, "talk.politics.guns": 40, "talk.politics.mideast": 25,
                  "misc.forsale": 50, "rec.motorcycles": 30, "sci.crypt": 30, "sci.electronics": 30, "talk.politics.misc": 30}
SECTIONS = {"rec.autos": "cars and transport", "sci.med": "health", "comp.graphics": "technology", "talk.politics.mideast": "world news",
            "rec.sport.baseball": "sport", "soc.religion.christian": "faith", "misc.forsale": "business", "sci.space": "science",
            "talk.politics.guns": "politics", "rec.motorcycles": "leisure", "comp.windows.x": "software", "sci.electronics": "electronics"}
FIXTURE_TOPICS = {"World": "world news", "Sports": "sports", "Business": "business", "Sci/Tech": "science and technology"}

# ---------------------------------------------------------------- corpora
def load_arxiv(path):
    "(articles, topics, (n, 8) labels)"
    raw = read_table(path, ["titles", "summaries", "terms"], "arXiv file")
    clean = lambda s: s.str.replace(r"\s+", " ", regex=True).str.strip()
    df = pd.DataFrame({"id": [f"a{i}" for i in range(len(raw))], "title": clean(raw["titles"]), "text": clean(raw["summaries"])})
    terms = raw["terms"].map(ast.literal_eval)
    return df, list(ARXIV.values()), np.array([[c in t for c in ARXIV] for t in terms], dtype=int)

def arxiv_single(path, cats=("cs.CV", "cs.LG", "stat.ML", "cs.RO", "cs.CL"), per=60, seed=0):
    "(abstracts, topics, labels): up to `per` abstracts of each first-listed category (single-label)."
    df, _, _ = load_arxiv(path)
    first = read_table(path, ["terms"], "arXiv file")["terms"].map(lambda t: ast.literal_eval(t)[0]).to_numpy()
    rng, idx, y, names = np.random.default_rng(seed), [], [], []
    for c in cats:
        pool = np.flatnonzero(first == c)
        if len(pool) < 10: continue
        idx += list(rng.choice(pool, min(len(pool), per), replace=False)); y += [len(names)] * min(len(pool), per); names.append(ARXIV[c])
    return df.iloc[idx].reset_index(drop=True), names, np.array(y)

STORIES = {"b": "business", "t": "science and technology", "e": "entertainment", "m": "health"}
def headlines(path, per=400, seed=0):
    "(headlines, topics, labels): `per` headlines of each category of the UCI News Aggregator data (single-label)."
    raw, rng, idx, y = read_table(path, ["TITLE", "CATEGORY"], "stories file"), np.random.default_rng(seed), [], []
    for j, c in enumerate(STORIES):
        pool = np.flatnonzero((raw["CATEGORY"] == c).to_numpy())
        idx += list(rng.choice(pool, min(per, len(pool)), replace=False)); y += [j] * min(per, len(pool))
    df = pd.DataFrame({"id": [f"h{i}" for i in idx], "title": raw["TITLE"].to_numpy()[idx], "text": ""})
    return df, list(STORIES.values()), np.array(y)

def split_post(post:str) -> tuple:
    "(subject, body) of a newsgroup post: headers, quoted lines and attribution lines dropped."
    head, _, body = post.partition("\n\n")
    subj = next((l[8:].strip() for l in head.splitlines() if l.lower().startswith("subject:")), "")
    subj = re.sub(r"^(re:\s*)+", "", subj, flags=re.I).strip()
    lines = [l for l in body.splitlines() if not l.lstrip().startswith((">", "|", ":")) and not re.search(r"(writes|wrote):\s*$", l)]
    return subj, re.sub(r"\s+", " ", " ".join(lines)).strip()

def first_sentence(text:str, max_words:int=40) -> str:
    m = re.match(r"(.{20,}?[.!?])(\s|$)", text)
    return " ".join((m.group(1) if m else text).split()[:max_words])

def load_20ng(path) -> pd.DataFrame:
    raw = read_table(path, ["newsgroup", "text"], "newsgroups file")
    parts = raw["text"].astype(str).map(split_post)
    return pd.DataFrame({"id": [f"n{i}" for i in range(len(raw))], "title": parts.str[0], "text": parts.str[1], "group": raw["newsgroup"]})

def short(ng:pd.DataFrame) -> pd.DataFrame: return ng.assign(text=ng["text"].map(first_sentence))

def balanced(ng, names, per, seed):
    "(rows, labels): up to `per` posts of each coarse group, shuffled."
    rng, idx, y = np.random.default_rng(seed), [], []
    for j, name in enumerate(names):
        pool = np.flatnonzero(ng["group"].map(COARSE[name]).to_numpy())
        idx += list(rng.choice(pool, min(per, len(pool)), replace=False)); y += [j] * min(per, len(pool))
    order = rng.permutation(len(idx))
    return np.array(idx)[order], np.array(y)[order]

def newswire(ng, seed=0):
    "(rows, (n, 10) labels) of the imbalanced, overlapping corpus."
    rng, idx = np.random.default_rng(seed), []
    for g, n in NEWSWIRE_SIZES.items(): idx += list(rng.choice(pool := np.flatnonzero(ng["group"] == g), min(n, len(pool)), replace=False))
    idx = rng.permutation(np.array(idx))
    groups = ng["group"].to_numpy()[idx]
    return idx, np.array([[g in gs for gs in NEWSWIRE.values()] for g in groups], dtype=int)

def sections(ng, seed, k=5, per=200, min_words=60, short_items=False):
    "(posts, topics, labels): `per` posts of each of `k` random `SECTIONS` groups, named by their broad word."
    rng, words = np.random.default_rng(seed), ng["text"].str.split().str.len().to_numpy()
    groups, idx, y = rng.choice(list(SECTIONS), k, replace=False), [], []
    for j, g in enumerate(groups):
        pool = np.flatnonzero((ng["group"] == g).to_numpy() & (words >= (0 if short_items else min_words)))
        idx += list(rng.choice(pool, min(per, len(pool)), replace=False)); y += [j] * min(per, len(pool))
    order = rng.permutation(len(idx))
    df = ng.iloc[np.array(idx)[order]].reset_index(drop=True)
    return (short(df) if short_items else df), [SECTIONS[g] for g in groups], np.array(y)[order]

def corpora(args) -> dict:
    "name -> (articles, topics, labels: (n,) class indices or (n, k) 0/1), or a list of them (draws whose figures are averaged)"
    out = {}
    fx = read_table(args.news, ["label", "title", "text"], "news fixture")
    out[f"news fixture ({len(fx):,})"] = (fx.drop(columns="label"), list(FIXTURE_TOPICS.values()), fx["label"].map(list(FIXTURE_TOPICS).index).to_numpy())
    if args.ng:
        ng = load_20ng(args.ng)
        ng = ng[ng["group"].isin(list(NG))].reset_index(drop=True)  # the groups this script names
        names = ["computers", "sports", "science", "politics"]
        i, y = balanced(ng, names, 500, seed=1)
        s4 = short(ng).iloc[i].reset_index(drop=True)
        out[f"short 4 ({len(y):,})"] = (s4, names, y)
        out["batch 80"] = (s4[:80], names, y[:80])
        rng = np.random.default_rng(3)
        draws = [rng.choice(len(y), min(80, len(y)), replace=False) for _ in range(30)]
        out["batches of 80 (30 draws)"] = [(s4.iloc[d].reset_index(drop=True), names, y[d]) for d in draws]
        i5, y5 = balanced(ng, list(COARSE), 200, seed=2)
        out[f"full 5 ({len(y5):,})"] = (ng.iloc[i5].reset_index(drop=True), list(COARSE), y5)
        iw, Y = newswire(ng)
        out[f"newswire ({len(iw):,}, AUC)"] = (ng.iloc[iw].reset_index(drop=True), list(NEWSWIRE), Y)
        out["sections 5 (8 draws)"] = [sections(ng, 200 + s) for s in range(8)]
        out["sections 4 short (8 draws)"] = [sections(ng, 200 + s, k=4, per=300, short_items=True) for s in range(8)]
    if args.arxiv:
        ax = load_arxiv(args.arxiv)
        out[f"arXiv ({len(ax[0]):,}, AUC)"] = ax
        out["arXiv single (first category)"] = arxiv_single(args.arxiv)
    if args.stories:
        hl = headlines(args.stories)
        out[f"headlines 4 ({len(hl[0]):,})"] = hl
    if args.ng:
        g = ng["group"].to_numpy()
        out[f"20 Newsgroups ({len(ng):,})"] = ((short(ng) if args.ng_short else ng), list(NG.values()), np.array([list(NG).index(x) for x in g]))
    return out

# ---------------------------------------------------------------- metrics
def quality(P:np.ndarray, y:np.ndarray) -> float:
    "Argmax accuracy (single-label) or macro ROC-AUC (multi-label)."
    if y.ndim == 1: return float((P.argmax(1) == y).mean())
    return float(np.mean([roc_auc_score(y[:, j], P[:, j]) for j in range(y.shape[1]) if 0 < y[:, j].sum() < len(y)]))

def one_hot(y:np.ndarray, k:int) -> np.ndarray: return np.eye(k, dtype=int)[y] if y.ndim == 1 else y

def ece(P:np.ndarray, Y:np.ndarray, bins:int=10) -> float:
    "Expected calibration error over all (article, topic) pairs, one-vs-rest, `bins` equal-width bins."
    p, y = P.ravel(), Y.ravel()
    b = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[b == i].mean() - y[b == i].mean()) * (b == i).sum() for i in range(bins) if (b == i).any()) / len(p))

def distinct_top(P:np.ndarray, n:int=50) -> int:
    "The fewest distinct values among any topic's `n` best scores."
    return int(min(len(np.unique(np.sort(P[:, j])[-n:])) for j in range(P.shape[1])))

def markdown(table:pd.DataFrame) -> str:
    "`table` as a markdown table (3 decimals), for the notebook."
    cell = lambda v: f"{v:.3f}" if isinstance(v, float) and not float(v).is_integer() else f"{v:g}"
    lines = ["| corpus | " + " | ".join(table.columns) + " |", "|---" * (len(table.columns) + 1) + "|"]
    return "\n".join(lines + [f"| {i} | " + " | ".join(cell(v) for v in row) + " |" for i, row in zip(table.index, table.to_numpy())])

def scores(searcher, topics, **kw) -> np.ndarray: return searcher.get_topic_score_df(topics, **kw)[topics].to_numpy()

# ---------------------------------------------------------------- report
def evaluate(name, df, topics, y, encoder, history=None) -> dict:
    "One row of the table: every method on one corpus."
    s = Searcher(encoder=encoder)
    s.add_texts(pd.concat([df, history]) if history is not None else df)
    kw = dict(results=df["id"]) if history is not None else {}
    t = time.perf_counter(); P = scores(s, topics, **kw); sec = time.perf_counter() - t
    C = scores(s, topics, calibrate=True, **kw)
    return {"seed": quality(scores(s, topics, template="text is about {}", adapt=False, **kw), y),
            "adapt=False": quality(scores(s, topics, adapt=False, **kw), y), "default": quality(P, y),
            "calibrate": quality(C, y), "ECE": ece(C, one_hot(y, len(topics))), "distinct/50": distinct_top(C), "s": sec}

def feedback_curve(df, topics, y, encoder, steps=(0, 1, 2, 5, 10, 20), seed=0) -> dict:
    "n -> (accuracy or AUC on the articles nobody judged after n judgements per topic of each topic's best unjudged articles, its gain over no feedback)."
    s = Searcher(encoder=encoder); s.add_texts(df)
    Y, rows, judged, out = one_hot(y, len(topics)), [], set(), {}
    P0 = scores(s, topics)
    path = Path(tempfile.mkdtemp()) / "feedback.csv"
    for n in steps:
        P = scores(s, topics, feedback=path if rows else None)
        while len(rows) < n * len(topics):  # the reader judges the best card of each topic not yet judged
            for j, t in enumerate(topics):
                i = next(i for i in np.argsort(-P[:, j]) if (i, j) not in judged)
                judged.add((i, j)); rows.append((df["id"].iloc[i], t, "+1" if Y[i, j] else "-1"))
        pd.DataFrame(rows, columns=["article", "topic", "label"]).to_csv(path, index=False)
        P = scores(s, topics, feedback=path if rows else None)
        free = np.setdiff1d(np.arange(len(df)), [i for i, _ in judged])
        out[n] = (quality(P[free], y[free]), quality(P[free], y[free]) - quality(P0[free], y[free]))
    return out

def timing(encoder, X:np.ndarray, n:int=10_000, k:int=15) -> dict:
    "Seconds to score `n` stored articles against `k` topics, per method, and a reference matrix product."
    X = X[np.arange(n) % len(X)]
    store = InMemoryDocumentStore()
    store.write_documents(pd.DataFrame({"id": [f"d{i}" for i in range(n)]}), X + 1e-4 * np.random.default_rng(0).normal(size=X.shape), id_col="id")
    s = Searcher(encoder=encoder, document_store=store)
    topics = [f"topic number {i}" for i in range(k)]
    s.get_topic_score_df(topics[:1], adapt=False)  # warm up
    out = {}
    for name, kw in {"adapt=False": dict(adapt=False), "default": {}, "calibrate=True": dict(calibrate=True)}.items():
        t = time.perf_counter(); s.get_topic_score_df(topics, **kw); out[name] = time.perf_counter() - t
    t = time.perf_counter(); X @ X[:2048].T; out["reference: a 10,000 x 2,048 x 384 matrix product"] = time.perf_counter() - t
    return out

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arxiv", help="path to arxiv_ml_1000.csv (outside the project)")
    p.add_argument("--ng", help="path to 20newsgroups_test.csv (outside the project)")
    p.add_argument("--stories", help="path to news_stories_dev.csv (outside the project): headlines by category")
    p.add_argument("--news", default=str(Path(__file__).parent / "fixtures" / "news_4class.csv"), help="the news fixture")
    p.add_argument("--cache", default=None, help="embedding cache folder (embed each text once across runs)")
    p.add_argument("--ng-short", action="store_true", help="20 Newsgroups as subject + first sentence (much faster to embed)")
    p.add_argument("--feedback", action="store_true", help="also measure the gain from reader judgements")
    p.add_argument("--skip", nargs="*", default=[], help="corpora to leave out (names as printed, prefix is enough)")
    a = p.parse_args()
    enc = Encoder(cache_dir=usable_folder(a.cache, "cache folder"))
    data = {k: v for k, v in corpora(a).items() if not any(k.startswith(s) for s in a.skip)}
    rows = {}
    for name, corpus in data.items():
        if isinstance(corpus, list):
            draws = pd.DataFrame([evaluate(name, *draw, enc) for draw in corpus])
            rows[name] = draws.mean().to_dict() | {"distinct/50": draws["distinct/50"].min()}
            print(name, {k: round(v, 3) for k, v in rows[name].items()}, flush=True)
            continue
        df, topics, y = corpus
        rows[name] = evaluate(name, df, topics, y, enc)
        if name == "batch 80" and (s4 := next((k for k in data if k.startswith("short 4")), None)):
            hist = data[s4][0].iloc[80:]
            rows[f"batch 80 + {len(hist):,} history"] = evaluate(name, df, topics, y, enc, history=hist)
        print(name, {k: round(v, 3) for k, v in rows[name].items()}, flush=True)
    table = pd.DataFrame(rows).T
    with pd.option_context("display.width", 200):
        print("\naccuracy (AUC where marked); calibrate: its argmax accuracy (AUC), ECE, distinct values among each topic's best 50")
        print(markdown(table))
    if a.feedback:
        curves = {name: feedback_curve(*data[name], enc) for name in data if name.startswith(("short 4", "full 5", "arXiv (", "newswire", "headlines"))}
        print("\nfeedback: quality on the unjudged articles after n judgements per topic (the reader judges each topic's best unjudged card)")
        print(pd.DataFrame({k: {n: v[0] for n, v in c.items()} for k, c in curves.items()}).T.round(3).to_string())
        print("gain over no feedback on the same (unjudged) articles")
        print(pd.DataFrame({k: {n: v[1] for n, v in c.items()} for k, c in curves.items()}).T.round(3).to_string())
    X = np.concatenate([enc.encode(document_texts(c[0])) for c in data.values() if not isinstance(c, list)])
    print("\nscoring 10,000 stored articles against 15 topics (seconds):")
    for k, v in timing(enc, X).items(): print(f"  {k}: {v:.2f}")
