"""Benchmark: the flagship experiment cold, warm, and against an equivalent hand-written script.

    .venv/bin/python benchmarks/experiment.py [--repeats 2] [--keep]

1. cold: ``discourse run experiments/state_vs_ngo.toml`` as a subprocess with ``DISCOURSE_CACHE``
   a fresh temporary folder and ``--set outputs.dir='<tmp>'`` (nothing goes into ``runs/``),
   wall-clock including interpreter start-up. Target: at most 15 s on 2 cores.
2. warm: the same command again with the same cache folder (tokens, DTM, topics, framing and
   figures from the stage cache). Target: at most 3 s.
3. hand-written: :func:`baseline` in its own process (it pays for its start-up and imports too),
   no caching, no ``discourse`` import: the same core steps with the same settings
   (:data:`BASELINE_DESCRIPTION`, printed with the results). Target: cold / hand-written <= 1.2.

Every round uses a fresh cache; the headline is the best of ``--repeats`` rounds (all printed,
with CPU seconds, which other load on the machine disturbs less). Framework stage seconds come
from each run's ``manifest.json``. An untimed process first imports the heavy libraries so both
sides find them in the OS file cache.
"""
from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/tokenize.py would shadow the standard library's tokenize: use the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _results_module() -> Any:
    """``benchmarks/_results.py`` (this folder is kept off ``sys.path``, see above)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_results", Path(__file__).resolve().parent / "_results.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_results"] = module          # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


_RESULTS = _results_module()
Result, write_results = _RESULTS.Result, _RESULTS.write_results
CONFIG = "experiments/state_vs_ngo.toml"
# The flagship's settings (experiments/state_vs_ngo.toml + the config defaults it relies on).
SEED = 42
TOPICS = dict(num_topics=6, passes=30, iterations=100, chunksize=20, alpha="symmetric", eta=None, decay=0.5,
              offset=1.0, gamma_threshold=0.001, update_every=1, eval_every=None)
TRIM = dict(min_termfreq=3, min_docfreq=2, max_docfreq=0.5)
CS, FRACTIONS, N_BOOT, FOLDS = (1.0, 3.0, 10.0, 30.0), (0.1, 0.25, 0.5, 0.75, 1.0), 500, 5
FIXED_C = 10.0                     # the classifier's C when the config does not tune it (framing.tune_C = false)
COLD_TARGET, WARM_TARGET, RATIO_TARGET = 15.0, 3.0, 1.2


def tunes_C() -> bool:
    """Does the flagship config ask for C tuning (``framing.tune_C``, default true)? The baseline
    does the fits the config asks for, no more."""
    import tomllib

    return bool(tomllib.loads((ROOT / CONFIG).read_text(encoding="utf-8")).get("framing", {}).get("tune_C", True))
NODE, WINDOW, MIN_COUNT = "外国人", 5, 2
CONTENT = ("名詞", "動詞", "形容詞", "形状詞", "副詞")
FREE_SUFFIXES = frozenset({"等", "達", "さん", "様", "氏", "君", "ちゃん", "殿", "共", "中", "頃", "毎", "方"})
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
EN_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")

BASELINE_DESCRIPTION = """\
hand-written baseline (no cache, no `discourse` import), same settings as the flagship:
  - reads corpora/demo/corpus.jsonl (json per line), NFKC; fugashi.Tagger() per sentence, reading
    word.feature.lemma / pos1 / pos2 per token; prefix+noun / noun+suffix joined in Python (so 外国人
    is one token); content words (名詞 but not 数詞, 動詞, 形容詞, 形状詞, 副詞) minus the bundled
    stopword lists; English documents by a lower-case regex
  - keyness G2 (2x2, no correction) state vs ngo from term counts (numpy)
  - collocates of 外国人 within ±5 tokens of the same sentence, by side, min_count 2 (MI, log-Dice)
  - gensim LdaModel k=6, passes=30, iterations=100, chunksize=20, alpha symmetric, seed 42, on the
    state+ngo Japanese documents trimmed like the flagship (termfreq >= 3, docfreq >= 2, docfreq
    share <= 0.5), then its transform (inference) and topic prevalence by side (means)
  - frames: ColumnTransformer(TfidfVectorizer char 2-4 on the text + TfidfVectorizer lemma
    1-2-grams, min_df 2, sublinear tf) and OneVsRestClassifier(LogisticRegression(class_weight=
    "balanced", liblinear, dual)) on the gold sentences; the fits the flagship config asks for:
    C in {1,3,10,30} x 5 grouped folds on train (20) only when framing.tune_C is true (else C = 10,
    as the flagship's), the final fit on train (1), the learning curve (5 fractions x 1 repeat);
    every fit = the full fit + 5 grouped inner folds whose out-of-fold scores give per-frame
    F1-optimal thresholds and a sigmoid (sklearn LogisticRegression on the 1-D score): 6 (or 26)
    fits x 6 x 10 frames = 360 (or 1560) binary fits; test documents
    predicted; bootstrap (500 resamples of test documents) of per-frame, macro and micro F1 for
    the classifier and a cue-substring dictionary coder; LRAP (sklearn)
  - 6 matplotlib PNGs (IPAexGothic) and 8 CSV tables
differs from the framework's work: no domain term list (来日外国人, 多文化共生 stay split); no codebook
cue features in the classifier, no exclusive-pair rule, no LRAP interval; the dictionary coder
matches cue strings, not lemma phrases; no association / crime-figure tables, no topic
labels (FREX, lift), contrasts, covariate effects or representative documents, no frame
prevalence intervals (gold shares only), no HTML/Markdown report, no manifest or hashes."""


# ----------------------------------------------------------------------------- the framework side
def discourse_command() -> list[str]:
    """``.venv/bin/discourse`` when installed, else ``python -m discourse.cli``."""
    exe = ROOT / ".venv" / "bin" / "discourse"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "discourse.cli"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd`` from the repository root: wall-clock seconds, CPU seconds (user + system of
    the child and its threads; less sensitive to other load on the machine) and its stdout."""
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime), proc.stdout


