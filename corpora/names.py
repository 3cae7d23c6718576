"""Corpus names: what every name may hold, and the stricter rule for names chosen by users.

Every name: 1 to MAX_NAME_CHARS characters (spaces around it are dropped), none of them a control,
format (bidi override, zero-width), surrogate, private-use, unassigned, line or paragraph separator
character.

A user's name (an upload; the built-in corpora keep theirs) is also read in its NFKC form (so full-width
"ｗｉｋｉ" is "wiki") and must:

* have its letters in one script (Latin, Cyrillic, Greek, Arabic, ...), or in the script sets of a
  language that mixes them: Latin with Han, Hiragana and Katakana (Japanese), with Han and Bopomofo
  (Chinese), or with Han and Hangul (Korean). This is the "highly restrictive" level of Unicode's
  identifier rules (UTS #39). Digits, punctuation, spaces, marks and modifier letters go with any
  script. A letter's script is the first word of its Unicode name ("CYRILLIC SMALL LETTER
  BYELORUSSIAN-UKRAINIAN I" is Cyrillic), so "wіki" with a Cyrillic і is refused;
* not be a built-in corpus name, nor look like one: case-folded, and with the Cyrillic and Greek letters
  that look like Latin ones replaced by those (CONFUSABLE, a small table: а→a, і→i, ο→o, ν→v, ...), it
  must differ from every built-in name treated the same way (so an all-Cyrillic "ѕеnѕе" could not pass
  for "sense").
"""

from __future__ import annotations

import unicodedata

from .builtin import BUILTIN_NAMES
from .errors import CorpusError

MAX_NAME_CHARS = 80
_BAD_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # control, format (bidi), surrogate, unassigned
# Script sets a name may mix (UTS #39 "highly restrictive"); any single script is allowed too.
_MIXES = (frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "HAN", "BOPOMOFO"}),
          frozenset({"LATIN", "HAN", "HANGUL"}))
_SCRIPT_ALIASES = {"CJK": "HAN"}
# Lower-case Cyrillic, Greek and Latin letters that look like a Latin letter in common fonts.
CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "ӏ": "l", "о": "o", "р": "p", "ԛ": "q",
    "с": "c", "ѕ": "s", "у": "y", "х": "x", "ԁ": "d", "ԝ": "w", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ı": "i", "ɑ": "a", "ɡ": "g",
})


def check_name(name: str) -> str:
    """The name without surrounding spaces; CorpusError when it is empty, too long or holds a character
    that is not shown as itself (control, invisible, text-direction, surrogate, unassigned)."""
    if not isinstance(name, str) or not name.strip():
        raise CorpusError("Give the corpus a name.")
    name = name.strip()
    if len(name) > MAX_NAME_CHARS:
        raise CorpusError(f"The corpus name is too long ({len(name)} characters; at most {MAX_NAME_CHARS}).")
    bad = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in _BAD_CATEGORIES})
    if bad:
        raise CorpusError("The corpus name must not contain control, invisible or text-direction characters "
                          f"({', '.join(bad)}).")
    return name


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name.strip()).casefold()


def is_builtin_name(name: str) -> bool:
    """True for the name of a built-in corpus, in any capitalisation or Unicode form."""
    return _key(name) in {b.casefold() for b in BUILTIN_NAMES}


def skeleton(name: str) -> str:
    """The name as it looks: NFKC, case-folded, look-alike Cyrillic / Greek letters replaced (CONFUSABLE)."""
    return _key(name).translate(CONFUSABLE)


def scripts(name: str) -> set[str]:
    """The scripts of the name's letters (NFKC form; modifier letters, digits and the rest belong to none)."""
    out = set()
    for c in unicodedata.normalize("NFKC", name):
        if unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lo"):
            word = unicodedata.name(c, "UNKNOWN").split(" ")[0]
            out.add(_SCRIPT_ALIASES.get(word, word))
    return out


def check_user_name(name: str) -> str:
    """check_name, then the rule for users' names (module docstring); CorpusError naming what is wrong."""
    name = check_name(name)
    if is_builtin_name(name):
        raise CorpusError(f'"{name}" is the name of a built-in corpus; choose another name.')
    found = scripts(name)
    if len(found) > 1 and not any(found <= mix for mix in _MIXES):
        raise CorpusError(f'The corpus name "{name}" mixes letters of different scripts '
                          f"({', '.join(sorted(s.title() for s in found))}); use the letters of one script, so that "
                          "no name can pass for another with look-alike letters.")
    look = skeleton(name)
    for b in BUILTIN_NAMES:
        if look == skeleton(b):
            raise CorpusError(f'"{name}" looks like the name of the built-in corpus "{b}"; choose another name.')
    return name
