#!/usr/bin/env python
"""Benchmark `get_feed_df` against the original sequential `feedparser.parse(url)` loop.

Serves N copies of realistic feeds from the package's local test server, each answer delayed by a
fixed latency, and times both over the same URLs; variants are interleaved (noisy shared cores).

    python bench/fetch.py                      # 200 generated Medium-like feeds, 200 ms latency
    python bench/fetch.py -n 50 --feed FILE    # copies of a real feed file of yours (RSS/Atom)
    python bench/fetch.py --pool-sweep         # where the parsing process pool pays (no latency)
"""
import argparse, random, re, statistics, time, warnings
import feedparser
from pytorch_hackathon import rss_feeds
from pytorch_hackathon.rss_feeds import get_feed_df
from pytorch_hackathon.local_server import serve, Response

WORDS = ('model training data layer attention token batch gradient loss embedding transformer '
         'inference latency memory checkpoint benchmark retrieval vector sentence dataset').split()

def _paragraph(rnd, n): return ' '.join(rnd.choice(WORDS) for _ in range(n)).capitalize() + '.'

def generated_feed(k:int, items:int=10) -> bytes:
    "A Medium-like RSS 2.0 feed (CDATA, content:encoded HTML, categories), about 100 KB."
    rnd, out = random.Random(k), []
    for i in range(items):
        body = ''.join(f'<p>{_paragraph(rnd, 120)} <a href="https://example.org/{k}/{i}/{j}">link</a> '
                       f'<strong>{_paragraph(rnd, 8)}</strong></p><figure><img src="/i/{j}.png"/></figure>' for j in range(10))
        out.append(f'<item><title><![CDATA[{_paragraph(rnd, 7)}]]></title><link>https://blog.example.org/{k}/post-{i}</link>'
                   f'<guid isPermaLink="false">https://blog.example.org/p/{k}-{i}</guid>'
                   + ''.join(f'<category><![CDATA[{rnd.choice(WORDS)}]]></category>' for _ in range(4)) +
                   f'<dc:creator><![CDATA[Author {k}]]></dc:creator><pubDate>Mon, 0{1 + i % 9} Mar 2026 10:00:00 GMT</pubDate>'
                   f'<content:encoded><![CDATA[{body}]]></content:encoded></item>')
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Blog ' + str(k) +
            '</title><link>https://blog.example.org/</link><description>d</description>' + ''.join(out) + '</channel></rss>').encode()

def copy_of(feed:bytes, k:int) -> bytes:
    "`feed` with its guids and links made unique to copy `k`, so copies are not duplicates."
    return re.sub(rb'(<(?:guid|link|id)\b[^>]*>\s*(?:<!\[CDATA\[)?)([^<\]]+)', lambda m: m[1] + m[2].strip() + b'#copy%d' % k, feed)

def timed(f):
    t0 = time.perf_counter(); res = f(); return time.perf_counter() - t0, res

def sequential(urls): return sum(len(feedparser.parse(u).entries) for u in urls)

def ours(urls, workers):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        df = get_feed_df(urls, workers=workers, progress=False)
    return len(df), df.attrs['errors']

def compare(args, bodies):
    routes = {f'/feed/{k}.xml': Response(body=copy_of(bodies[k % len(bodies)], k), content_type='application/rss+xml')
              for k in range(args.n)}
    size = sum(len(r.body) for r in routes.values())
    with serve(routes=routes, latency=args.latency) as srv:
        urls = [srv.url(p) for p in routes]
        print(f"{args.n} feeds, {size / 1e6:.1f} MB in all, {args.latency * 1000:.0f} ms latency, workers={args.workers}")
        for rep in range(args.repeat):
            t_ours, (rows, errors) = timed(lambda: ours(urls, args.workers))
            t_seq, entries = timed(lambda: sequential(urls))
            print(f"run {rep + 1}: get_feed_df {t_ours:6.2f} s ({rows} rows, {len(errors)} errors) | "
                  f"sequential feedparser.parse(url) {t_seq:6.2f} s ({entries} entries) | ratio {t_seq / t_ours:5.1f}x")

def pool_sweep(bodies, sizes=(4, 8, 16, 24, 32, 64, 128)):
    "get_feed_df with the parsing pool forced off and on, for several numbers of sources (no latency)."
    default = rss_feeds._POOL_MIN_SOURCES
    routes = {f'/feed/{k}.xml': Response(body=copy_of(bodies[k % len(bodies)], k)) for k in range(max(sizes))}
    with serve(routes=routes) as srv:
        urls = [srv.url(p) for p in routes]
        print(f"pool sweep (median of 3, interleaved; current threshold: {default} sources)")
        for n in sizes:
            times = {'in-process': [], 'pool': []}
            for _ in range(3):
                for name, threshold in (('in-process', 10 ** 9), ('pool', 0)):
                    rss_feeds._POOL_MIN_SOURCES = threshold
                    times[name].append(timed(lambda: ours(urls[:n], 16))[0])
            med = {k: statistics.median(v) for k, v in times.items()}
            print(f"  {n:4d} sources: in-process {med['in-process']:6.2f} s | pool {med['pool']:6.2f} s | "
                  f"pool speed-up {med['in-process'] / med['pool']:4.2f}x")
    rss_feeds._POOL_MIN_SOURCES = default

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('-n', type=int, default=200, help='number of feeds served')
    p.add_argument('--latency', type=float, default=0.2, help='seconds added to every answer')
    p.add_argument('--workers', type=int, default=16, help='get_feed_df download threads')
    p.add_argument('--repeat', type=int, default=2, help='interleaved repetitions')
    p.add_argument('--feed', nargs='*', default=[], help='feed files to copy (default: generated Medium-like feeds)')
    p.add_argument('--pool-sweep', action='store_true', help='measure the parsing process pool instead')
    args = p.parse_args()
    bodies = [open(f, 'rb').read() for f in args.feed] or [generated_feed(k) for k in range(8)]
    pool_sweep(bodies) if args.pool_sweep else compare(args, bodies)