#: the [[metrics]] kinds the hand-written baseline also computes; the flagship's other analyses
#: (network, CA, clustering, dispersion, trends, frequency lists, [statistics]) are left out of the
#: same-work run that the ratio compares, and timed in the full cold and warm runs
BASELINE_KINDS = ("keyness", "collocations", "cooccurrence", "crime_figures")
EXTRA_ANALYSES = ("network", "CA", "clustering", "dispersion", "term trends", "frequency lists", "[statistics]")


def same_work_config(tmp: Path) -> Path:
    """The flagship config without the analyses the baseline does not do (absolute paths, in ``tmp``)."""
    import re

    text = (ROOT / CONFIG).read_text(encoding="utf-8").replace('"../', f'"{ROOT.as_posix()}/')
    text = re.sub(r"(?ms)^\[statistics\]\n.*?(?=^\[|\Z)", "", text)
    head, *blocks = re.split(r"(?m)^\[\[metrics\]\]\n", text)
    kept = [b for b in blocks if re.search(r'(?m)^kind = "(' + "|".join(BASELINE_KINDS) + ')"', b)]
    path = tmp / "same_work.toml"
    path.write_text("".join([head, *("[[metrics]]\n" + b for b in kept)]), encoding="utf-8")
    return path


def run_framework(cache: Path, out: Path, config: str | Path = CONFIG) -> tuple[float, float, dict[str, Any]]:
    """Wall and CPU seconds of one ``discourse run`` of the flagship (or ``config``), and its manifest."""
    before = set(out.glob("*/*/manifest.json")) if out.exists() else set()
    allowed = os.pathsep.join(p for p in (os.environ.get("DISCOURSE_PATHS", ""), str(out.parent), str(ROOT),
                                          str(Path(config).parent)) if p)
    wall, cpu, _ = timed([*discourse_command(), "run", str(config), "--set", f"outputs.dir='{out}'"],
                         {**os.environ, "DISCOURSE_CACHE": str(cache), "DISCOURSE_PATHS": allowed})  # outputs outside the project
    new = sorted(set(out.glob("*/*/manifest.json")) - before)
    if len(new) != 1:
        raise SystemExit(f"expected one new run folder under {out}, found {len(new)}")
    return wall, cpu, json.loads(new[0].read_text(encoding="utf-8"))


def run_baseline(out: Path) -> tuple[float, float, dict[str, Any]]:
    """Wall and CPU seconds of the hand-written script in its own process, and its step timings."""
    wall, cpu, stdout = timed([sys.executable, str(Path(__file__).resolve()), "--baseline-only", str(out)])
    return wall, cpu, json.loads(stdout.strip().splitlines()[-1])


def warm_os_cache() -> None:
    """Import the heavy libraries once (untimed) so neither side pays for a cold disk."""
    code = "import fugashi, gensim, sklearn, matplotlib.pyplot, pandas, scipy.sparse, matplotlib_fontja"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


