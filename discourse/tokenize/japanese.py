"""``JapaneseTokenizer``: fugashi + unidic-lite with clean lemmas, exact offsets and compounds.

Speed comes from doing no Python work per token that C can do. MeCab prints one short key per
word, read from the lattice node alone (surface, left and right context ids, word cost, byte
length and byte length with the space before it; see :meth:`JapaneseTokenizer._formats`):
printing fields of the word's feature string would make MeCab's output about 1.5 times as slow.
Each key is looked up in a dict filled once per word *type*: a new dictionary word's ``lemma``
and ``orthBase`` are read from MeCab's lattice of its surface (all new words of a batch in one
call), then the lemma rules, POS (from the left context id), compound class and lengths are
stored in NumPy arrays that grow in place as new types arrive, never rebuilt. In the rare case
where entries that share a key would give different tokens, the text is read again with the
fields themselves. Offsets are cumulative sums of the lengths, turned from UTF-8 bytes into
characters with one more cumulative sum; compounds are found with array operations
(:mod:`discourse.tokenize.compound`).
Texts are post-processed in batches (:meth:`JapaneseTokenizer.tokenize_batch`), each text still
parsed by MeCab on its own; one text (:meth:`JapaneseTokenizer.tokenize`) takes a shorter path
and comes back as a :class:`~discourse.tokenize.token.TokenSequence` whose :class:`Token`
records are made only when read.

Characters MeCab's tables do not know are handled before it sees them (:func:`_clean`):
ideographs beyond U+FFFF (𠮷, 𩸽) are read as an unknown kanji, so 𠮷田 is one word, not a symbol
and 田; ideographic variation selectors (葛󠄀 = 葛 + U+E0100) are left out of MeCab's input and
stay in the token of the character they modify. Offsets are always into the original text.

Example
-------
>>> tok = JapaneseTokenizer()
>>> [(t.surface, t.lemma) for t in tok.tokenize("来日外国人が東京でする")]
[('来日外国人', '来日外国人'), ('が', 'が'), ('東京', '東京'), ('で', 'で'), ('する', 'する')]
"""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence, Tuple

import numpy as np

from ..errors import ConfigError, check_choice
from .compound import MODES, TermMatcher, host_index, join, word_class
from .lemma import choose_lemma, strip_gloss
from .lexicon import TermSource, bundled_info, domain_list, load_terms, terms_hash
from .token import OTHER, RULE_CODE, SPACE, Batch, Interner, TokenArrays, TokenSequence, pos_tag, pos_tuple

#: Texts longer than this are parsed in pieces cut at line breaks (bounded MeCab memory).
MAX_CHUNK = 100_000
_SEP = "\x1f"
_SURROGATE = re.compile("[\ud800-\udfff]")
#: CJK ideographs beyond the Basic Multilingual Plane (extensions B-H, compatibility supplement).
_BEYOND_BMP = re.compile("[\U00020000-\U0003FFFF]")
#: What MeCab sees in their place: CJK extension A's first ideograph, unknown to unidic-lite.
_STAND_IN = "\u3400"
#: Ideographic variation selectors (葛󠄀 = 葛 + U+E0100): kept with the character before them.
_SELECTORS = re.compile("[\U000E0100-\U000E01EF]+")
_SPECIAL = re.compile("[\x00\x1f\ud800-\udfff\U00020000-\U0003FFFF]")
_NO_SPANS = np.zeros((0, 3), np.int64)
_EMPTY_WORDS = (np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), False)
#: What a word type decides: lemma, POS tag, compound class, byte length, byte length with the
#: space before it, and whether it holds the stand-in ideograph.
Meaning = Tuple[str, str, int, int, int, bool]
#: Is a UTF-8 byte the first of its character?
_IS_LEAD = (np.arange(256) & 0xC0) != 0x80


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def default_dicdir() -> str:
    """The unidic-lite dictionary folder."""
    try:
        import unidic_lite
    except ImportError:  # pragma: no cover - unidic-lite is a dependency
        raise ConfigError("unidic-lite is not installed: pip install unidic-lite") from None
    return unidic_lite.DICDIR


@lru_cache(maxsize=4)
def dictionary_info(dicdir: str) -> dict[str, str]:
    """Versions that decide the tokens: fugashi, unidic-lite, and the dictionary's own."""
    version_file = Path(dicdir) / "version"
    dic_version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else "unknown"
    return {"fugashi": _version("fugashi"), "unidic_lite": _version("unidic-lite"), "dictionary": dic_version,
            "dicdir": Path(dicdir).name if Path(dicdir).name != "dicdir" else "unidic_lite"}


