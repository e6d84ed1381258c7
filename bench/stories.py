"""Story grouping quality and cost: B-cubed precision, recall and F1 of `group_stories` on several kinds of corpora,
and the seconds and peak memory of grouping 20,000 articles from precomputed embeddings.

usage: nice python bench/stories.py --stories PATH/news_stories_dev.csv \
           --newsgroups PATH/20newsgroups_test.csv [--n 20000] [--cache FOLDER]

Other files with the same columns work too; the newsgroup corpora take up to 800 posts of the file given.

Corpora (gold = the story of each article):
- headlines: many publishers' headlines of one story (`STORY`), with and without their dates;
- look-alike events: nbs/fixtures/stories/lookalike_events.csv, rewrites of matches, elections and earthquakes;
- newsgroup posts + exact copies: distinct posts are distinct stories, copies belong to their original;
- newsgroup posts + rewrites: posts of the same newsgroups are look-alikes, each rewrite (sentences dropped
  and swapped) belongs to its original.
"""
import argparse, json, os, re, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pytorch_hackathon.embeddings import Encoder
from pytorch_hackathon.stories import group_stories
from pytorch_hackathon.topic_scoring import document_texts
from common import fail, read_table, usable_folder


def bcubed(pred, gold):
    "B-cubed precision, recall and F1 of the labels `pred` against `gold`."
    df = pd.DataFrame({"p": pd.factorize(pd.Series(list(pred)).astype(str))[0],
                       "g": pd.factorize(pd.Series(list(gold)).astype(str))[0]})
    both = df.groupby(["p", "g"]).size()
    sp, sg = df.groupby("p").size(), df.groupby("g").size()
    p = (both**2 / sp.reindex(both.index.get_level_values(0)).to_numpy()).sum() / len(df)
    r = (both**2 / sg.reindex(both.index.get_level_values(1)).to_numpy()).sum() / len(df)
    return p, r, 2 * p * r / (p + r)


def split_post(raw):
    "(subject without 'Re:', body) of a newsgroup post with its headers."
    head, _, body = raw.partition("\n\n")
    m = re.search(r"^Subject:\s*(.*)$", head, re.M)
    return re.sub(r"^(re:\s*)+", "", (m.group(1) if m else "").strip(), flags=re.I), body.strip()


def newsgroup_posts(path, n, seed):
    "Up to `n` posts of the file at `path`, each its own story (a doc_id is unique within its newsgroup only)."
    ng = read_table(path, ["newsgroup", "doc_id", "text"], "newsgroups file")
    ng = ng.sample(min(n, len(ng)), random_state=seed).reset_index(drop=True)
    tt = [split_post(r) for r in ng.text.astype(str)]
    return pd.DataFrame({"title": [t for t, _ in tt], "text": [b for _, b in tt], "group": ng.newsgroup,
                         "gold": ng.newsgroup.astype(str) + "/" + ng.doc_id.astype(str)})


def rewrite(text, rng):
    "Another outlet's copy: about a quarter of the sentences dropped, some neighbours swapped."
    sents = [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if s.strip()]
    keep = [s for s in sents if rng.random() > 0.25] or sents[:2]
    for i in range(len(keep) - 1):
        if rng.random() < 0.3: keep[i], keep[i + 1] = keep[i + 1], keep[i]
    return " ".join(keep)


def duplicates_corpus(path, n=800, n_dup=120, seed=0):
    "Distinct posts are distinct stories; `n_dup` exact copies are the same story as their original."
    df = newsgroup_posts(path, n, seed)
    dup = df.iloc[np.random.default_rng(seed).choice(len(df), n_dup, replace=True)]
    return pd.concat([df, dup]).sample(frac=1, random_state=seed).reset_index(drop=True)


def rewrites_corpus(path, n=800, n_events=150, k=2, seed=1):
    "Posts of the same newsgroups are look-alikes; each of `n_events` posts gets `k` rewrites (same story)."
    df = newsgroup_posts(path, n, seed)
    rng = np.random.default_rng(seed)
    ev = df.iloc[rng.choice(len(df), min(n_events, len(df)), replace=False)]
    rw = pd.concat([ev.assign(text=[rewrite(t, rng) for t in ev.text]) for _ in range(k)])
    return pd.concat([df, rw]).sample(frac=1, random_state=seed).reset_index(drop=True)


def corpora(args):
    d = read_table(args.stories, ["TITLE", "PUBLISHER", "URL", "STORY", "TIMESTAMP"], "stories file")
    heads = pd.DataFrame({"title": d.TITLE, "text": "", "feed": d.PUBLISHER, "link": d.URL,
                          "date": pd.to_datetime(d.TIMESTAMP, unit="ms", utc=True), "gold": d.STORY})
    ev = read_table(args.fixtures, ["title", "event"], "fixtures file").assign(gold=lambda x: x.event)
    out = {"headlines, with dates": heads, "headlines, no dates or links": heads.drop(columns=["date", "link"]),
           "look-alike events (fixture)": ev, "look-alike events, no dates": ev.drop(columns="date")}
    if args.newsgroups:
        out["newsgroup posts + exact copies"] = duplicates_corpus(args.newsgroups)
        out["newsgroup posts + rewrites"] = rewrites_corpus(args.newsgroups)
    return out


