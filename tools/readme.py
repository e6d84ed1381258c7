"Write README.md from nbs/index.ipynb (quarto, and so `nbdev_readme`, is not available everywhere)."
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
_directive = re.compile(r'^\s*#\s*\|')

def _flag(src, pat): return any(re.match(r'^\s*#\s*\|\s*' + pat, l) for l in src.splitlines())
def _hidden(src): return _flag(src, r'hide\b')
def _code(src): return '\n'.join(l for l in src.splitlines() if not _directive.match(l)).strip()

def _outputs(cell):
    "Plain-text outputs of a code cell."
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': yield ''.join(o['text']).rstrip()
        elif 'data' in o and 'text/markdown' in o['data']: yield ''.join(o['data']['text/markdown']).rstrip()
        elif 'data' in o and '<table' in ''.join(o['data'].get('text/html', '')): yield ''.join(o['data']['text/html']).strip()
        elif 'data' in o and 'text/plain' in o['data']: yield '    ' + ''.join(o['data']['text/plain']).rstrip().replace('\n', '\n    ')

def cell_md(cell):
    "Markdown for one notebook cell."
    src = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return src.strip()
    if cell['cell_type'] != 'code' or _hidden(src) or not _code(src): return ''
    outs = [] if _flag(src, r'output:\s*false\b') else list(_outputs(cell))
    return '\n\n'.join([f'```python\n{_code(src)}\n```', *outs])

def readme(nb=root/'nbs'/'index.ipynb'):
    "README text for notebook `nb`."
    cells = json.loads(Path(nb).read_text(encoding='utf-8'))['cells']
    body = '\n\n'.join(md for md in map(cell_md, cells) if md)
    return '<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook -->\n\n' + body + '\n'

if __name__ == '__main__':
    (root/'README.md').write_text(readme(), encoding='utf-8')
