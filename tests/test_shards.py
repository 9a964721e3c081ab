"""Diet minutes written as a shard folder (part-*.jsonl + manifest.json) and read back by
read_corpus / iter_corpus, against the local fake speech endpoint (no network)."""
from __future__ import annotations

import datetime
import hashlib
import json
import random
from pathlib import Path

import pytest

from discourse import cli
from discourse.corpus import Document
from discourse.errors import ConfigError, CorpusError
from discourse.load import corpus_files, read_corpus, read_manifest, write_shards
from discourse.sources import KokkaiFetcher, KokkaiQuery, fetch_kokkai
from discourse.sources.http import FetchError
from discourse.stream import iter_corpus
from test_sources_http import LocalServer
from test_sources_kokkai import RULES, FakeApi, starts

# (date, issueID, number of speeches after the speechOrder-0 header): 5 meeting records, 3 dates shared
MEETINGS = [("2004-05-11", "100105206X00520040511", 11), ("1999-11-30", "114604582X00219991130", 3),
            ("2004-05-11", "100105206X00320040511", 4), ("2006-04-12", "116405254X00320060412", 6),
            ("2003-02-14", "115605206X00120030214", 2)]
SPEAKERS = [("山田一郎", "法務大臣", ""), ("海野花子", "", ""),
            ("川口さくら", "架空支援ネットワーク代表", "参考人"),
            ("森田次郎", "政府参考人", "警察庁刑事局長")]


def synthetic_records(seed: int = 0) -> list[dict]:
    """API speech records of our own invented wording, in a shuffled (API-like, unsorted) order;
    texts of varied lengths so that shards are cut at different places."""
    rng = random.Random(seed)
    records = []
    for date, issue, n in MEETINGS:
        for order in range(n + 1):
            name, position, role = SPEAKERS[order % len(SPEAKERS)]
            filler = "在留外国人の支援について申し上げます。" * (1 + (order * 7) % 9)
            body = "会議録情報" if order == 0 else f"{date}、記録{issue}の第{order}の発言です。{filler}"
            records.append({"speechID": f"{issue}_{order:03d}", "issueID": issue, "session": 150,
                            "nameOfHouse": "衆議院",
                            "nameOfMeeting": "法務委員会", "issue": "第1号", "date": date, "speechOrder": order,
                            "speaker": name, "speakerGroup": None, "speakerPosition": position or None,
                            "speakerRole": role or None, "speech": f"○{name}君　{body}",
                            "speechURL": f"https://kokkai.ndl.go.jp/txt/{issue}/{order}"})
    rng.shuffle(records)
    return records


RECORDS = synthetic_records()
N_SPEECHES = sum(n for *_, n in MEETINGS)   # 26: the headers are skipped


def expected_order(records) -> list[str]:
    """Speech ids sorted by date, then meeting record, then speech number (independent of the package)."""
    speeches = [r for r in records if r["speechOrder"] != 0]
    return [r["speechID"] for r in sorted(speeches, key=lambda r: (r["date"], r["issueID"], int(r["speechOrder"])))]


def run_cli(server, tmp_path, folder, *extra):
    return cli.main(["fetch", "kokkai", "--any", "外国人", "--api-url", server.url + "/api/speech",
                     "--cache", str(tmp_path / "cache"), "--delay", "0", "--quiet", "--shards", str(folder), *extra])


def parts(folder: Path) -> list[Path]:
    return sorted(folder.glob("part-*.jsonl"))


@pytest.fixture
def fetched(tmp_path):
    folder = tmp_path / "diet"
    with LocalServer(FakeApi(records=RECORDS)) as server:
        assert run_cli(server, tmp_path, folder, "--shard-bytes", "2kB", "--rules", str(RULES)) == 0
    return folder


def test_shards_are_cut_at_the_size_complete_and_in_date_then_speech_order(fetched):
    files = parts(fetched)
    assert [f.name for f in files] == [f"part-{i:05d}.jsonl" for i in range(len(files))] and len(files) >= 4
    lines = [f.read_bytes().splitlines(keepends=True) for f in files]
    for i, shard in enumerate(lines):
        assert shard and all(line.endswith(b"\n") for line in shard)   # whole records only
        assert all(json.loads(line)["doc_id"] for line in shard)
        size = sum(map(len, shard))
        assert size <= 2000 or len(shard) == 1                          # only a lone long record may exceed it
        if i + 1 < len(lines):                                          # cut only when the next record does not fit
            assert size + len(lines[i + 1][0]) > 2000
    ids = [json.loads(line)["doc_id"] for shard in lines for line in shard]
    assert ids == expected_order(RECORDS) and len(ids) == N_SPEECHES


