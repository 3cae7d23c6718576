"""The Substitutes section of the Static vs contextual page (pages/static.py): the words the language model
expects in place of one token of a sentence (senses.static.substitutes_table / substitutes_figure)."""

from __future__ import annotations

import zlib

import streamlit as st

from corpora.errors import escape_markdown as md
from corpora.text import tokenize
from elmo.io import ModelFileError
from senses import static as ss
from senses.explore import find_target
from senses.naming import FUNCTION_WORDS


def render_substitutes(model, word: str, occ: ss.Occurrences | None) -> None:
    st.header("Substitutes")
    st.caption("Words the language model expects in place of one token: from the left context (forward LM), "
               "the right context (backward LM), and both combined (p_forward × p_backward, renormalised over "
               "the words shown).")
    if st.session_state.get("sub_word") != word:  # a new word: a new example sentence that uses it
        st.session_state["sub_sentence"] = ss.example_sentence(word, occ.tokens if occ is not None else ())
        st.session_state["sub_word"] = word
    sentence = st.text_input("Sentence", key="sub_sentence")
    if not sentence.strip():
        st.warning("Type a sentence to see substitutes.")
        return
    tokens = tokenize(sentence)
    target = find_target(tokens, word) if word else None
    if target is None:
        st.warning(f"The sentence does not contain “{md(word)}”; pick the token to replace.")
    i = st.selectbox("Token", range(len(tokens)), index=target or 0, format_func=lambda j: f"{j + 1}: {tokens[j]}",
                     key=f"sub_token_{zlib.crc32(sentence.encode())}")
    c1, c2 = st.columns(2)
    words_only = c1.checkbox("Words only (hide punctuation and numbers)", value=True, key="sub_words_only")
    content = c2.checkbox("Content words only (hide the, and, of …)", value=True, key="sub_content",
                          help="Function words fit almost any slot; hiding them shows what the model expects "
                               "the meaning to be.")
    try:
        subs = model.substitutes(tokens, int(i), k=10, words_only=words_only,
                                 exclude=set(FUNCTION_WORDS) if content else None)
    except ModelFileError as e:
        st.error(f"Substitutes need a model with a language-model head: {md(e)}")
        return
    df = ss.substitutes_table(subs)
    c1, c2 = st.columns([2, 3])
    c1.dataframe(df.style.format({"forward": "{:.4f}", "backward": "{:.4f}", "combined": "{:.3f}"}),
                 hide_index=True, key="sub_table")
    c2.plotly_chart(ss.substitutes_figure(df, f"Substitutes for “{tokens[int(i)]}”"), width="stretch",
                    key="sub_fig")
