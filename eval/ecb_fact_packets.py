"""Write the annotation packets from which eval/data/ecb-facts/gold.json was made (for the record, and
for a next round): ECB+ 1-35's sub-topics in seven packets of about 200 sentences, each file's
headline and the sentences ECBplus_coreference_sentences.csv lists, each with its id FILE:SENTENCE.

The packets hold ECB+ text, so they go to a folder outside the repository (the gold keeps ids only).
The instructions the helpers followed are in eval/data/ecb-facts/README.md.

    python eval/ecb_fact_packets.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ecb

PACKETS = 7


def packets() -> list[list[tuple[str, str]]]:
    """(sub-topic, its text) per packet: the largest sub-topic first into the emptiest packet."""
    annotated = ecb.annotated_sentences()
    by: dict[str, list[ecb.EcbDoc]] = {}
    for d in ecb.docs():
        by.setdefault(d.gold, []).append(d)
    subs = []
    for gold, ds in sorted(by.items(), key=lambda kv: (int(kv[0].split("/")[0]), kv[0])):
        lines, n = [f"# Sub-topic {gold}: {len(ds)} articles\n"], 0
        for d in ds:
            items = [*([(d.title_n, d.title or "")] if d.title_n is not None else []), *d.sentences]
            chosen = [(num, t) for num, t in items if (d.name, num) in annotated]
            if chosen:
                lines.append(f"\n## {d.name}" + (f"  (headline: {d.title})" if d.title else ""))
                lines += [f"[{d.name}:{num}] {t}" for num, t in chosen]
                n += len(chosen)
        subs.append((gold, n, "\n".join(lines) + "\n"))
    out: list[list[tuple[str, str]]] = [[] for _ in range(PACKETS)]
    load = [0] * PACKETS
    for gold, n, text in sorted(subs, key=lambda s: -s[1]):
        k = load.index(min(load))
        out[k].append((gold, text))
        load[k] += n
    return [sorted(p, key=lambda x: (int(x[0].split("/")[0]), x[0])) for p in out]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for k, p in enumerate(packets()):
        (out / f"packet{k}.md").write_text("\n\n".join(t for _g, t in p), "utf-8")
        print(f"packet{k}.md: {', '.join(g for g, _t in p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