def test_manifest_lists_checksums_counts_query_and_rules(fetched):
    manifest = read_manifest(fetched)
    files = parts(fetched)
    assert [s["file"] for s in manifest["shards"]] == [f.name for f in files]
    for entry, f in zip(manifest["shards"], files):
        data = f.read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["n_bytes"] == len(data) and entry["n_records"] == data.count(b"\n")
        assert entry["first_doc_id"] == json.loads(data.splitlines()[0])["doc_id"]
        assert entry["last_doc_id"] == json.loads(data.splitlines()[-1])["doc_id"]
    assert manifest["n_records"] == N_SPEECHES and manifest["shard_bytes"] == 2000
    assert manifest["query"]["params"] == {"any": "外国人"} and manifest["query"]["api_url"].endswith("/api/speech")
    assert manifest["rules"] == {"file": str(RULES), "sha256": hashlib.sha256(RULES.read_bytes()).hexdigest()}
    assert manifest["n_api_records"] == len(RECORDS) and manifest["source"] == "kokkai"
    fetched_at = datetime.datetime.fromisoformat(manifest["fetched_at"])
    assert abs(datetime.datetime.now(datetime.timezone.utc) - fetched_at) < datetime.timedelta(minutes=10)


def test_read_corpus_of_the_folder_equals_the_concatenated_file(fetched, tmp_path):
    joined = tmp_path / "joined.jsonl"
    joined.write_bytes(b"".join(f.read_bytes() for f in parts(fetched)))
    one, many = read_corpus(joined, strict=True), read_corpus(fetched, strict=True)
    assert many.doc_ids == one.doc_ids == expected_order(RECORDS)
    assert many.texts == one.texts and many.docvars.equals(one.docvars)
    assert set(many.docvars["side"]) == {"state", "other", "ngo"}     # the rules were applied
    batches = list(iter_corpus(fetched, batch_size=4))              # batches cross shard boundaries
    assert [len(b) for b in batches] == [4] * 6 + [2]
    assert [d for b in batches for d in b.doc_ids] == one.doc_ids
    assert corpus_files(fetched) == parts(fetched) and corpus_files(joined) == [joined]


def test_order_does_not_depend_on_the_api_order_and_matches_fetch_kokkai(fetched, tmp_path):
    other = tmp_path / "other"
    with LocalServer(FakeApi(records=synthetic_records(seed=7))) as server:   # same speeches, another order
        corpus = fetch_kokkai("外国人", api_url=server.url + "/api/speech", cache_dir=tmp_path / "c7", delay=0,
                              rules=RULES, shards=other, shard_bytes=2000)
    assert [f.read_bytes() for f in parts(other)] == [f.read_bytes() for f in parts(fetched)]
    assert sorted(corpus.doc_ids) == sorted(read_corpus(other).doc_ids) and corpus.doc_ids != expected_order(RECORDS)


@pytest.mark.parametrize("damage, message", [
    ("flip", r"part-00001\.jsonl: sha256 [0-9a-f]{16}\.\.\. does not match manifest\.json"),
    ("append", r"part-00001\.jsonl: \d+ bytes, but manifest\.json says \d+"),
    ("delete", r"part-00001\.jsonl: listed in .*manifest\.json but missing"),
    ("extra", r"part-00099\.jsonl: not listed in .*manifest\.json"),
    ("no-manifest", r"no manifest\.json: the write that made them did not finish"),
])
def test_a_tampered_folder_is_reported_naming_the_shard_and_the_fix(fetched, damage, message):
    shard = fetched / "part-00001.jsonl"
    if damage == "flip":
        data = bytearray(shard.read_bytes())
        data[10] ^= 0x01
        shard.write_bytes(bytes(data))
    elif damage == "append":
        shard.write_bytes(shard.read_bytes() + b'{"doc_id": "x", "text": "y"}\n')
    elif damage == "delete":
        shard.unlink()
    elif damage == "extra":
        (fetched / "part-00099.jsonl").write_text('{"doc_id": "x", "text": "y"}\n', encoding="utf-8")
    else:
        (fetched / "manifest.json").unlink()
    for read in (read_corpus, lambda p: list(iter_corpus(p)), corpus_files):
        with pytest.raises(CorpusError, match=message) as info:
            read(fetched)
        assert "again" in str(info.value)           # the fix
    if damage == "flip":                              # same size: only the checksum sees it
        assert len(corpus_files(fetched, verify=False)) == len(parts(fetched))