# ----------------------------------------------------------------------------- tokenization
class Tokenizer:
    """fugashi + unidic-lite the ordinary way: one ``Tagger``, ``word.feature`` read per token."""

    def __init__(self) -> None:
        import fugashi

        self.tagger = fugashi.Tagger()
        self.stop_ja = read_list(ROOT / "corpora" / "lexicons" / "stopwords_ja.txt")
        self.stop_en = read_list(ROOT / "corpora" / "lexicons" / "stopwords_en.txt")

    def words(self, sentence: str) -> list[tuple[str, str, str]]:
        """(lemma, pos1, pos2) per token, prefix+noun and noun+suffix joined into one token."""
        raw = []
        for w in self.tagger(sentence):
            f = w.feature
            raw.append((w.surface, f.lemma or w.surface, f.pos1, f.pos2))
        out, i = [], 0
        while i < len(raw):
            j = i + 1 if raw[i][2] != "接頭辞" or i + 1 == len(raw) or not is_host(raw[i + 1]) else i + 2
            if is_host(raw[j - 1]) and j < len(raw) and is_suffix(raw[j]):
                j += 1
            group = raw[i:j]
            host = next((g for g in group if is_host(g)), group[-1])
            out.append((group[0][1] if len(group) == 1 else "".join(g[0] for g in group), host[2], host[3]))
            i = j
        return out

    def document(self, text: str, language: str) -> list[list[str]]:
        """Content-word lemmas of a document, sentence by sentence."""
        text = unicodedata.normalize("NFKC", text)
        if language == "en":
            return [[w for w in EN_WORD.findall(s.lower()) if w not in self.stop_en] for s in SENTENCE.findall(text)]
        return [[lem for lem, p1, p2 in self.words(s) if is_content(p1, p2) and lem not in self.stop_ja]
                for s in SENTENCE.findall(text)]

    def sentence_lemmas(self, text: str, language: str) -> str:
        """All non-punctuation lemmas of one sentence, space-joined (classifier word features)."""
        text = unicodedata.normalize("NFKC", text)
        if language == "en":
            return " ".join(EN_WORD.findall(text.lower()))
        return " ".join(lem for lem, p1, _ in self.words(text) if p1 not in ("補助記号", "記号", "空白"))


def is_host(word: tuple[str, str, str, str]) -> bool:
    return (word[2] == "名詞" and word[3] != "数詞") or (word[2] == "形状詞" and word[3] != "助動詞語幹")


def is_suffix(word: tuple[str, str, str, str]) -> bool:
    return word[2] == "接尾辞" and word[3] in ("名詞的", "形状詞的") and word[1] not in FREE_SUFFIXES


def is_content(pos1: str, pos2: str) -> bool:
    return pos1 in CONTENT and pos2 not in ("数詞", "助動詞語幹")


