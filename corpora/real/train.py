"""Retrain the shipped frame classifier from the real gold annotations (one command).

    python corpora/real/train.py --corpus corpora/real/texts/corpus.jsonl   # after discourse fetch urls
    python corpora/real/train.py --sentences SENTENCES.jsonl                 # a local sentence collection

Hydrates the annotations (``corpora/real/annotations/gold.jsonl``: recipe id + sentence sha256 +
frames) with the texts on this machine, fits the classifier with the fixed settings and seed of
``discourse.framing.pretrained`` on the real training documents (+ the demo gold), evaluates it on
the held-out real test documents, and writes the model to ``corpora/models/frames_real/`` and the
evaluation tables to ``corpora/real/evaluation/``. Same annotations and texts -> same coefficients.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from discourse import metrics
from discourse.cache import write_csv
from discourse.framing.pretrained import real_gold, train_real, write_model

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", help="the fetched real corpus (discourse fetch urls ... -o corpus.jsonl)")
    source.add_argument("--sentences", help="JSONL of sentences with doc_id, sha256, text, language")
    parser.add_argument("--out", default=None, help="model folder (default: the shipped one)")
    parser.add_argument("--n-boot", type=int, default=1000)
    args = parser.parse_args()
    real = real_gold(args.corpus or args.sentences)
    print(f"real gold with text: {len(real)} sentences, {real['doc_id'].nunique()} documents")
    model, tables, summary = train_real(real, n_boot=args.n_boot)
    folder = write_model(model, summary, real, args.out)
    for name, table in tables.items():
        write_csv(HERE / "evaluation" / f"{name}.csv", table)
    write_csv(HERE / "evaluation" / "framed_share_gold.csv", framed_share_on_gold(real))
    print(f"model -> {folder}; held-out macro-F1 {summary['macro_f1']:.3f} "
          f"({summary['macro_f1_low']:.3f}-{summary['macro_f1_high']:.3f}), transfer gap {summary['transfer_gap']:+.3f}")


def framed_share_on_gold(real: pd.DataFrame) -> pd.DataFrame:
    """On every gold sentence: the framed share of foreigner sentences by side, beside co-mention
    (P(crime term | foreigner term) and P(crime term | no foreigner term))."""
    docvars = real.drop_duplicates("doc_id").set_index("doc_id")[["side"]]
    foreigner, crime = metrics.mention_flags(real, "foreigner"), metrics.mention_flags(real, "crime")
    table = metrics.framed_share(real, docvars, foreigner, threat=["crime_threat", "statistical_threat", "illegal_residence"],
                                 rebuttal=["statistical_rebuttal", "discrimination"], by="side", n_boot=1000, random_state=0)
    side = real["doc_id"].map(docvars["side"]).to_numpy()
    comention = {s: (crime[(side == s) & foreigner].mean(), crime[(side == s) & ~foreigner].mean()) for s in table["side"]}
    return table.assign(p_crime_given_foreigner=table["side"].map(lambda s: comention[s][0]),
                        p_crime_given_no_foreigner=table["side"].map(lambda s: comention[s][1]))


if __name__ == "__main__":
    main()
