"""Static word vectors read from a spaCy model folder (discourse.framing.vectors), on a tiny folder
written here in the same format as ja_ginza's ``vocab`` (no model package needed)."""
from __future__ import annotations

import numpy as np
import pytest

from discourse.errors import ConfigError
from discourse.framing._tok import SentenceTokens
from discourse.framing.vectors import StaticVectors, hash_string, model_vocab, sentence_vectors

msgpack = pytest.importorskip("msgpack")


def test_hash_is_spacys():
    # spaCy's documentation: nlp.vocab.strings["coffee"] == 3197928453018144401
    assert hash_string("coffee") == 3197928453018144401
    assert hash_string("外国人") != hash_string("外国")
    assert 0 <= hash_string("治安が悪化した") < 2 ** 64


@pytest.fixture
def vocab(tmp_path):
    table = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0]], dtype=np.float32)
    with open(tmp_path / "vectors", "wb") as fh:
        np.save(fh, table)
    key2row = {hash_string("犯罪"): 0, hash_string("増える"): 1, hash_string("増え"): 1, hash_string("治安"): 2}
    (tmp_path / "key2row").write_bytes(msgpack.packb(key2row))
    return tmp_path


def tokens(surface, lemma, pos):
    return SentenceTokens(tuple(surface), tuple(lemma), tuple(pos), tuple(range(len(surface))), tuple(range(1, len(surface) + 1)))


def test_lookup_and_sentence_mean(vocab):
    vec = StaticVectors(vocab)
    assert vec.dim == 2 and vec.row("犯罪") == 0 and vec.row("移民") == -1
    sents = [tokens(["犯罪", "が", "増え", "た", "。"], ["犯罪", "が", "増える", "た", "。"],
                    ["名詞", "助詞", "動詞", "助動詞", "補助記号-句点"]),
             tokens(["移民", "。"], ["移民", "。"], ["名詞", "補助記号-句点"]),
             tokens(["治安"], ["治安"], ["名詞"])]
    X = sentence_vectors(vec, sents)
    assert X.shape == (3, 2)
    np.testing.assert_allclose(X[0], [2 ** -0.5, 2 ** -0.5])     # mean of (1,0) and (0,1), normalized
    np.testing.assert_allclose(X[1], [0.0, 0.0])                  # no token has a vector
    np.testing.assert_allclose(X[2], [0.6, 0.8])
    weighted = sentence_vectors(vec, sents[:1], weight=lambda lem: 3.0 if lem == "犯罪" else 1.0)
    np.testing.assert_allclose(weighted[0], np.array([3.0, 1.0]) / np.sqrt(10.0))


def test_missing_package_is_a_clear_error():
    with pytest.raises(ConfigError, match="not installed"):
        model_vocab("no_such_spacy_model_package")
