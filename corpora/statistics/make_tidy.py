"""Rebuild crime_figures.csv from the project's source tables (run once by a maintainer).

    python corpora/statistics/make_tidy.py SOURCE_FOLDER

SOURCE_FOLDER holds the maintainers' compiled source tables (not shipped; every figure in
crime_figures.csv names its official publication and URL, so the table can be checked without them).

Reads japan_foreign_crime_figures.csv and registered_foreigners_by_nationality_1950_1978_ipss.csv,
adds `scope_group` (which scopes are comparable) and `nationality`, drops exact duplicate rows,
and writes crime_figures.csv (UTF-8, sorted by indicator, nationality, year, scope).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

# scope string (from the source table) -> comparable scope group; see README.md
SCOPE_GROUPS = {
    "外国人 (来日+その他) 交通関係業過を除く刑法犯 / 一般刑法犯": "general_penal",
    "外国人 (来日+その他) 交通関係業過を除く刑法犯 / 一般刑法犯; denominator 刑法犯検挙人員総数 (same scope)": "general_penal",
    "交通関係業過を除く刑法犯 (= 一般刑法犯; from 2004 ed. also excl. 危険運転致死傷)": "general_penal",
    "一般刑法犯 (刑法犯 excl. 交通関係業過)": "general_penal",
    "一般刑法犯 excl. 危険運転致死傷 (denominator used for foreign share)": "general_penal",
    "一般刑法犯 (denominator used for foreign share)": "general_penal",
    "刑法犯 (NPA definition, excl. traffic)": "general_penal",
    "刑法犯 (NPA white-paper definition, excl. traffic)": "general_penal",
    "刑法犯 (NPA definition, excl. traffic) - postwar low": "general_penal",
    "刑法犯 (NPA definition)": "penal_npa_unspecified",
    "刑法犯 検挙人員 (scope as quoted; likely excl. traffic)": "general_penal_as_quoted",
    "刑法犯 (incl. 交通関係業過)": "penal_incl_traffic",
    "刑法犯 (post-2014 definition)": "penal_post2014",
    "刑法犯 (post-2014 definition, excl. 危険運転/過失運転致死傷)": "penal_post2014",
    "来日外国人 刑法犯+特別法犯 (total)": "penal_and_special",
    "外国人登録者数 (year-end, 外国人登録法)": "registered_population",
    "国勢調査 外国人人口": "census_population",
    "国勢調査 外国人人口 (1,000人)": "census_population",
    "在留外国人数 (post-2012 definition: 中長期在留者+特別永住者)": "zairyu_population",
}
COLUMNS = ["year", "indicator", "nationality", "value", "unit", "scope", "scope_group",
           "value_kind", "source_title", "source_url", "note"]


def main(src: Path) -> None:
    main_table = pd.read_csv(src / "japan_foreign_crime_figures.csv", dtype=str, keep_default_na=False)
    main_table["nationality"] = "all"
    tidy = pd.concat([main_table, _nationalities(src, main_table)], ignore_index=True)
    unknown = set(tidy["scope"]) - set(SCOPE_GROUPS)
    if unknown:
        raise SystemExit(f"scopes without a scope_group: {sorted(unknown)}: add them to SCOPE_GROUPS")
    tidy["scope_group"] = tidy["scope"].map(SCOPE_GROUPS)
    tidy = tidy[COLUMNS].drop_duplicates()
    tidy = tidy.sort_values(["indicator", "nationality", "year", "scope"], kind="stable")
    tidy.to_csv(HERE / "crime_figures.csv", index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {len(tidy)} rows to {HERE / 'crime_figures.csv'}")


def _nationalities(src: Path, main_table: pd.DataFrame) -> pd.DataFrame:
    wide = pd.read_csv(src / "registered_foreigners_by_nationality_1950_1978_ipss.csv", dtype=str)
    long = wide.drop(columns="total").melt(id_vars=["year", "source_url"], var_name="nationality", value_name="value")
    ref = main_table[main_table["indicator"] == "registered_foreigners"].iloc[0]
    return long.assign(indicator="registered_foreigners", unit="persons", scope=ref["scope"],
                       value_kind="stated", source_title="IPSS 人口統計資料集 表10-1 国籍別外国人登録者数", note="")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data")
