"""elmo/ is a plain PyTorch package: importing any of its modules, and loading, embedding, dumping and
asking for substitutes, never imports corpora/, senses/, spaCy, lemminflect or streamlit.
The corpus-reading command lines (elmo.embed's and elmo.train's main) import corpora inside main() only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("corpora", "senses", "spacy", "lemminflect", "streamlit", "pages")

CODE = """
import importlib, pkgutil, sys, tempfile
from pathlib import Path
import elmo
names = sorted(m.name for m in pkgutil.iter_modules(elmo.__path__))
for n in names:
    importlib.import_module("elmo." + n)
from elmo.dump import dump_bilm_embeddings
from elmo.embedder import ELMo
model = ELMo.load(sys.argv[1])
model.embed([["the", "bank"], ["cells"]])
model.type_vectors(["bank"])
subs = model.substitutes(["the", "bank", "of", "the", "river"], 1, k=3)
tmp = Path(tempfile.mkdtemp())
(tmp / "s.txt").write_text("the bank\\n")
dump_bilm_embeddings(model, tmp / "s.txt", tmp / "o.hdf5")
print(len(names), len(subs))
print(sorted({m.split(".")[0] for m in sys.modules} & set(FORBIDDEN)))
"""


def test_elmo_never_imports_corpora_senses_spacy_lemminflect(tiny_model_dir):
    code = f"FORBIDDEN = {FORBIDDEN!r}\n{CODE}"
    r = subprocess.run([sys.executable, "-c", code, str(tiny_model_dir)], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    n_modules, found = r.stdout.strip().splitlines()
    assert int(n_modules.split()[0]) >= 10 and n_modules.split()[1] == "3"
    assert found == "[]", f"elmo imported {found}"
