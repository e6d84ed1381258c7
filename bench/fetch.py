#!/usr/bin/env python
"""Benchmark `get_feed_df` against a sequential `urlopen` + `feedparser.parse` loop over the same feeds.

Generates a varied corpus (Medium-like RSS with content:encoded, WordPress posts and comment feeds with
escaped HTML in CDATA, Reddit-like Atom, arXiv-like RDF, Hacker News-like RSS, JSON Feed, Telegram
channel previews; sizes from a few KB to about 1 MB), serves it from several local servers (one per
port: a port is a host for the per-host limit, so the run looks like many real hosts) with a fixed
latency on every answer, and prints parse time, fetch time, total, the ratio to the sequential loop,
and quality figures (entries kept, texts with tag-like strings, rows with a feed title).

    nice python bench/fetch.py                   # 200 feeds, 100 ms latency, 20 hosts
    nice python bench/fetch.py -n 50 --hosts 5   # smaller
    nice python bench/fetch.py --feed F1 F2      # copies of real feed files of yours instead
"""
import argparse, html, json, random, re, time, urllib.request
from contextlib import ExitStack
from email.utils import formatdate
import feedparser
from pytorch_hackathon import rss_feeds
from pytorch_hackathon.rss_feeds import get_feed_df
from common import fail
from pytorch_hackathon.local_server import serve, Response

WORDS = ('model training data layer attention token batch gradient loss embedding transformer inference latency memory '
         'checkpoint benchmark retrieval vector sentence dataset optimizer schedule warmup encoder decoder pruning '
         'distillation quantization kernel throughput evaluation metric corpus tokenizer').split()

def para(rnd, n): return ' '.join(rnd.choice(WORDS) for _ in range(n)).capitalize() + '.'
def when(rnd): return 1.77e9 - rnd.randrange(0, 90 * 86400)
def body_html(rnd, k, i, paras):
    return ''.join(f'<p>{para(rnd, rnd.randint(40, 160))} <a href="https://example.org/{k}/{i}/{j}">link</a> '
                   f'<strong>{para(rnd, 6)}</strong></p>' + ('<figure><img src="/i.png"/><figcaption>fig</figcaption></figure>' if j % 3 == 0 else '')
                   for j in range(paras))

def rss(title, items, ns=''):
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom"{ns}><channel>'
            f'<title><![CDATA[{title}]]></title><link>https://blog.example.org/</link><description>d</description>{"".join(items)}</channel></rss>')

def medium(rnd, k, n):
    return rss(f'Stories by Author {k} on Medium', [
        f'<item><title><![CDATA[{para(rnd, 7)}]]></title><link>https://medium.example.com/@a{k}/post-{i}?source=rss</link>'
        f'<guid isPermaLink="false">https://medium.example.com/p/{k}x{i}</guid>' + ''.join(f'<category><![CDATA[{rnd.choice(WORDS)}]]></category>' for _ in range(4)) +
        f'<dc:creator><![CDATA[Author {k}]]></dc:creator><pubDate>{formatdate(when(rnd), usegmt=True)}</pubDate>'
        f'<content:encoded><![CDATA[{body_html(rnd, k, i, rnd.randint(3, 24))}]]></content:encoded></item>' for i in range(n)])

def wordpress(rnd, k, n):
    return rss(f'Blog {k}', [
        f'<item><title>{para(rnd, 6)}</title><link>https://wp{k}.example.net/{i}/</link><guid isPermaLink="false">https://wp{k}.example.net/?p={i}</guid>'
        f'<pubDate>{formatdate(when(rnd))}</pubDate><dc:creator><![CDATA[editor]]></dc:creator>'
        f'<description><![CDATA[{para(rnd, 30)} [&#8230;]]]></description>'
        f'<content:encoded><![CDATA[{body_html(rnd, k, i, rnd.randint(2, 16))}]]></content:encoded></item>' for i in range(n)])