def quality(args, encoder):
    data = {name: (df, encoder.encode(document_texts(df))) for name, df in corpora(args).items()}
    print(f"{'corpus':34s} {'rows':>6s} {'stories':>8s} {'found':>6s}  {'P':>6s} {'R':>6s} {'F1':>6s}  extra")
    for name, (df, E) in data.items():
        t = time.perf_counter()
        pred = group_stories(df.drop(columns="gold"), embeddings=E)
        secs = time.perf_counter() - t
        p, r, f = bcubed(pred, df.gold)
        extra = ""
        if "copies" in name:  # every exact copy merged with its original?
            keys = df.title + "\0" + df.text
            extra = f"copies merged: {(pd.Series(pred.to_numpy()).groupby(keys.to_numpy()).nunique() == 1).mean():.3f}"
        print(f"{name:34s} {len(df):6d} {df.gold.nunique():8d} {pred.nunique():6d}  {p:6.3f} {r:6.3f} {f:6.3f}  {secs:.1f}s {extra}", flush=True)
    if not args.sweep: return
    print("\nB-cubed P/R/F1 as min_similarity varies (the default is 0.45); corpora: " + ", ".join(f"[{n}] {c}" for n, c in enumerate(data, 1)))
    for m in args.sweep:
        cells = [bcubed(group_stories(df.drop(columns="gold"), embeddings=E, min_similarity=m), df.gold) for df, E in data.values()]
        print(f"  {m:.2f}  " + "  ".join(f"[{n}] {p:.2f}/{r:.2f}/{f:.2f}" for n, (p, r, f) in enumerate(cells, 1)), flush=True)


def synthetic(args, encoder, n):
    "`n` articles: newsgroup posts (else the look-alike events) repeated as rewrites with jittered embeddings, dated within a day."
    base = rewrites_corpus(args.newsgroups) if args.newsgroups else corpora(args)["look-alike events (fixture)"]
    E0, rng = encoder.encode(document_texts(base)), np.random.default_rng(0)
    pick = rng.integers(0, len(base), n)
    df = base.iloc[pick].reset_index(drop=True)
    df["text"] = [rewrite(t, rng) + f" ref{i}" for i, t in enumerate(df.text)]
    E = E0[pick] + rng.normal(0, 0.012, (n, E0.shape[1])).astype(np.float32)  # about 0.95 cosine to the original
    df["date"] = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 60 * 24, n), unit="min") * 60
    return df.drop(columns=["gold", "group"], errors="ignore"), (E / np.linalg.norm(E, axis=1, keepdims=True)).astype(np.float32)


CHILD = """
import resource, sys, time, numpy as np, pandas as pd
sys.path.insert(0, {root!r})
from pytorch_hackathon.stories import group_stories
df, E = pd.read_pickle({df!r}), np.load({emb!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
t, c = time.perf_counter(), cpu(); s = group_stories(df, embeddings=E); secs, cpus = time.perf_counter() - t, cpu() - c
print(secs, cpus, before / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, s.nunique())
"""


def cost(args, encoder):
    df, E = synthetic(args, encoder, args.n)
    with tempfile.TemporaryDirectory() as tmp:
        df.to_pickle(f"{tmp}/df.pkl"); np.save(f"{tmp}/E.npy", E)
        env = dict(os.environ, OMP_NUM_THREADS="2", OPENBLAS_NUM_THREADS="2", MKL_NUM_THREADS="2")
        code = CHILD.format(root=str(ROOT), df=f"{tmp}/df.pkl", emb=f"{tmp}/E.npy")
        pin = ["taskset", "-c", ",".join(map(str, sorted(os.sched_getaffinity(0))[:2]))] if shutil.which("taskset") and hasattr(os, "sched_getaffinity") else []
        out = subprocess.run([*pin, sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode: sys.exit(out.stderr)
    secs, cpus, rss0, rss, found = out.stdout.split()
    words = int(df.text.str.split().str.len().mean())
    print(f"grouping {args.n} articles ({words} words on average) from precomputed embeddings on 2 cores: "
          f"{float(secs):.1f} s ({float(cpus):.1f} s of CPU time; load average now {os.getloadavg()[0]:.1f}), peak RSS {float(rss):.0f} MiB (of which {float(rss0):.0f} MiB before grouping: "
          f"interpreter, pandas, the table and its embeddings), {found} stories")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", required=True, help="news_stories_dev.csv (TITLE, PUBLISHER, URL, STORY, TIMESTAMP)")
    ap.add_argument("--newsgroups", help="20newsgroups_test.csv (newsgroup, doc_id, text)")
    ap.add_argument("--fixtures", default=str(ROOT/"nbs/fixtures/stories/lookalike_events.csv"))
    ap.add_argument("--n", type=int, default=20000, help="articles in the cost test (0: skip it)")
    ap.add_argument("--cache", help="embedding cache folder, to reuse embeddings across runs (default: none)")
    ap.add_argument("--sweep", type=float, nargs="*", default=[0.35, 0.4, 0.45, 0.5, 0.55], help="min_similarity values to compare")
    args = ap.parse_args()
    if args.n < 0: fail(f"--n must be 0 (skip the cost test) or more, got {args.n}")
    encoder = Encoder(cache_dir=usable_folder(args.cache, "cache folder"))
    quality(args, encoder)
    if args.n: cost(args, encoder)
