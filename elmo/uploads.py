"""Models uploaded as a bilm-tf pair (options.json + weights.hdf5): check, convert and keep them.

    name = save_upload(options_bytes, weights_bytes, "weights.hdf5", models_dir)

The pair is read with ELMo.from_bilm_tf (a temporary folder, removed right after) and saved as a
safetensors model directory `models_dir / name`, so every session and every page can load it by
name. bilm-tf files carry no LM vocabulary: an uploaded model gives vectors but no substitutes.
The weights must be self-contained (elmo.io.check_self_contained: no soft or external links, no
user-defined filters), so nothing on the server but the two uploaded files is read. Error messages name
the uploaded files, not the temporary folder. No streamlit here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import unicodedata
from pathlib import Path

from .embedder import ELMo
from .io import ModelFileError

UPLOAD_SUFFIX = " (uploaded)"


def upload_name(weights_file_name: str, options: bytes, weights: bytes) -> str:
    """A stable name for an uploaded pair: the weights file's stem (its first 60 characters, without control,
    invisible or unpaired characters, or path separators), a content hash and " (uploaded)"."""
    digest = hashlib.sha1(options + weights).hexdigest()[:8]
    stem = Path(weights_file_name.replace("\\", "/")).stem
    stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C" and c != "/")[:60] or "weights"
    return f"{stem}-{digest}{UPLOAD_SUFFIX}"


def load_upload(options: bytes, weights: bytes, name: str = "uploaded") -> ELMo:
    """An ELMo from the bytes of a bilm-tf options.json and weights.hdf5; ModelFileError when they don't fit."""
    if not options:
        raise ModelFileError("options.json is empty")
    if not weights:
        raise ModelFileError("weights.hdf5 is empty")
    tmp = Path(tempfile.mkdtemp(prefix="elmo-upload-"))
    try:
        (tmp / "options.json").write_bytes(options)
        (tmp / "weights.hdf5").write_bytes(weights)
        model = ELMo.from_bilm_tf(tmp / "options.json", tmp / "weights.hdf5")
    except ModelFileError as e:  # the message names the uploaded file, not the server's temporary folder
        raise ModelFileError(str(e).replace(f"{tmp}{os.sep}", "")) from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    model.name = name
    return model


def save_upload(options: bytes, weights: bytes, weights_file_name: str, models_dir: str | Path) -> str:
    """Convert an uploaded pair and save it as `models_dir / name` (safetensors); returns the name.

    Raises ModelFileError (nothing is written) when the files do not form a model."""
    name = upload_name(weights_file_name, options, weights)
    model = load_upload(options, weights, name)
    model.save(Path(models_dir) / name)
    return name