def wp_comments(rnd, k, n):
    def item(i):
        text = para(rnd, rnd.randint(10, 60))
        clean = f'<p>{text} <a href="https://x.example/{i}" rel="nofollow ugc">{rnd.choice(WORDS)}</a></p>'
        full = f'<content:encoded><![CDATA[{clean}]]></content:encoded>' if i % 4 else ''  # some have only the escaped description
        return (f'<item><title>By: user{i}</title><link>https://wp{k}.example.net/post/#comment-{i}</link><dc:creator><![CDATA[user{i}]]></dc:creator>'
                f'<pubDate>{formatdate(when(rnd))}</pubDate><guid isPermaLink="false">https://wp{k}.example.net/?p=1#comment-{i}</guid>'
                f'<description><![CDATA[{html.escape(clean + "<p>" + para(rnd, 8) + "</p>")}]]></description>{full}</item>')
    return rss(f'Comments on: Post {k}', [item(i) for i in range(n)])

def hacker_news(rnd, k, n):
    return rss('Hacker News', [
        f'<item><title>{html.escape(para(rnd, 8))}</title><link>https://site{i}.example.com/{k}/{i}</link><pubDate>{formatdate(when(rnd))}</pubDate>'
        f'<comments>https://news.example.com/item?id={k}{i}</comments><description><![CDATA[<a href="https://news.example.com/item?id={k}{i}">Comments</a>]]></description></item>'
        for i in range(n)])

