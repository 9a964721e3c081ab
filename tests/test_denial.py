"""Denial, names and procedural sentences (discourse.framing.markers and the classifier's gates),
on constructed sentences written for these tests."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.framing import FramingClassifier
from discourse.framing.markers import denies_claim, is_procedural, load_markers, mask_names


@pytest.mark.parametrize("text, language", [
    ("外国人が増えると犯罪が増えるという根拠はない。", "ja"),
    ("外国人が犯罪の温床であるとの証拠は示されていない。", "ja"),
    ("「外国人犯罪が急増している」というのは誤りである。", "ja"),
    ("来日外国人の犯罪が凶悪化しているわけではない。", "ja"),
    ("外国人は治安を乱すという偏見に基づく報道が続いている。", "ja"),
    ("There is no evidence that foreign residents commit more crimes.", "en"),
    ("The idea that migrants bring crime is a myth.", "en"),
])
def test_denials_are_found(text, language):
    assert denies_claim(text, language)


@pytest.mark.parametrize("text, language", [
    ("来日外国人による組織的な窃盗が各地で多発している。", "ja"),
    ("不法滞在は決して許されるものではない。", "ja"),          # a negated predicate that advances enforcement
    ("治安が回復したとは言えない。", "ja"),                    # denies an improvement, not a threat claim
    ("外国人住民が安心して暮らせない状況が続いている。", "ja"),
    ("Arrests of foreign nationals rose for the third year.", "en"),
])
def test_assertions_are_not_denials(text, language):
    assert not denies_claim(text, language)


@pytest.mark.parametrize("text, expected", [
    ("法務省人権擁護局が相談に応じた。", "NAMEORGが相談に応じた。"),
    ("市は多文化共生推進室を新設した。", "市はNAMEORGを新設した。"),
    ("「外国人住民の差別の解消に関する法律案」が提出された。", "NAMELAWが提出された。"),
    ("いわゆるヘイトスピーチ解消法が施行された。", "いわゆるNAMELAWが施行された。"),
    ("入管法改正案が衆議院で可決された。", "NAMELAWが衆議院で可決された。"),
    ("「外国人の人権を考える市民連絡協議会」が集会を開いた。", "NAMEORGが集会を開いた。"),
])
def test_names_are_masked(text, expected):
    assert mask_names(text) == expected


@pytest.mark.parametrize("text", [
    "不法滞在者の摘発を強化した。",          # 不法 is not a law name
    "入管法違反で三人が検挙された。",        # the offence keeps its cue
    "地域の日本語教室に外国人住民が集まった。",  # 教室 is no office
    "難民認定制度の課題が明らかになった。",    # 課題 is no 課
    "解決方法を話し合った。",
    "外国人との共生社会の実現を目指す。",      # content, not a name
])
def test_words_that_are_not_names_stay(text):
    assert mask_names(text) == text


def test_english_names_are_masked():
    assert mask_names("The Human Rights Bureau answered.", "en") == "The NAMEORG answered."


@pytest.mark.parametrize("text, language, expected", [
    ("2023年6月9日、改正法案が参議院で可決・成立しました。", "ja", True),
    ("令和6年2月9日、総理は関係閣僚会議に出席しました。", "ja", True),
    ("お問い合わせ先: 事務局 TEL: 03-0000-0000", "ja", True),
    ("以上", "ja", True),
    ("2023年には来日外国人の検挙件数が前年より増加した。", "ja", False),
    ("入管施設での長期収容は人権侵害である。", "ja", False),
    ("On 9 June the Diet adopted the amended bill, which was announced later.", "en", True),
    ("Detention without time limits violates human rights.", "en", False),
])
def test_procedural_sentences(text, language, expected):
    assert is_procedural(text, language) is expected


def test_marker_file_is_versioned_and_names_codebook_frames():
    from discourse.framing import load_codebook

    data = load_markers()
    assert data.version and set(data.denial_frames) <= set(load_codebook().ids)
    assert "human_rights" not in data.denial_frames and "crime_threat" in data.denial_frames


# --- the classifier's gates, on a small constructed training set --------------------------------
THREAT = ["外国人による窃盗事件が多発しており犯罪の温床となっている。", "来日外国人の凶悪犯罪が増加し治安が悪化している。",
          "外国人犯罪組織による薬物の密輸が深刻化している。", "外国人の窃盗団が各地で多発している。"]
RIGHTS = ["入管施設での長期収容は人権侵害である。", "外国人住民の人権を守るべきだ。",
          "収容中の外国人の人権が侵害されている。", "難民申請者の人権を尊重すべきだ。"]
INTEGRATION = ["地域で多文化共生の取り組みを進める。", "外国人住民との多文化共生を目指す。",
               "多文化共生の地域づくりを進める。", "日本語教室で多文化共生を学ぶ。"]


def _fit(**kw) -> FramingClassifier:
    rows = []
    for d in range(12):
        for frame, texts in (("crime_threat", THREAT), ("human_rights", RIGHTS), ("integration", INTEGRATION)):
            rows.append({"doc_id": f"d{d}", "text": texts[d % 4] + "第" + str(d) + "号", "language": "ja", "frame": frame})
    table = pd.DataFrame(rows)
    y = [[f] for f in table["frame"]]
    return FramingClassifier(frames=["crime_threat", "human_rights", "integration"], cv=3, min_df=1, **kw).fit(
        table[["doc_id", "text", "language"]], y)


@pytest.fixture(scope="module")
def plain():
    return _fit()


@pytest.fixture(scope="module")
def gated():
    return _fit(denial="suppress", mask_names=True, procedural_margin=50.0)


def test_a_denied_claim_is_not_coded_as_the_claim(plain, gated):
    denied = "外国人による窃盗事件が多発し犯罪の温床となっているという根拠はない。"
    assert "crime_threat" in plain.predict([denied])[0]          # the words alone read as the claim
    assert "crime_threat" not in gated.predict([denied])[0]
    assert gated.predict_proba([denied])["crime_threat"][0] < gated.proba_thresholds_[0]
    asserted = "外国人による窃盗事件が多発し犯罪の温床となっている。"
    assert "crime_threat" in gated.predict([asserted])[0]       # an asserted claim keeps its frame


def test_an_office_name_alone_does_not_trigger_integration(plain, gated):
    office = "市の多文化共生推進室が担当する。"
    assert "integration" in plain.predict([office])[0]
    assert "integration" not in gated.predict([office])[0]
    assert "integration" in gated.predict(["外国人住民との多文化共生を目指す。"])[0]


def test_a_procedural_line_gets_no_frame(gated):
    line = "2024年5月1日、外国人住民の人権に関する集会を開催しました。"
    assert is_procedural(line)
    assert gated.predict([line]) == [[]]
    assert "human_rights" in gated.predict(["外国人住民の人権を守るべきだ。"])[0]


def test_gates_survive_saving(gated, tmp_path):
    loaded = FramingClassifier.load(gated.save(tmp_path / "m"))
    texts = ["外国人による窃盗事件が多発し犯罪の温床となっているという根拠はない。", "市の多文化共生推進室が担当する。"]
    assert loaded.predict(texts) == gated.predict(texts)
    assert (loaded.mask_names, loaded.denial, loaded.procedural_margin) == (True, "suppress", 50.0)


def test_bad_gate_options_are_errors():
    with pytest.raises(ConfigError, match="denial"):
        FramingClassifier(denial="drop").fit(["a", "b"], [[], []])
    with pytest.raises(ConfigError, match="procedural_margin"):
        FramingClassifier(procedural_margin=-1).fit(["a", "b"], [[], []])


def test_defaults_keep_todays_behaviour(plain):
    assert (plain.mask_names, plain.denial, plain.procedural_margin) == (False, "none", 0.0)
    text = ["外国人による窃盗事件が多発し犯罪の温床となっているという根拠はない。"]
    assert np.allclose(plain.decision_function(text), plain.transform(text) @ plain.coef_.T + plain.intercept_)


def test_english_lower_case_words_are_no_names():
    text = "Migrants are held in a detention center without a time limit under the law."
    assert mask_names(text, "en") == text
