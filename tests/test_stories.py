"""Articles on one event form one story; an earlier event of the same storyline is linked to it."""

from __future__ import annotations

import pytest
from conftest import SEEDS, stories_json

from storyline.engine.local import ingest
from storyline.store.repo import Store


def _by_source(stories: list[dict]) -> dict[str, dict]:
    return {
        a["source"].rsplit("/", 2)[-2] + "/" + a["source"].rsplit("/", 1)[-1]: s for s in stories for a in s["articles"]
    }


def test_sample_corpus_stories(cli, corpus_db):
    stories = stories_json(cli, corpus_db)
    where = _by_source(stories)
    bridge = where["nws-wire/kestrel-bridge-closed.txt"]
    assert where["daily-courier/bridge-of-fears.txt"] is bridge
    assert where["aldwin-fm/kestrel-bridge-closed.txt"] is bridge
    inspection = where["the-ledger/2025-02-03-kestrel-cables.txt"]
    assert inspection is not bridge and len(inspection["articles"]) == 1
    assert inspection["id"] in bridge["related"] and bridge["id"] in inspection["related"]
    assert inspection["first_date"] < bridge["first_date"]
    methane = where["the-ledger/nordvik-methane-pact.html"]
    assert {a["outlet"] for a in methane["articles"]} >= {"The Ledger", "Coastline Post", "Northern Wire Service"}
    assert methane is not bridge and methane["id"] not in bridge["related"]


def test_syndicated_copy_is_marked_and_not_an_extra_outlet(cli, corpus_db):
    stories = stories_json(cli, corpus_db)
    recall = _by_source(stories)["nws-wire/solvane-recall.txt"]
    arts = {a["source"].rsplit("/", 2)[-2]: a for a in recall["articles"]}
    # The Coastline Post reprinted the NWS wire story: the wire copy is the original.
    assert arts["coastline-post"]["copy_of"] == arts["nws-wire"]["id"]
    assert arts["nws-wire"]["copy_of"] is None
    assert "Coastline Post" not in recall["outlets"]


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/samples/seeds not present")
@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_shared_seed_articles(tmp_path, order):
    """The four articles on the 30 Aug 2023 visit are one story, linked to the June announcement."""
    files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    if order == "reversed":
        files.reverse()
    with Store(tmp_path / "seeds.db") as store:
        ingest(store, files)
        stories = store.stories()
    sizes = sorted(len(s.articles) for s in stories)
    assert sizes == [1, 4]
    visit = next(s for s in stories if len(s.articles) == 4)
    june = next(s for s in stories if len(s.articles) == 1)
    assert june.first_date == "2023-06-20" and visit.first_date == "2023-08-30"
    assert june.id in visit.related
    # Two of the four name their outlet nowhere in the text: they are "unknown outlet", not two more outlets.
    assert visit.outlets == ["Radio NewsHub", "UPI"] and visit.unknown_outlet_articles == 2