def reddit(rnd, k, n):
    md = lambda: html.escape('<!-- SC_OFF --><div class="md"><p>' + para(rnd, rnd.randint(20, 200)) + '</p></div><!-- SC_ON --> &#32; submitted by <a href="/u/x">/u/x</a>')
    entries = ''.join(
        f'<entry><author><name>/u/user{i}</name></author><category term="MachineLearning" label="r/MachineLearning"/>'
        f'<content type="html">{md()}</content>'
        f'<id>t3_{k}x{i}</id><link href="https://www.reddit.example/r/ml/comments/{k}x{i}/post/"/><updated>2026-03-{1 + i % 28:02d}T10:00:00+00:00</updated>'
        f'<published>2026-03-{1 + i % 28:02d}T09:00:00+00:00</published><title>{html.escape(para(rnd, 9))}</title></entry>' for i in range(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
            f'<category term="MachineLearning" label="r/MachineLearning"/><updated>2026-03-30T10:00:00+00:00</updated><id>/r/ml/.rss</id>'
            f'<link rel="self" href="https://www.reddit.example/r/ml/.rss" type="application/atom+xml"/><title>machine learning {k}</title>{entries}</feed>')

def arxiv(rnd, k, n):
    items = ''.join(f'<item rdf:about="https://arxiv.example.org/abs/2603.{k:03d}{i:02d}"><title>{para(rnd, 10)} (arXiv:2603.{k:03d}{i:02d}v1 [cs.CL])</title>'
                    f'<link>https://arxiv.example.org/abs/2603.{k:03d}{i:02d}</link><description rdf:parseType="Literal">&lt;p&gt;{para(rnd, 150)}&lt;/p&gt;</description>'
                    f'<dc:creator>A. Author, B. Author</dc:creator><dc:date>2026-03-{1 + i % 28:02d}</dc:date><dc:subject>cs.CL</dc:subject></item>' for i in range(n))
    seq = ''.join(f'<rdf:li rdf:resource="https://arxiv.example.org/abs/2603.{k:03d}{i:02d}"/>' for i in range(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://arxiv.example.org/rss/cs.CL"><title>cs.CL updates on arXiv.org</title>'
            f'<link>https://arxiv.example.org/</link><description>d</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>{items}</rdf:RDF>')

def json_feed(rnd, k, n):
    return json.dumps({'version': 'https://jsonfeed.org/version/1', 'title': f'JSON blog {k}', 'home_page_url': f'https://j{k}.example.org/',
                       'items': [{'id': f'https://j{k}.example.org/{i}', 'url': f'https://j{k}.example.org/{i}', 'title': para(rnd, 6),
                                  'content_html': body_html(rnd, k, i, rnd.randint(2, 16)), 'date_published': '2026-03-%02dT10:00:00Z' % (1 + i % 28),
                                  'author': {'name': f'Writer {k}'}, 'tags': [rnd.choice(WORDS)]} for i in range(n)]})

def telegram(rnd, k, n):
    posts = ''.join(
        f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="chan{k}/{100 + i}">'
        f'<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author"><a class="tgme_widget_message_owner_name" href="https://t.me/chan{k}"><span dir="auto">Channel {k}</span></a></div>'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto"><b>{para(rnd, 5)}</b><br/><br/>{para(rnd, rnd.randint(20, 120))} #{rnd.choice(WORDS)}'
        f'<br/><a href="https://arxiv.example.org/abs/{i}">paper</a></div><div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" href="https://t.me/chan{k}/{100 + i}">'
        f'<time datetime="2026-03-{1 + i % 28:02d}T10:00:00+00:00" class="time">10:00</time></a></div></div></div></div>' for i in range(n))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Channel {k} – Telegram</title></head><body>'
            f'<div class="tgme_channel_info_header_title"><span dir="auto">Channel {k}</span></div><section class="tgme_channel_history">{posts}</section></body></html>')

KINDS = [(medium, 'application/rss+xml', (10, 60)), (wordpress, 'application/rss+xml', (10, 50)), (wp_comments, 'application/rss+xml', (10, 60)),
         (hacker_news, 'application/rss+xml', (30, 30)), (reddit, 'application/atom+xml', (25, 100)), (arxiv, 'application/rdf+xml', (20, 150)),
         (json_feed, 'application/feed+json', (5, 30)), (telegram, 'text/html; charset=utf-8', (20, 20))]

def corpus(n:int, seed:int=0) -> list[tuple[bytes, str]]:
    "`n` generated feeds of varied kinds and sizes: (body, content type)."
    rnd, out = random.Random(seed), []
    for k in range(n):
        make, ctype, (lo, hi) = KINDS[k % len(KINDS)]
        out.append((make(rnd, k, rnd.randint(lo, hi)).encode(), ctype))
    return out

def copy_of(feed:bytes, k:int) -> bytes:
    "`feed` with its guids and links (elements, Atom `href`s, RDF `rdf:about`s, JSON `url`/`id`s) made unique to copy `k`, so copies are not duplicates."
    tag = b'#copy%d' % k
    feed = re.sub(rb'(<(?:guid|link|id)\b[^>]*>\s*(?:<!\[CDATA\[)?)([^<\]]+)', lambda m: m[1] + m[2].strip() + tag, feed)
    feed = re.sub(rb'(<(?:link|item|entry)\b[^>]*?\b(?:href|rdf:about)=")([^"]+)', lambda m: m[1] + m[2] + tag, feed)
    return re.sub(rb'("(?:url|id)"\s*:\s*")([^"]+)', lambda m: m[1] + m[2] + tag, feed)

def content_type(body:bytes) -> str:
    "The type a server would give a file: an HTML page (Telegram preview, a site), a JSON Feed, else XML."
    head = body[:2048].lstrip().lower()
    return 'text/html' if re.search(rb'<html|<!doctype html', head) else 'application/feed+json' if head[:1] == b'{' else 'application/xml'

def read_feed_file(path:str) -> bytes:
    "The bytes of a feed file; one line and exit status 2 when it cannot be read."
    try: return open(path, 'rb').read()
    except OSError as e: fail(f"cannot read the feed file {path}: {e.strerror or e}")

def timed(f):
    t0 = time.perf_counter(); res = f(); return time.perf_counter() - t0, res

def sequential(urls):
    "The reference: download then parse each feed in turn; (fetch s, parse s, {url: entries})."
    fetch = parse = 0.; entries = {}
    for u in urls:
        t0 = time.perf_counter(); body = urllib.request.urlopen(u, timeout=30).read(); t1 = time.perf_counter()
        entries[u] = len(feedparser.parse(body).entries); parse += time.perf_counter() - t1; fetch += t1 - t0
    return fetch, parse, entries

def parse_only(docs):
    "Our parse of every document in this process, one after another (CPU seconds of the parse stage)."
    return timed(lambda: sum(len(rss_feeds._parse_document('s', b, {'content-type': c}, 'https://x.example/feed').rows) for b, c in docs))[0]

def parse_parts(docs):
    "Seconds of fastfeedparser alone, and of html_to_text over every content and summary it finds (feeds only)."
    import fastfeedparser
    t_ff, parsed = timed(lambda: [fastfeedparser.parse(b) for b, c in docs if not c.startswith('text/html')])
    htmls = [h for d in parsed for e in d.entries for h in [c.get('value') or '' for c in e.get('content') or []] + [e.get('description') or '']]
    return t_ff, timed(lambda: [rss_feeds.html_to_text(h) for h in htmls])[0], sum(map(len, htmls))

def fetch_only(urls, args):
    "get_feed_df with parsing replaced by nothing: the download stage alone."
    real = rss_feeds._parse_document
    rss_feeds._parse_document = lambda *a, **k: rss_feeds._Result()
    try: return timed(lambda: get_feed_df(urls, workers=args.workers, progress=False))[0]
    finally: rss_feeds._parse_document = real

TAGLIKE = re.compile(r'</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>')

def main(args):
    if args.n < 1 or args.hosts < 1 or args.workers < 1: fail("-n, --hosts and --workers must be at least 1")
    files = {f: read_feed_file(f) for f in args.feed}
    docs = [(copy_of(files[f], k), content_type(files[f])) for k, f in enumerate(args.feed * (args.n // max(1, len(args.feed)) + 1))][:args.n] \
           if args.feed else corpus(args.n)
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(routes={}, latency=args.latency)) for _ in range(args.hosts)]
        urls = []
        for k, (body, ctype) in enumerate(docs):
            srv = servers[k % len(servers)]
            srv.routes[f'/feed/{k}'] = Response(body=body, content_type=ctype); urls.append(srv.url(f'feed/{k}'))
        print(f"{len(docs)} feeds, {sum(len(b) for b, _ in docs) / 1e6:.1f} MB, {args.hosts} hosts, {args.latency * 1000:.0f} ms latency, "
              f"workers={args.workers}, per_host={rss_feeds.PER_HOST}")
        t_parse = parse_only(docs)
        t_ff, t_text, n_chars = parse_parts(docs)
        t_fetch = fetch_only(urls, args)
        t_ours, df = timed(lambda: get_feed_df(urls, workers=args.workers, progress=False))
        t_seq, (seq_fetch, seq_parse, entries) = timed(lambda: sequential(urls))
    print(f"get_feed_df: parse {t_parse:6.2f} s (all documents, one thread) | fetch {t_fetch:6.2f} s (no parsing) | total {t_ours:6.2f} s")
    print(f"sequential : parse {seq_parse:6.2f} s (feedparser)             | fetch {seq_fetch:6.2f} s              | total {t_seq:6.2f} s")
    print(f"  parse parts: fastfeedparser {t_ff:.2f} s | html_to_text {t_text:.2f} s over {n_chars / 1e6:.1f} M characters of HTML")
    print(f"ratio total {t_seq / t_ours:5.1f}x | parse {seq_parse / t_parse:5.1f}x")
    texts = df.text[df.text != '']
    rows = df.groupby('feed').size()
    read = {u: n for u, n in entries.items() if n}  # feedparser reads no JSON Feed and no Telegram page: those are left out of the comparison
    kept = sum(min(int(rows.get(u, 0)), n) for u, n in read.items())
    print(f"rows {len(df)}; on the {len(read)} feeds feedparser reads, {kept} of its {sum(read.values())} entries kept ({kept / max(1, sum(read.values())):.1%}); "
          f"errors {len(df.attrs['errors'])}, notes {len(df.attrs['notes'])}")
    print(f"texts with tag-like strings {texts.str.contains(TAGLIKE).mean():.2%} | rows with feed_title {(df.feed_title != '').mean():.1%} | "
          f"rows with a date {df.date.notna().mean():.1%}")
    for s, r in list(df.attrs['errors'].items())[:5]: print('  error', s, r)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('-n', type=int, default=200, help='number of feeds served')
    p.add_argument('--hosts', type=int, default=20, help='local servers (hosts) the feeds are spread over')
    p.add_argument('--latency', type=float, default=0.1, help='seconds added to every answer')
    p.add_argument('--workers', type=int, default=16, help='get_feed_df download threads')
    p.add_argument('--feed', nargs='*', default=[], help='feed files to copy (default: the generated corpus)')
    main(p.parse_args())