def read_list(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {x.split("#")[0].strip() for x in lines if x.split("#")[0].strip()}


# ----------------------------------------------------------------------------- metrics
def g2_signed(a: np.ndarray, c: np.ndarray, n_t: float, n_r: float) -> np.ndarray:
    """Log-likelihood G2 (Dunning 1993) of each term's 2x2 table (term / rest by target /
    reference), signed + where the target uses the term more than expected."""
    obs = np.stack([a, c, n_t - a, n_r - c])
    tot = a + c
    n = n_t + n_r
    exp = np.stack([tot * n_t / n, tot * n_r / n, (n - tot) * n_t / n, (n - tot) * n_r / n])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(obs > 0, obs * np.log(obs / exp), 0.0)
    return np.sign(a - exp[0]) * 2 * terms.sum(axis=0)


def keyness_table(docs: list[list[list[str]]], sides: list[str]) -> Any:
    import pandas as pd

    counts = {s: Counter(t for d, side in zip(docs, sides) if side == s for sent in d for t in sent) for s in ("state", "ngo")}
    vocab = sorted(set(counts["state"]) | set(counts["ngo"]))
    a = np.array([counts["state"][t] for t in vocab], float)
    c = np.array([counts["ngo"][t] for t in vocab], float)
    g2 = g2_signed(a, c, a.sum(), c.sum())
    return pd.DataFrame({"term": vocab, "n_target": a, "n_reference": c, "G2": g2}).sort_values("G2", ascending=False)


def collocation_table(docs: list[list[list[str]]], sides: list[str]) -> Any:
    import pandas as pd

    rows = []
    for side in sorted(set(sides)):
        near, freq = Counter(), Counter()
        for d, s in zip(docs, sides):
            if s != side:
                continue
            for sent in d:
                freq.update(sent)
                for i in (k for k, t in enumerate(sent) if t == NODE):
                    near.update(sent[j] for j in range(max(0, i - WINDOW), min(len(sent), i + WINDOW + 1))
                                if j != i and sent[j] != NODE)
        n, r1, f_node = sum(freq.values()), sum(near.values()), freq[NODE]
        for term, o in near.items():
            if o >= MIN_COUNT:
                rows.append({"side": side, "collocate": term, "n": o, "f_collocate": freq[term],
                             "mi": np.log2(o * n / (r1 * freq[term])), "log_dice": 14 + np.log2(2 * o / (f_node + freq[term]))})
    return pd.DataFrame(rows).sort_values(["side", "log_dice"], ascending=[True, False])


# ----------------------------------------------------------------------------- topics
def trimmed_counts(docs: list[list[str]]) -> tuple[Any, list[str]]:
    """Document-term counts (CSR) trimmed as the flagship's DTM."""
    from scipy import sparse

    index: dict[str, int] = {}
    rows, cols = [], []
    for i, d in enumerate(docs):
        for t in d:
            rows.append(i)
            cols.append(index.setdefault(t, len(index)))
    X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(index)))
    X.sum_duplicates()
    tf, df = np.asarray(X.sum(axis=0)).ravel(), np.bincount(X.indices, minlength=X.shape[1])
    keep = np.flatnonzero((tf >= TRIM["min_termfreq"]) & (df >= TRIM["min_docfreq"]) & (df <= TRIM["max_docfreq"] * len(docs)))
    vocab = np.array(list(index), dtype=object)[keep].tolist()
    return X[:, keep].tocsr(), vocab


def topics(docs: list[list[list[str]]], sides: list[str], langs: list[str]) -> tuple[Any, Any]:
    import pandas as pd
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    keep = [i for i, (s, lang) in enumerate(zip(sides, langs)) if lang == "ja" and s in ("state", "ngo")]
    X, vocab = trimmed_counts([[t for sent in docs[i] for t in sent] for i in keep])
    bow = list(Sparse2Corpus(X, documents_columns=False))
    lda = LdaModel(corpus=bow, id2word=dict(enumerate(vocab)), random_state=SEED, dtype=np.float64, **TOPICS)
    gamma = lda.inference(bow)[0]
    theta = pd.DataFrame(gamma / gamma.sum(axis=1, keepdims=True), columns=[f"topic_{k}" for k in range(6)])
    theta["side"] = [sides[i] for i in keep]
    top = pd.DataFrame({f"topic_{k}": [vocab[j] for j in np.argsort(-lda.get_topics()[k])[:10]] for k in range(6)})
    return theta, top


