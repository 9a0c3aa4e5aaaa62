#!/usr/bin/env python3
"""Lists the text of README.md at an earlier revision that README.md and docs/ no longer hold.

Used to check that splitting README into docs/ moved text without losing any:

    scripts/docs-survival.py 680cb89

Prose is compared sentence by sentence, tables and code line by line, with whitespace, heading marks and
link targets ignored. What it prints was changed on purpose or lost; read each line.
"""
import glob
import os
import re
import subprocess
import sys

root = subprocess.run(['git', 'rev-parse', '--show-toplevel'], capture_output=True, text=True, check=True).stdout.strip()
revision = sys.argv[1] if len(sys.argv) > 1 else 'HEAD'
old = subprocess.run(['git', 'show', f'{revision}:README.md'], cwd=root, capture_output=True, text=True, check=True).stdout
now = '\n'.join(open(p).read() for p in [os.path.join(root, 'README.md')]
                + sorted(glob.glob(os.path.join(root, 'docs', '**', '*.md'), recursive=True)))


def norm(text):
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = re.sub(r'^#+ ', '', text, flags=re.M)
    return re.sub(r'\s+', ' ', text).strip()


held = norm(now)
missing = 0
for block in re.split(r'\n\s*\n', old):
    if block.lstrip().startswith(('```', '|')):
        units = block.split('\n')
    else:
        units = re.split(r'(?<=[.;:])\s+(?=[A-Z`(*-])', block)
    for unit in units:
        text = norm(unit)
        if len(text) >= 25 and text not in held:
            missing += 1
            print('not found:', text)
print(f'{missing} passages of README.md at {revision} not found verbatim in README.md and docs/')