def test_interrupted_fetch_leaves_nothing_that_reads_as_complete_then_resumes(tmp_path):
    folder = tmp_path / "diet"
    with LocalServer(FakeApi({7: ["drop", "drop"]}, records=RECORDS)) as server:
        query = KokkaiQuery("外国人")
        fetcher = KokkaiFetcher(query, api_url=server.url + "/api/speech", cache_dir=tmp_path / "cache", delay=0,
                                max_retries=1, backoff=0)
        with pytest.raises(FetchError):
            fetcher.write_shards(folder, shard_bytes=2000)
        assert starts(server) == [1, 4, 7, 7]
        assert list(folder.iterdir()) == []          # no shard, no manifest, no temporary file
        with pytest.raises(CorpusError, match="neither corpus.jsonl"):
            read_corpus(folder)
        manifest = fetcher.write_shards(folder, shard_bytes=2000)   # resumes: pages 1 and 4 come from the cache
    assert starts(server)[:5] == [1, 4, 7, 7, 7] and fetcher.pages_cached == 2
    assert read_corpus(folder, strict=True).doc_ids == expected_order(RECORDS)
    assert manifest["n_records"] == N_SPEECHES


def test_a_failed_rewrite_keeps_the_earlier_complete_folder(fetched, tmp_path):
    before = {f.name: f.read_bytes() for f in fetched.iterdir()}

    def failing():
        yield from read_corpus(fetched)
        raise KeyboardInterrupt                      # killed after every document was spooled

    with pytest.raises(KeyboardInterrupt):
        write_shards(failing(), fetched, shard_bytes=500, sort_buffer_bytes=1000)
    assert {f.name: f.read_bytes() for f in fetched.iterdir()} == before
    assert read_corpus(fetched).doc_ids == expected_order(RECORDS)


def test_external_sort_gives_the_same_bytes_and_rewrites_remove_stale_shards(tmp_path):
    docs = [Document(f"d{i:03d}", f"文{i}。" * (1 + i % 13), date=f"20{10 + i % 7}-01-0{1 + i % 9}") for i in range(60)]
    random.Random(1).shuffle(docs)
    key = lambda d: (d.date,)   # noqa: E731
    small, large = tmp_path / "small", tmp_path / "large"
    write_shards(docs, small, shard_bytes=700, key=key, sort_buffer_bytes=300)     # many sorted runs merged
    write_shards(docs, large, shard_bytes=700, key=key)                            # sorted in memory
    assert [f.read_bytes() for f in parts(small)] == [f.read_bytes() for f in parts(large)]
    assert not list(small.glob(".*"))                                               # runs removed
    ids = read_corpus(small).doc_ids
    assert ids == [d.doc_id for d in sorted(docs, key=lambda d: (d.date, d.doc_id))]
    n = len(parts(small))
    assert n > 3
    manifest = write_shards(docs, small, shard_bytes=10**6)                          # given order, one shard
    assert [f.name for f in parts(small)] == ["part-00000.jsonl"] and len(manifest["shards"]) == 1
    assert read_corpus(small).doc_ids == [d.doc_id for d in docs] and manifest["order"] == "as given"


def test_leftovers_of_a_killed_write_are_not_read_and_are_cleaned(tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / ".part-00000.jsonl.abc.tmp").write_text('{"doc_id": "half', encoding="utf-8")
    with pytest.raises(CorpusError, match="neither corpus.jsonl"):
        corpus_files(folder)
    (folder / "part-00000.jsonl").write_text('{"doc_id": "a", "text": "完全な行。"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="no manifest.json"):
        read_corpus(folder)
    write_shards([Document("b", "新しい行。")], folder)
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "part-00000.jsonl"]
    assert read_corpus(folder).doc_ids == ["b"]


def test_no_hits_give_one_empty_shard(tmp_path):
    folder = tmp_path / "none"
    with LocalServer(FakeApi(records=[])) as server:
        assert run_cli(server, tmp_path, folder) == 0
    assert [f.read_bytes() for f in parts(folder)] == [b""]
    assert read_manifest(folder)["n_records"] == 0 and len(read_corpus(folder)) == 0


def test_options_and_folder_checks(tmp_path, capsys):
    from discourse.cli.fetch import byte_size

    assert (byte_size("64MB"), byte_size("500kB"), byte_size("1.5GB"), byte_size("2MiB"), byte_size("123")) == (
        64_000_000, 500_000, 1_500_000_000, 2_097_152, 123)
    parser = cli.build_parser()
    assert parser.parse_args(["fetch", "kokkai", "--any", "a", "--shards", "d"]).shard_bytes == 64_000_000
    for bad, said in ((["--shards", "d", "--shard-bytes", "12XB"], "'12XB' is not a size"),
                      (["--shards", "d", "-o", "x.jsonl"], "not allowed with argument"),
                      ([], "one of the arguments -o/--output --shards is required")):
        with pytest.raises(SystemExit) as info:
            parser.parse_args(["fetch", "kokkai", "--any", "a", *bad])
        assert info.value.code == 2 and said in capsys.readouterr().err
    with pytest.raises(ConfigError, match="shard_bytes=0"):
        write_shards([], tmp_path / "x", shard_bytes=0)
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "corpus.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds corpus.jsonl"):
        write_shards([], tmp_path / "y")
