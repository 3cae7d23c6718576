"""The embedder benchmark counts the work the embedder executes: its char-CNN row count is the
number of rows CharCNN.encode really receives, batch by batch, and it refuses to run without its headline
model. No timing here (speed lives in benchmarks/)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from elmo.embedder import ELMo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_embedder", ROOT / "benchmarks" / "bench_embedder.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_executed_work_counts_the_rows_and_positions_really_computed(bench, tiny_model_dir, monkeypatch):
    model = ELMo.load(tiny_model_dir)
    words = "the bank of the river the cell divides in a prison cell".split()
    sentences = [words[i % 7 : i % 7 + 1 + i % 5] for i in range(300)]
    rows, positions = [], []
    encode, layers = model.bilm.token_encoder.encode, model.bilm.layers

    def counting_encode(chars):
        rows.append(chars.shape[0])
        return encode(chars)

    def counting_layers(chars):
        positions.append(chars.shape[0] * chars.shape[1])
        return layers(chars)

    monkeypatch.setattr(model.bilm.token_encoder, "encode", counting_encode)
    monkeypatch.setattr(model.bilm, "layers", counting_layers)
    monkeypatch.setattr(bench, "MAX_TOKENS", 64)  # many batches, some padded
    model.embed(sentences, max_tokens=64, max_sentences=bench.MAX_SENTENCES)
    work = bench.executed_work(model.config, sentences)
    assert len(rows) > 5
    assert work["char_cnn_rows"] == sum(rows)
    assert work["padded_positions"] == sum(positions)
    assert work["tokens"] == sum(map(len, sentences)) and work["boundary_tokens"] == 600
    per = bench.flops_per_row(model.config)
    assert work["flops_total"] == sum(rows) * per["char_cnn_row"] + sum(positions) * per["lstm_position"]


def test_benchmark_fails_loudly_without_its_headline_model(bench, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bench, "bundled_model_dir", lambda: None)
    out = tmp_path / "embedder.json"
    assert bench.main(["--out", str(out)]) == 1
    assert "elmo/models/en is missing" in capsys.readouterr().err and not out.exists()


def test_app_benchmark_runs_the_explorer_pipeline(tiny_model_dir, data_dir, tmp_path):
    """benchmarks/bench_app.py drives the pages' cached pipeline: it must keep working when that changes."""
    import streamlit as st

    from corpora.builtin import Document
    from corpora.store import Store

    Store().add_corpus("benchdemo", [Document(f"They sat on the bank of the river, day {i}. The bank lent money.")
                                     for i in range(12)])
    spec = importlib.util.spec_from_file_location("bench_app", ROOT / "benchmarks" / "bench_app.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    st.cache_data.clear()
    out = mod.main(["--word", "bank", "--corpus", "benchdemo", "--model", str(tiny_model_dir), "--repeat", "1",
                    "--out", str(tmp_path / "app.json")])
    st.cache_data.clear()
    assert out["occurrences"] == 24 and out["total_hits"] == 24 and out["k"] >= 1
    assert set(out["cold_steps_s"]) == {"search_s", "embed_s", "analyse_s", "names_s"}