# ----------------------------------------------------------------------------- frames
class FrameModel:
    """TF-IDF (char 2-4 + lemma 1-2-grams) and one-vs-rest logistic regression; thresholds and a
    sigmoid per frame from the out-of-fold scores of 5 grouped inner folds."""

    fits = 0  # binary logistic regressions fitted (the framework's count is the same)

    def __init__(self, C: float, seed: int = SEED) -> None:
        self.C, self.seed = C, seed

    def _ovr(self) -> Any:
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        return OneVsRestClassifier(LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", dual=True,
                                                      max_iter=1000, random_state=self.seed))

    def fit(self, X: Any, Y: np.ndarray) -> "FrameModel":
        """``X``: DataFrame with ``text``, ``lemmas`` (space-joined) and ``doc_id``; ``Y`` 0/1."""
        from sklearn.compose import ColumnTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.features = ColumnTransformer([
            ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 4), min_df=2, sublinear_tf=True), "text"),
            ("word", TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                                     min_df=2, sublinear_tf=True), "lemmas")])
        M = self.features.fit_transform(X).tocsr()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model = self._ovr().fit(M, Y)
            oof, rows = [], []
            for tr, va in grouped_folds(X["doc_id"].to_numpy(), self.seed):
                oof.append(self._ovr().fit(M[tr], Y[tr]).decision_function(M[va]))
                rows.append(va)
        FrameModel.fits += Y.shape[1] * (1 + len(rows))
        self._tune(np.vstack(oof), Y[np.concatenate(rows)])
        return self

    def _tune(self, oof: np.ndarray, Y: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression

        self.thresholds = np.array([best_threshold(oof[:, j], Y[:, j]) for j in range(Y.shape[1])])
        self.sigmoid = np.tile([1.0, 0.0], (Y.shape[1], 1))
        for j in range(Y.shape[1]):
            if 0 < Y[:, j].sum() < len(Y):
                lr = LogisticRegression(C=1e4).fit(oof[:, [j]], Y[:, j])
                self.sigmoid[j] = lr.coef_[0, 0], lr.intercept_[0]

    def predict(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """0/1 decisions and calibrated probabilities."""
        s = self.model.decision_function(self.features.transform(X))
        return (s >= self.thresholds).astype(np.int8), 1 / (1 + np.exp(-(self.sigmoid[:, 0] * s + self.sigmoid[:, 1])))


def grouped_folds(groups: np.ndarray, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    splitter = GroupKFold(n_splits=min(FOLDS, len(np.unique(groups))), shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The cut of ``scores >= t`` with the highest F1 (halfway between adjacent scores)."""
    if not y.any():
        return float("inf")
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order].astype(bool)
    f1 = 2 * np.cumsum(t) / (np.arange(1, len(s) + 1) + t.sum())
    k = int(np.argmax(f1))
    return float((s[k] + s[k + 1]) / 2) if k + 1 < len(s) else float(s[k] - 1.0)


def macro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(Y, P, average="macro", zero_division=0))


def bootstrap_f1(Y: np.ndarray, P: np.ndarray, docs: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Percentile 95% intervals (rows: frames, macro, micro) over resampled test documents."""
    ids, inv = np.unique(docs, return_inverse=True)
    per_doc = [np.zeros((len(ids), Y.shape[1])) for _ in range(3)]
    for acc, c in zip(per_doc, (Y & P, (1 - Y) & P, Y & (1 - P))):
        np.add.at(acc, inv, c)
    draws = np.random.default_rng(seed).integers(0, len(ids), (N_BOOT, len(ids)))
    tp, fp, fn = (acc[draws].sum(axis=1) for acc in per_doc)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = 2 * tp / (2 * tp + fp + fn)
        micro = 2 * tp.sum(1) / (2 * tp.sum(1) + fp.sum(1) + fn.sum(1))
        stats = np.column_stack([f1, np.nanmean(f1, axis=1), micro])
    return np.nanquantile(stats, [0.025, 0.975], axis=0).T


def dictionary_predict(X: Any, cues: list[dict[str, list[str]]]) -> np.ndarray:
    """Cue-substring coder: a frame is on when any of its cues (in the sentence's language) occurs."""
    out = np.zeros((len(X), len(cues)), dtype=np.int8)
    for i, (text, lang) in enumerate(zip(X["text"], X["language"])):
        low = unicodedata.normalize("NFKC", text).lower()
        out[i] = [any(c in low for c in frame[lang]) for frame in cues]
    return out


def gold_sentences(tok: Tokenizer) -> tuple[Any, np.ndarray, list[str], list[dict[str, list[str]]]]:
    """Gold sentences (with split, language, side, lemmas), their 0/1 frames, frame ids, cues."""
    import pandas as pd
    import tomllib

    book = tomllib.loads((ROOT / "corpora" / "codebooks" / "migration_crime_frames.toml").read_text(encoding="utf-8"))
    names = [f["id"] for f in book["frame"]]
    cues = [{"ja": [unicodedata.normalize("NFKC", c).lower() for c in f["cues_ja"]],
             "en": [c.lower() for c in f["cues_en"]]} for f in book["frame"]]
    gold = pd.read_json(ROOT / "corpora" / "demo" / "annotations" / "gold.jsonl", lines=True)
    split = pd.read_csv(ROOT / "corpora" / "demo" / "annotations" / "split.csv").set_index("doc_id")
    for col in ("split", "language", "side"):
        gold[col] = split.loc[gold["doc_id"], col].to_numpy()
    gold["lemmas"] = [tok.sentence_lemmas(t, lang) for t, lang in zip(gold["text"], gold["language"])]
    return gold, np.array([[int(f in fl) for f in names] for fl in gold["frames"]], dtype=np.int8), names, cues


def tune_C(train: Any, Y: np.ndarray) -> tuple[float, Any]:
    """C by 5-fold grouped CV on the training documents (macro-F1; ties to the smaller C)."""
    import pandas as pd

    rows = []
    for C in CS:
        P = np.zeros_like(Y)
        for tr, va in grouped_folds(train["doc_id"].to_numpy(), SEED):
            P[va] = FrameModel(C).fit(train.iloc[tr], Y[tr]).predict(train.iloc[va])[0]
        rows.append({"C": C, "macro_f1": macro_f1(Y, P)})
    return sorted(rows, key=lambda r: (-r["macro_f1"], r["C"]))[0]["C"], pd.DataFrame(rows)


def evaluation_table(Y: np.ndarray, coded: dict[str, np.ndarray], docs: np.ndarray, names: list[str]) -> Any:
    """Per frame, macro and micro: F1 and its bootstrap interval for each coder."""
    import pandas as pd
    from sklearn.metrics import f1_score

    table = pd.DataFrame({"frame": names + ["(macro)", "(micro)"]})
    for coder, P in coded.items():
        per = f1_score(Y, P, average=None, zero_division=0)
        table[f"{coder}_f1"] = [*per, per.mean(), f1_score(Y, P, average="micro", zero_division=0)]
        table[f"{coder}_ci_low"], table[f"{coder}_ci_high"] = bootstrap_f1(Y, P, docs).T
    return table


def learning_curve(train: Any, Y: np.ndarray, test: Any, Yte: np.ndarray, C: float) -> Any:
    """Test macro-F1 of fits on growing prefixes of the shuffled training documents (1 repeat)."""
    import pandas as pd

    order = np.random.default_rng(SEED).permutation(np.array(sorted(train["doc_id"].unique()), dtype=object))
    rows = []
    for frac in FRACTIONS:
        part = train["doc_id"].isin(set(order[:max(2, int(round(frac * len(order))))])).to_numpy()
        P = FrameModel(C).fit(train[part], Y[part]).predict(test)[0]
        rows.append({"fraction": frac, "n_sentences": int(part.sum()), "macro_f1": macro_f1(Yte, P)})
    return pd.DataFrame(rows)


def frames(tok: Tokenizer) -> dict[str, Any]:
    """The framing stage's fits and evaluation, done the plain scikit-learn way."""
    import pandas as pd
    from sklearn.metrics import label_ranking_average_precision_score

    gold, Y, names, cues = gold_sentences(tok)
    is_train = (gold["split"] == "train").to_numpy()
    train, test = gold[is_train].reset_index(drop=True), gold[~is_train].reset_index(drop=True)
    C, tuning = tune_C(train, Y[is_train]) if tunes_C() else (FIXED_C, pd.DataFrame())
    P, S = FrameModel(C).fit(train, Y[is_train]).predict(test)
    coded = {"classifier": P, "dictionary": dictionary_predict(test, cues)}
    return {"C_tuning": tuning, "C": C, "evaluation": evaluation_table(Y[~is_train], coded, test["doc_id"].to_numpy(), names),
            "learning_curve": learning_curve(train, Y[is_train], test, Y[~is_train], C),
            "lrap": label_ranking_average_precision_score(Y[~is_train], S),
            "prevalence": pd.DataFrame(Y, columns=names).groupby(gold["side"].to_numpy()).mean()}


# ----------------------------------------------------------------------------- figures, the script
def figures(out: Path, key: Any, coll: Any, theta: Any, fr: dict[str, Any]) -> int:
    """Six PNGs with Japanese labels (IPAexGothic), like the flagship's six figures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401

    plt.rcParams.update({"font.family": "IPAexGothic", "axes.unicode_minus": False, "savefig.dpi": 110})
    top = key.iloc[np.r_[0:15, len(key) - 15:len(key)]]
    plots = {
        "keyness": lambda ax: ax.barh(top["term"], top["G2"], color=np.where(top["G2"] > 0, "#b2182b", "#2166ac")),
        "collocates": lambda ax: [ax.barh(g["collocate"].head(10) + f" ({s})", g["log_dice"].head(10), label=s)
                                  for s, g in coll[coll["side"].isin(["state", "ngo"])].groupby("side")],
        "topics_by_side": lambda ax: theta.groupby("side").mean().T.plot.barh(ax=ax),
        "frames_by_side": lambda ax: fr["prevalence"].T.plot.barh(ax=ax),
        "frames_f1": lambda ax: fr["evaluation"].set_index("frame")[["classifier_f1", "dictionary_f1"]].plot.barh(ax=ax),
        "learning_curve": lambda ax: ax.plot(fr["learning_curve"]["n_sentences"], fr["learning_curve"]["macro_f1"], "o-"),
    }
    titles = {"keyness": "キーネス (国家 vs NGO)", "collocates": "外国人の共起語", "topics_by_side": "トピック比率",
              "frames_by_side": "フレームの出現率", "frames_f1": "分類器と辞書の F1", "learning_curve": "学習曲線"}
    for name, draw in plots.items():
        fig, ax = plt.subplots(figsize=(6.5, 5))
        draw(ax)
        ax.set_title(titles[name])
        fig.savefig(out / f"{name}.png", bbox_inches="tight")
        plt.close(fig)
    return len(plots)


def baseline(out: Path) -> dict[str, float]:
    """The hand-written script: every core step of the flagship, timed step by step."""
    t = {"start": time.perf_counter()}

    def mark(name: str) -> None:
        t[name] = time.perf_counter()

    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    mark("imports")
    corpus = pd.read_json(ROOT / "corpora" / "demo" / "corpus.jsonl", lines=True)
    tok = Tokenizer()
    docs = [tok.document(text, lang) for text, lang in zip(corpus["text"], corpus["language"])]
    sides, langs = corpus["side"].tolist(), corpus["language"].tolist()
    mark("tokenize")
    key, coll = keyness_table(docs, sides), collocation_table(docs, sides)
    mark("keyness+collocations")
    theta, top = topics(docs, sides, langs)
    mark("topics")
    fr = frames(tok)
    mark("frames")
    for name, df in (("keyness", key), ("collocations", coll), ("doc_topics", theta), ("topic_terms", top),
                     ("frames_C_tuning", fr["C_tuning"]), ("frames_evaluation", fr["evaluation"]),
                     ("frames_learning_curve", fr["learning_curve"]), ("frames_prevalence", fr["prevalence"])):
        df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8")
    n_fig = figures(out, key, coll, theta, fr)
    mark("tables+figures")
    names = list(t)
    steps = {b: round(t[b] - t[a], 3) for a, b in zip(names, names[1:])}
    info = {"binary logistic-regression fits": FrameModel.fits, "figures": n_fig, "chosen C": fr["C"],
            "test macro-F1": round(float(fr["evaluation"].set_index("frame").loc["(macro)", "classifier_f1"]), 3),
            "imported discourse": any(m == "discourse" or m.startswith("discourse.") for m in sys.modules)}
    return {"steps": steps, "info": info}


# ----------------------------------------------------------------------------- the benchmark
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2, help="cold/warm/baseline rounds (best is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (their path is printed)")
    parser.add_argument("--baseline-only", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_only:
        print(json.dumps(baseline(Path(args.baseline_only))))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-experiment-"))
    try:
        results = report(*measure(tmp, args.repeats))
        write_results("experiment", results, args=args, parser=parser)
    finally:
        if args.keep:
            print(f"temporary folders kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(tmp: Path, repeats: int) -> tuple[list, list, list, list]:
    """``repeats`` rounds of cold, warm (same cache) and hand-written; the baseline goes first in
    every second round, so neither side always runs on a just-warmed machine."""
    warm_os_cache()
    cold, warm, base, same = [], [], [], []
    same_work = same_work_config(tmp)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; flagship: {' '.join(discourse_command())} "
          f"run {CONFIG} (DISCOURSE_CACHE and outputs.dir in {tmp})", flush=True)
    for r in range(repeats):
        if r % 2:
            base.append(run_baseline(tmp / f"baseline{r}"))
        cold.append(run_framework(tmp / f"cache{r}", tmp / f"runs{r}"))
        warm.append(run_framework(tmp / f"cache{r}", tmp / f"runs{r}"))
        same.append(run_framework(tmp / f"cache_same{r}", tmp / f"runs_same{r}", same_work))
        if not r % 2:
            base.append(run_baseline(tmp / f"baseline{r}"))
        missed = misses(warm[-1][2])
        print(f"  round {r + 1}: cold {cold[-1][0]:.1f} s (CPU {cold[-1][1]:.1f}), warm {warm[-1][0]:.1f} s "
              f"(CPU {warm[-1][1]:.1f}{'; stage cache MISSED: ' + ', '.join(missed) if missed else ''}), "
              f"hand-written {base[-1][0]:.1f} s (CPU {base[-1][1]:.1f}), same-work cold {same[-1][0]:.1f} s "
              f"(CPU {same[-1][1]:.1f})", flush=True)
    return cold, warm, base, same


def misses(manifest: dict[str, Any]) -> list[str]:
    """Stages of a run that did not come from the stage cache (a warm run should have none; a
    miss means the inputs or the package's source files changed between the two runs)."""
    return [k for k, hit in manifest.get("stage_cache_hits", {}).items() if not hit]


def stage_line(manifest: dict[str, Any]) -> str:
    hits = manifest.get("stage_cache_hits", {})
    return ", ".join(f"{k} {v:.2f}" + (" (cached)" if hits.get(k) else "") for k, v in manifest["timings_s"].items())


def report(cold: list, warm: list, base: list, same: list) -> list:
    """Print the best of the rounds, the stage timings and the verdicts; return them as results."""
    valid = [r for r in warm if not misses(r[2])] or warm
    if len(valid) < len(warm):
        print(f"\n{len(warm) - len(valid)} warm run(s) missed the stage cache (source files edited meanwhile?): left out")
    (c, _, cm), (w, _, wm), (b, _, bm) = (min(x, key=lambda r: r[0]) for x in (cold, valid, base))
    best_cpu = [min(r[1] for r in x) for x in (cold, valid, base)]
    print(f"\nframework cold: {c:.1f} s (target <= {COLD_TARGET:g} s: {verdict(c <= COLD_TARGET)}; CPU {best_cpu[0]:.1f} s); "
          f"stages [s]: {stage_line(cm)}; outside the stages (start-up, imports, config, manifest): "
          f"{c - sum(cm['timings_s'].values()):.1f} s")
    print(f"framework warm: {w:.1f} s (target <= {WARM_TARGET:g} s: {verdict(w <= WARM_TARGET)}; CPU {best_cpu[1]:.1f} s); "
          f"stages [s]: {stage_line(wm)}; outside the stages: {w - sum(wm['timings_s'].values()):.1f} s")
    print(f"cold / warm: {c / w:.2f}x; CPU time {best_cpu[0] / best_cpu[1]:.2f}x")
    steps, info = bm["steps"], bm["info"]
    print(f"hand-written: {b:.1f} s; steps [s]: {', '.join(f'{k} {v:.2f}' for k, v in steps.items())}; "
          f"interpreter start-up and exit: {b - sum(steps.values()):.1f} s")
    print("  " + "; ".join(f"{k}: {v}" for k, v in info.items()))
    s, _, sm = min(same, key=lambda r: r[0])
    s_cpu = min(r[1] for r in same)
    per_round = np.median([x[0] / z[0] for x, z in zip(same, base)])
    print(f"framework cold, the same work as the hand-written script (flagship without {', '.join(EXTRA_ANALYSES)}): "
          f"{s:.1f} s; / hand-written: {s / b:.2f} (target <= {RATIO_TARGET:g}: {verdict(s / b <= RATIO_TARGET)}); "
          f"CPU time {s_cpu / best_cpu[2]:.2f}; median over rounds of the wall ratio {per_round:.2f}")
    print(f"  framing stage {sm['timings_s'].get('framing', 0):.1f} s vs the baseline's frames step {steps['frames']:.1f} s; "
          f"everything else {s - sm['timings_s'].get('framing', 0):.1f} s vs {b - steps['frames']:.1f} s")
    print(f"  the full flagship cold / hand-written: {c / b:.2f} (it also runs {', '.join(EXTRA_ANALYSES)})")
    print(f"  (best of {len(cold)} rounds; every round cold/warm/hand-written wall [CPU] s: " + "; ".join(
        f"{x[0]:.1f}/{y[0]:.1f}/{z[0]:.1f} [{x[1]:.1f}/{y[1]:.1f}/{z[1]:.1f}]" for x, y, z in zip(cold, warm, base)) + ")")
    print("\n" + BASELINE_DESCRIPTION)
    return [Result("flagship run, cold (make demo after install)", c, "s", f"<= {COLD_TARGET:g}", f"CPU {best_cpu[0]:.1f} s"),
            Result("flagship run, warm (stage cache)", w, "s", f"<= {WARM_TARGET:g}", f"CPU {best_cpu[1]:.1f} s"),
            Result("flagship cold, same work, vs hand-written fugashi + gensim + sklearn script", s / b, "x",
                   f"<= {RATIO_TARGET:g}", f"{s:.1f} s vs {b:.1f} s; full flagship {c:.1f} s ({c / b:.2f}x)")]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


if __name__ == "__main__":
    main()