@lru_cache(maxsize=4)
def _left_pos(dicdir: str) -> dict[int, tuple[str, str, str, str]] | None:
    """Left context id → ``(pos1..pos4)`` from ``left-id.def`` (None if the file is absent)."""
    path = Path(dicdir) / "left-id.def"
    if not path.exists():
        return None
    table = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            num, _, feats = line.rstrip("\n").partition(" ")
            f = feats.split(",")
            table[int(num)] = (f[0], f[1], f[2], f[3])
    return table


class _Types(dict):
    """MeCab type key → type id; new types get their lemma, POS and class once, in a batch.

    A miss only numbers the new key and queues it; when the arrays are next read, the queued keys
    are described together (:meth:`JapaneseTokenizer._meanings` finds the lemma fields of new
    dictionary words in one MeCab call) and the lemma rules applied to each. The per-type values
    live in NumPy arrays that grow by doubling, so the table is never rebuilt (a text that brings
    new words costs their rows, not a copy of the whole table). A key whose dictionary entry
    cannot be told apart from another one's is marked *ambiguous* (see :meth:`ambiguous`).
    """

    def __init__(self, tokenizer: "JapaneseTokenizer", capacity: int = 4096):
        super().__init__()
        self.tok = tokenizer
        self.n = 0  # rows in the arrays
        self.has_space = False  # is a space (空白) type known?
        self.has_ambiguous = False  # is an ambiguous key known?
        self._pending: list[str] = []
        self._columns = [np.zeros(capacity, np.int32), np.zeros(capacity, np.int32), np.zeros(capacity, np.int8),
                         np.zeros(capacity, np.int64), np.zeros(capacity, np.int64)]
        self._table = np.zeros((capacity, 3), np.int64)  # cls, length, rlength: one gather per text
        self._marked = np.zeros(capacity, bool)
        self._ambiguous = np.zeros(capacity, bool)
        self._views: tuple[np.ndarray, ...] = tuple(c[:0] for c in self._columns)

    def __missing__(self, key: str) -> int:
        i = self[key] = self.n + len(self._pending)
        self._pending.append(key)
        return i

    def _row(self, meaning: Meaning | None) -> tuple[int, int, int, int, int, bool, bool]:
        """Term id, POS id, class, length, rlength, marked, ambiguous of one type."""
        if meaning is None:
            return 0, 0, OTHER, 0, 0, False, True
        term, tag, cls, length, rlength, marked = meaning
        self.has_space = self.has_space or cls == SPACE
        return self.tok.terms.id(term), self.tok.pos_tags.id(tag), cls, length, rlength, marked, False

    def _flush(self) -> None:
        """Describe the pending new types and append them to the arrays (doubling them when full)."""
        k, n = len(self._pending), self.n
        block = np.array(list(map(self._row, self.tok._meanings(self._pending))), np.int64).reshape(k, 7)
        while n + k > len(self._marked):
            self._columns = [np.concatenate([c, np.zeros_like(c)]) for c in self._columns]
            self._table = np.concatenate([self._table, np.zeros_like(self._table)])
            self._marked = np.concatenate([self._marked, np.zeros_like(self._marked)])
            self._ambiguous = np.concatenate([self._ambiguous, np.zeros_like(self._ambiguous)])
        for c, column in enumerate(self._columns):
            column[n:n + k] = block[:, c]
        self._table[n:n + k] = block[:, 2:5]
        self._marked[n:n + k] = block[:, 5]
        self._ambiguous[n:n + k] = block[:, 6]
        self.has_ambiguous = self.has_ambiguous or bool(block[:, 6].any())
        self.n = n + k
        self._pending.clear()
        self._views = tuple(c[:self.n] for c in self._columns)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Per type: term id, POS id, compound class, byte length, byte length with preceding space
        (views of the first ``n`` rows)."""
        if self._pending:
            self._flush()
        return self._views

    def table(self) -> np.ndarray:
        """``(>= n_types, 3)`` int64: compound class, byte length, byte length with preceding space."""
        if self._pending:
            self._flush()
        return self._table

    def marked(self) -> np.ndarray:
        """Per type: does its key hold the stand-in ideograph (see :func:`_clean`)?"""
        if self._pending:
            self._flush()
        return self._marked[:self.n]

    def ambiguous(self, types: np.ndarray) -> bool:
        """Is any of these types ambiguous (its text must be read again with the exact format)?"""
        if self._pending:
            self._flush()
        return self.has_ambiguous and bool(self._ambiguous[types].any())


_TAGGERS = threading.local()


def _shared_tagger(args: str) -> Any:
    """One MeCab tagger per argument string and thread, shared by every tokenizer of the process.

    Each tagger maps the whole dictionary (unidic-lite: 188 MB ``sys.dic`` and 72 MB ``matrix.bin``)
    on its own, and the pages it touches count in the process's resident memory once per mapping:
    a run whose pipeline tokenizer and frame coders each made their own taggers held the dictionary
    six times (757 MB of RSS). A tagger keeps no state between ``parse`` calls that changes its
    output, so tokenizers with the same output format can share it; one per thread, since a MeCab
    tagger must not parse in two threads at once."""
    import fugashi

    cache = _TAGGERS.__dict__.setdefault("by_args", {})
    if args not in cache:
        cache[args] = fugashi.GenericTagger(args)
    return cache[args]


class JapaneseTokenizer:
    """Tokenizer for Japanese text (fugashi + unidic-lite).

    Parameters
    ----------
    compound : ``"affix"`` (default: prefixes and nominal suffixes attach: 外国+人 → 外国人),
        ``"noun_sequence"`` (every run of nouns joins: 在留+資格 → 在留資格) or ``"none"``
        (unidic-lite's words as they are). See :mod:`discourse.tokenize.compound`.
    user_terms : extra terms kept whole (a list, or a path to a file with one term a line);
        applied in every mode, rule ``"user"``.
    domain_terms : the bundled field terms (``corpora/lexicons/domain_terms.txt``) when True,
        none when False, or your own list/path. Not applied with ``compound="none"``.
    dicdir : a MeCab UniDic folder (default: unidic-lite's).
    terms, pos_tags : :class:`~discourse.tokenize.token.Interner` vocabularies to write ids into
        (shared with an :class:`EnglishTokenizer` for one id space); new ones by default.

    Notes
    -----
    Methods: :meth:`tokenize` (:class:`Token` records of one text), :meth:`tokenize_arrays`
    (the same as arrays), :meth:`tokenize_batch` (many texts, the fast path), :meth:`settings`.

    Examples
    --------
    >>> tok = JapaneseTokenizer()
    >>> [t.surface for t in tok.tokenize("不法滞在者の強制送還")]
    ['不法滞在者', 'の', '強制送還']
    >>> [t.surface for t in JapaneseTokenizer(compound="none").tokenize("外国人")]
    ['外国', '人']
    """

    language = "ja"

    def __init__(self, *, compound: str = "affix", user_terms: TermSource = None, domain_terms: bool | TermSource = True,
                 dicdir: str | os.PathLike | None = None, terms: Interner | None = None, pos_tags: Interner | None = None):
        check_choice("compound", compound, MODES)
        self.compound = compound
        self.dicdir = str(dicdir or default_dicdir())
        self.user_terms = load_terms(user_terms, name="user_terms")
        self.domain_terms = domain_list(domain_terms) if compound != "none" else ()
        self._domain_arg = domain_terms
        self.terms = terms if terms is not None else Interner()
        self.pos_tags = pos_tags if pos_tags is not None else Interner()
        self._left = _left_pos(self.dicdir)
        self._tagger = self._make_tagger()
        self._exact_tagger: Any = None if self._left is not None else self._tagger
        self._lattice_tagger: Any = None
        self._types = _Types(self)
        listed = {t: RULE_CODE["domain"] for t in self.domain_terms}
        listed.update({t: RULE_CODE["user"] for t in self.user_terms})
        self._matcher = TermMatcher(listed)

    # --- set-up -----------------------------------------------------------------------------
    def _make_tagger(self, node: str | None = None, unk: str | None = None, *, lattice: bool = False) -> Any:
        """A MeCab tagger printing ``node`` per dictionary word and ``unk`` per unknown word
        (default: the fast format, see :meth:`_formats`); ``lattice``: every word of the lattice."""
        if node is None:
            node, unk = self._formats(exact=self._left is None)
        rc = Path(self.dicdir) / "mecabrc"
        rc_arg = f'-r "{rc}" ' if rc.exists() else ""
        args = f'{rc_arg}-d "{self.dicdir}" {"-a " if lattice else ""}-O "" -F "{node}" -U "{unk}" -B "" -E ""'
        try:
            return _shared_tagger(args)
        except RuntimeError as exc:
            raise ConfigError(f"dicdir={self.dicdir!r}: MeCab could not load this dictionary ({exc}); "
                              "use unidic-lite (the default) or a UniDic folder") from None

    def _formats(self, *, exact: bool) -> tuple[str, str]:
        """MeCab's output per word: a type key, then a tab.

        The fast key (``exact=False``) reads nothing from a dictionary word's feature string
        (MeCab copies and splits that string before it prints any field of it; measured with
        unidic-lite, printing lemma and orthBase runs at about 0.6 of ``-Owakati``'s speed, this
        key at about 0.9): surface, left and right context ids, word cost, byte length and byte
        length with the space before it; unknown words add their POS. The exact key has the fields
        themselves: lemma, written base form, left context id (→ POS, ``left-id.def``) or POS,
        byte length, byte length with the space before it.
        """
        if exact:
            third = "%phl" if self._left is not None else "%F-[0,1,2,3]"
            return (f"%f[7]{_SEP}%f[10]{_SEP}{third}{_SEP}%pl{_SEP}%pL\\t",
                    f"%m{_SEP}{_SEP}%F-[0,1,2,3]{_SEP}%pl{_SEP}%pL\\t")
        ids = f"%m{_SEP}%phl{_SEP}%phr{_SEP}%c{_SEP}%pl{_SEP}%pL"
        return f"{ids}\\t", f"{ids}{_SEP}%F-[0,1,2,3]\\t"

    def _exact(self) -> Any:
        """The tagger printing exact keys (made when first needed)."""
        if self._exact_tagger is None:
            self._exact_tagger = self._make_tagger(*self._formats(exact=True))
        return self._exact_tagger

    def _meanings(self, keys: list[str]) -> list[Meaning | None]:
        """What each type key decides (see :meth:`_meaning`); None for a key whose dictionary
        entries would give different tokens.

        An exact key holds the fields; an unknown word's fast key holds its POS (the surface is
        its lemma). A dictionary word's lemma fields are those of the entries with its surface,
        context ids and cost, read from MeCab's lattice of the surface.
        """
        fields = [k.split(_SEP) for k in keys]
        known = [f[0] for f in fields if len(f) == 6]
        found = self._lemma_fields(known) if known else {}
        out: list[Meaning | None] = []
        for key, f in zip(keys, fields):
            if len(f) == 7:  # unknown word: surface, ids, cost, lengths, POS
                pos = pos_tuple(f[6])
                out.append((f[0], pos_tag(pos), word_class(pos, strip_gloss(f[0])), int(f[4]), int(f[5]),
                            _STAND_IN in f[0]))
            elif len(f) == 5:  # an exact key
                out.append(self._meaning(key))
            else:
                out.append(self._one_meaning(found.get((f[0], f[1], f[2], f[3]), []), f[1], f[4], f[5]))
        return out

    def _one_meaning(self, candidates: list[tuple[str, str]], left: str, length: str, rlength: str) -> Meaning | None:
        """What a dictionary word decides, from its entries' ``(lemma, orthBase)``: None when
        there is none, or when entries that share its surface, context ids and cost would give
        different tokens (木川 is read キガワ or キカワ, both with the lemma 木川: one meaning)."""
        meanings = {self._meaning(_SEP.join((lemma, orth, left, length, rlength))) for lemma, orth in candidates}
        return meanings.pop() if len(meanings) == 1 else None

    def _lemma_fields(self, surfaces: list[str]) -> dict[tuple[str, str, str, str], list[tuple[str, str]]]:
        """``(surface, left id, right id, cost)`` → the distinct ``(lemma, orthBase)`` of the
        dictionary entries spelled as one of ``surfaces`` (from MeCab's lattice of each surface:
        the words that start at its first character and span it)."""
        if self._lattice_tagger is None:
            # numbers last: fugashi strips the output's end, and a lemma may be a space (U+3000)
            node = f"%m{_SEP}%phl{_SEP}%phr{_SEP}%c{_SEP}%f[7]{_SEP}%f[10]{_SEP}%ps{_SEP}%pe\\t"
            self._lattice_tagger = self._make_tagger(node, f"{_SEP}\\t", lattice=True)
        parse = self._lattice_tagger.parse
        found: dict[tuple[str, str, str, str], list[tuple[str, str]]] = {}
        for surface in dict.fromkeys(surfaces):
            whole = str(len(surface.encode("utf-8")))
            for line in parse(surface).split("\t"):
                f = line.split(_SEP)
                if len(f) == 8 and f[6] == "0" and f[7] == whole:
                    values = found.setdefault((f[0], f[1], f[2], f[3]), [])
                    if (f[4], f[5]) not in values:
                        values.append((f[4], f[5]))
        return found

    def _meaning(self, key: str) -> Meaning:
        """What an exact type key decides: lemma, POS tag, compound class, byte length, byte length
        with the preceding space, and whether it holds the stand-in ideograph (see :func:`_clean`)."""
        lemma, orth, pos, length, rlength = self._describe(key)
        return (choose_lemma(lemma, orth, pos), pos_tag(pos), word_class(pos, strip_gloss(lemma or orth)), length,
                rlength, _STAND_IN in key)

    def _describe(self, key: str) -> tuple[str | None, str, tuple[str, str, str, str], int, int]:
        """``(lemma or None, written base form, pos, length, rlength)`` of an exact type key."""
        parts = key.split(_SEP)
        length, rlength = int(parts[-2]), int(parts[-1])
        head, orth, third = parts[0], parts[1] if len(parts) > 4 else "", parts[-3]
        if self._left is not None and third.isdigit() and orth:
            return head, orth, self._left.get(int(third), ("*",) * 4), length, rlength
        if not orth:  # unknown word: the surface is its lemma
            return None, head, pos_tuple(third), length, rlength
        return head, orth, pos_tuple(third), length, rlength

    def settings(self) -> dict[str, Any]:
        """What decides the output: compound mode, term lists, dictionary and fugashi versions."""
        domain = bundled_info("domain_terms.txt") if self._domain_arg is True else {"hash": terms_hash(self.domain_terms)}
        return {"compound": self.compound, "domain_terms": domain if self.domain_terms else None,
                "user_terms": list(self.user_terms), **dictionary_info(self.dicdir)}

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.compound, self.user_terms, self._domain_arg, self.dicdir))

    # --- tokenizing -------------------------------------------------------------------------
    def tokenize(self, text: str) -> TokenSequence:
        """The tokens of one text: a sequence of :class:`Token` records (``text[t.start:t.end] ==
        t.surface``), each made when it is read."""
        return self.tokenize_arrays(text).to_tokens(text, self.terms.items, self.pos_tags.items)

    def tokenize_arrays(self, text: str) -> TokenArrays:
        """The tokens of one text as arrays (ids into ``self.terms`` / ``self.pos_tags``).

        The one-text path: the same tokens as :meth:`tokenize_batch` with ``[text]``, with fewer
        steps (no joining of texts, offsets from one cumulative sum).
        """
        if len(text) > MAX_CHUNK or _SELECTORS.search(text):
            return self.tokenize_batch([text]).arrays
        types, starts, ends, cls, marked = self._words_one(text)
        return self._arrays(text, types, starts, ends, marked, cls)

    def tokenize_batch(self, texts: Sequence[str]) -> Batch:
        """The tokens of several texts, post-processed together (one NumPy pass per batch).

        MeCab parses each text on its own, so the tokens are those of :meth:`tokenize_arrays` on
        each text; offsets are into ``batch.text`` (the texts joined by line breaks).
        """
        joined, bases = join_texts(texts)
        if _SELECTORS.search(joined):
            types, starts, ends, marked = self._words_around_selectors(texts, joined)
        else:
            types, starts, ends, marked = self._words(texts, joined, bases)
        arrays = self._arrays(joined, types, starts, ends, marked)
        return Batch(arrays, joined, bases, np.append(np.searchsorted(arrays.starts, bases), len(arrays)))

    def _words_around_selectors(self, texts: Sequence[str],
                                joined: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """:meth:`_words` for texts with ideographic variation selectors (U+E0100-U+E01EF, as in
        葛󠄀城): MeCab reads the texts without them (it would split each off as a symbol) and a
        selector stays in the word of the character it modifies."""
        code = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
        kept = np.flatnonzero((code < 0xE0100) | (code > 0xE01EF))
        seen = [_SELECTORS.sub("", t) for t in texts]
        seen_joined, seen_bases = join_texts(seen)
        types, starts, ends, marked = self._words(seen, seen_joined, seen_bases)
        return types, kept[starts], np.append(kept, len(joined))[ends], marked

    def _arrays(self, text: str, types: np.ndarray, starts: np.ndarray, ends: np.ndarray, marked: bool,
                cls: np.ndarray | None = None) -> TokenArrays:
        """Dictionary words → tokens: compounds joined, lemma and POS ids looked up (``cls``: the
        words' compound classes, when already known)."""
        term, pos = self._types.arrays()[:2]
        if self.compound == "none" and not self._matcher:
            arrays = TokenArrays.simple(term[types], pos[types], starts, ends)
        else:
            if cls is None:
                cls = self._types.arrays()[2][types]
            spans = self._matcher.spans(text, starts, ends) if self._matcher else _NO_SPANS
            first, rules = join(cls, starts, ends, self.compound, spans)
            arrays = self._joined(text, types, starts, ends, first, rules, pos, term, cls)
        if marked:
            self._surface_lemmas(text, arrays, types)
        return arrays

    def _surface_lemmas(self, text: str, arrays: TokenArrays, types: np.ndarray) -> None:
        """Words MeCab read with a stand-in character (see :func:`_clean`) take their surface as
        lemma (as every unknown word does), so 𠮷田 is counted as 𠮷田, never as the stand-in."""
        simple = arrays.rules == 0
        fix = np.flatnonzero(self._types.marked()[types[arrays.first[:-1]]] & simple)
        if len(fix):
            spans = zip(arrays.starts[fix].tolist(), arrays.ends[fix].tolist())
            arrays.term_ids[fix] = self.terms.ids([text[s:e] for s, e in spans])

    def _joined(self, text: str, types: np.ndarray, starts: np.ndarray, ends: np.ndarray, first: np.ndarray,
                rules: np.ndarray, pos: np.ndarray, term: np.ndarray, cls: np.ndarray) -> TokenArrays:
        """Tokens from word groups (``cls``: the compound class of each word)."""
        heads = first[:-1]
        head_types = types[heads]
        term_ids = term[head_types]
        pos_ids = pos[head_types]
        t_starts, t_ends = starts[heads], ends[first[1:] - 1]
        joined = np.flatnonzero(rules)
        if len(joined):
            host = host_index(cls, first)[joined]
            pos_ids[joined] = pos[types[host]]
            spans = zip(t_starts[joined].tolist(), t_ends[joined].tolist())
            term_ids[joined] = self.terms.ids([text[s:e] for s, e in spans])
        return TokenArrays(term_ids, pos_ids, t_starts, t_ends, rules, first, starts, ends)

    def _words_one(self, text: str, tagger: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
        """:meth:`_words` for one text of at most ``MAX_CHUNK`` characters, in few NumPy steps;
        also returns the words' compound classes."""
        clean = _clean(text)
        out = (tagger or self._tagger).parse(clean)
        if not out:
            return _EMPTY_WORDS
        keys = out.split("\t")
        types = np.fromiter(map(self._types.__getitem__, keys), dtype=np.int32, count=len(keys))
        if tagger is None and self._types.ambiguous(types):
            return self._words_one(text, self._exact())
        rows = self._types.table()[types]
        ends = rows[:, 2].cumsum()
        starts = ends - rows[:, 1]
        raw = clean.encode("utf-8")
        if len(raw) != len(clean):  # UTF-8 bytes → characters: count the lead bytes
            char_of = _IS_LEAD[np.frombuffer(raw, np.uint8)].cumsum()
            starts, ends = char_of[starts] - 1, char_of[ends - 1]
        cls = rows[:, 0]
        if self._types.has_space:  # a space type is known: drop the words that are spaces
            keep = cls != SPACE
            if not keep.all():
                types, starts, ends, cls = types[keep], starts[keep], ends[keep], cls[keep]
        return types, starts, ends, cls, _STAND_IN in clean

    def _words(self, texts: Sequence[str], joined: str, bases: np.ndarray,
               tagger: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """Type ids and offsets (into ``joined``) of the dictionary words, spaces dropped; and
        whether a stand-in character was used (see :func:`_clean`). A batch with an ambiguous
        type key is read again with exact keys (``tagger``: :meth:`_exact`)."""
        pieces = [(int(base) + off, piece) for text, base in zip(texts, bases.tolist()) for off, piece in _chunks(text)]
        # fugashi strips the output's final tab: each output is "key\tkey\t...\tkey"
        parse = (tagger or self._tagger).parse
        outputs = [parse(_clean(piece)) for _, piece in pieces]
        counts = np.fromiter((o.count("\t") + 1 if o else 0 for o in outputs), dtype=np.int64, count=len(outputs))
        n = int(counts.sum())
        if n == 0:
            return _EMPTY_WORDS[:3] + (False,)
        types = np.fromiter(map(self._types.__getitem__, "\t".join(o for o in outputs if o).split("\t")),
                            dtype=np.int32, count=n)
        if tagger is None and self._types.ambiguous(types):
            return self._words(texts, joined, bases, self._exact())
        _, _, cls, length, rlength = self._types.arrays()
        ends = np.cumsum(rlength[types])  # byte offsets, restarted at each piece below
        ends -= np.repeat(np.concatenate([[0], ends])[np.cumsum(counts) - counts], counts)
        offsets = np.stack([ends - length[types], ends], axis=1)
        piece_bases = np.fromiter((b for b, _ in pieces), dtype=np.int64, count=len(pieces))
        seen = _stand_ins(joined)
        starts, ends = _char_offsets(seen, offsets, np.repeat(piece_bases, counts))
        space = cls[types] == SPACE
        if space.any():
            keep = ~space
            types, starts, ends = types[keep], starts[keep], ends[keep]
        return types, starts, ends, _STAND_IN in seen


def _rebuild(compound: str, user_terms: tuple[str, ...], domain_arg: Any, dicdir: str) -> JapaneseTokenizer:
    return JapaneseTokenizer(compound=compound, user_terms=user_terms, domain_terms=domain_arg, dicdir=dicdir)






def join_texts(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """The texts joined by line breaks, and the character offset of each in the result."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    bases = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64) if len(texts) else lengths
    return "\n".join(texts), bases


def _clean(text: str) -> str:
    """What MeCab must not see, replaced without changing lengths in characters (and, except for
    the last kind, in UTF-8 bytes): NUL (ends the input) and the key separator become spaces, lone
    surrogates (unencodable) become U+FFFD, and ideographs outside the Basic Multilingual Plane
    (𠮷, 𩸽, 𠀋: MeCab's character table stops at U+FFFF and would call them symbols, splitting
    𠮷田 into 𠮷 + 田) become the stand-in ideograph U+3400, which MeCab reads as an unknown kanji.

    >>> _clean("𠮷田")
    '㐀田'
    """
    if _SPECIAL.search(text) is None:
        return text
    if "\x00" in text or _SEP in text:
        text = text.replace("\x00", " ").replace(_SEP, " ")
    return _stand_ins(_SURROGATE.sub("\ufffd", text))


def _stand_ins(text: str) -> str:
    """``text`` with the ideographs beyond U+FFFF replaced by :data:`_STAND_IN` (one character each)."""
    return _BEYOND_BMP.sub(_STAND_IN, text) if _BEYOND_BMP.search(text) else text


def _char_offsets(joined: str, offsets: np.ndarray, char_bases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MeCab's UTF-8 byte offsets (relative to each parsed piece) → character offsets into ``joined``."""
    raw = joined.encode("utf-8", "surrogatepass")  # a lone surrogate: 3 bytes, like the U+FFFD MeCab saw
    if len(raw) == len(joined):
        return offsets[:, 0] + char_bases, offsets[:, 1] + char_bases
    lead = (np.frombuffer(raw, np.uint8) & 0xC0) != 0x80
    char_of = np.empty(len(raw) + 1, np.int64)  # char_of[b]: characters that start before byte b
    char_of[0] = 0
    np.cumsum(lead, out=char_of[1:])
    byte_of = np.append(np.flatnonzero(lead), len(raw))  # byte_of[c]: first byte of character c
    byte_bases = byte_of[char_bases]
    return char_of[offsets[:, 0] + byte_bases], char_of[offsets[:, 1] + byte_bases]


def _chunks(text: str) -> list[tuple[int, str]]:
    """Pieces of at most MAX_CHUNK characters, cut after a line break (or hard-cut)."""
    if len(text) <= MAX_CHUNK:
        return [(0, text)]
    out, start = [], 0
    while start < len(text):
        end = min(start + MAX_CHUNK, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out
