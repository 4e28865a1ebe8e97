"""Every threshold and limit storyline decides by, in one place, each with the reason for its value.

Stages read them from `SETTINGS` (`from storyline.settings import SETTINGS as S`), so changing one
is changing one line here; `storyline settings` prints them all with their reasons. Levels that a
script learned from the dev data (the pair models' join and claim levels) are not here: they live
in the model files beside the code that loads them (`stories/pairs.json`, `compare/claim_pairs.json`),
written by the script that measured them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def setting(value: Any, why: str, stage: str) -> Any:
    """A field of `Settings`: its value, the one-line reason for it, and the stage that reads it."""
    return field(default=value, metadata={"why": why, "stage": stage})


@dataclass(frozen=True)
class Settings:
    # -- ingest ---------------------------------------------------------------------------------
    max_bytes: int = setting(
        50 * 1024 * 1024, "largest input file read (--max-bytes): a news page or feed is far smaller", "ingest"
    )
    stream_jsonl_from: int = setting(
        8_000_000, "JSON Lines files this large are streamed; smaller ones are read whole, like every input", "ingest"
    )
    warc_record_max_bytes: int = setting(
        20_000_000, "largest uncompressed WARC payload: a news page is well under 5 MB", "ingest"
    )
    warc_file_factor: int = setting(4, "a WARC file may unpack to this many times the size limit in all", "ingest")
    fetch_deadline_s: float = setting(
        60.0, "a whole URL fetch, all hops and reads: a server trickling bytes is cut off", "ingest"
    )
    fetch_read_timeout_s: float = setting(20.0, "one read of a fetch, within the deadline", "ingest")
    max_redirects: int = setting(5, "redirects followed by a fetch: more is a loop or a trap", "ingest")
    outlet_max_chars: int = setting(
        200, "longest outlet name --outlet (or the web's outlet field) takes: the longest real one is under 60",
        "ingest",
    )  # fmt: skip
    change_log_max_articles: int = setting(
        300, "a run storing more is a bulk load: its change log lists the new articles only (comparing each "
        "touched story before and after would cost more than the ingest)", "ingest",
    )  # fmt: skip
    batch_size: int = setting(
        32, "articles analysed (one spaCy pipe, one embedding call) and committed (one transaction) together",
        "ingest",
    )  # fmt: skip
    auto_worker_after: int = setting(
        1, "batches --workers auto analyses inline before it starts worker processes: a run of one batch "
        "(the sample corpus) starts none", "ingest",
    )  # fmt: skip
    auto_max_workers: int = setting(
        2, "most processes --workers auto forks (one per core up to this): measured on two cores only, and "
        "each holds its own copy of spaCy's working memory", "ingest",
    )  # fmt: skip

    # -- extract --------------------------------------------------------------------------------
    outlet_acronym_min_letters: int = setting(
        3, "an acronym (NWS) is merged with the outlet it abbreviates (Northern Wire Service) from this length: "
        "two letters name too many things", "extract",
    )  # fmt: skip
    max_text_chars: int = setting(
        200_000, "longest body kept: long-reads run to 60,000 characters; spaCy refuses a million", "extract"
    )
    max_html_tags: int = setting(
        60_000, "larger pages are refused: the benchmark's largest has 3,200 tags; 200,000 take trafilatura 30 s",
        "extract",
    )  # fmt: skip
    language_sample_chars: int = setting(3000, "language identification reads this much of the body", "extract")
    language_min_letters: int = setting(20, "below this many letters the language is not guessed", "extract")
    jsonld_fallback_ratio: float = setting(
        1.5, "a JSON-LD articleBody this many times trafilatura's words replaces it (dev pages: 0.1-1.16x)", "extract"
    )
    jsonld_fallback_min_gain: int = setting(100, "... and only when it adds at least this many words", "extract")
    caps_teaser_min_words: int = setting(
        4, "a headline in capitals without a full stop, this long, is a link to another story", "extract"
    )
    min_words_without_sentence: int = setting(
        10, "text with no sentence and fewer words is a leftover, not an article", "extract"
    )
    headline_max_words: int = setting(40, "the longest (tabloid) headlines run to about this many words", "extract")
    lead_sentence_words: int = setting(
        14, "a first block ending in a full stop with this many words is the lead sentence, not the title", "extract"
    )
    byline_max_words: int = setting(12, "a 'By ...' line is a byline only when short ('By contrast, ...')", "extract")
    pull_quote_min_words: int = setting(
        8, "a pull quote is a sentence or clause: shorter lines inside a longer one are labels", "extract"
    )
    repeat_min_words: int = setting(
        12, "a line printed twice is dropped from this length up: recurring recipe steps are short", "extract"
    )

    # -- analyze --------------------------------------------------------------------------------
    speaker_min_confidence: float = setting(
        0.5, "below it the chooser's pick was right less than half the time on PolNeAR dev: shown as uncertain",
        "analyze",
    )  # fmt: skip
    speaker_paragraphs_back: int = setting(
        3, "candidate speakers are those named this many paragraphs before a quote (or just after it)", "analyze"
    )
    speaker_rules_below: float = setting(
        0.35, "the chooser this unsure (a quarter right on PolNeAR dev) keeps the rules' pick: 'the report states'", "analyze"
    )
    speaker_described_confidence: float = setting(
        0.3, "a speaker the quote only describes ('a Labour MP') and the article names later is a reading, not "
        "its statement: at most this sure, so shown as uncertain", "analyze",
    )  # fmt: skip
    speaker_overrule_margin: float = setting(
        0.1, "the chooser overrules the rules' pick only when this much surer of its own (BBC dev +1 quote from "
        "0.05 to 0.3, PolNeAR dev the same): an organisation near the quote is no likelier than the cued person",
        "analyze",
    )  # fmt: skip

    # -- stories --------------------------------------------------------------------------------
    join_threshold: float = setting(
        0.35, "incremental placement: an article joins the best story scoring this (eval/clustering.py)", "stories"
    )
    link_threshold: float = setting(0.30, "stories scoring this, without joining, are one storyline", "stories")
    window_days: int = setting(
        4, "articles further apart in time are never one event (a June announcement, an August visit)", "stories"
    )
    max_keys: int = setting(25, "an article's rarest names and words used to find candidate stories", "stories")
    embedding_weight: float = setting(
        0.35, "share of the lead-embedding cosine in the placement score; names and words weigh the rest", "stories"
    )
    copy_threshold: float = setting(
        0.7, "estimated Jaccard of 5-word shingles above which an article is a copy: rewrites of wire copy", "stories"
    )
    minhash_permutations: int = setting(
        128, "MinHash signature length: estimates Jaccard within about 0.04 at 0.7", "stories"
    )
    lsh_bands: int = setting(32, "32 bands x 4 rows: pairs above Jaccard ~0.5 share a band", "stories")
    shingle_words: int = setting(5, "words per shingle for copy detection", "stories")
    regroup_floor: float = setting(
        0.05, "regroup pairs below this probability are dropped: they cannot lift an average to the join level",
        "stories",
    )  # fmt: skip
    regroup_neighbours: int = setting(
        6, "nearest articles (itself included) compared for shared neighbours: a small multi-outlet story", "stories"
    )
    regroup_neighbour_min: float = setting(
        0.2, "a weaker neighbour says nothing: in a small store every article is everyone's neighbour", "stories"
    )
    regroup_candidate: float = setting(
        0.1, "keys cosine under which a pair is not scored (ECB+ F1 0.914 at 0.05, 0.912 at 0.1; 2.5x less memory)",
        "stories",
    )  # fmt: skip
    regroup_max_component: int = setting(
        4000, "articles in one dense matrix (8 bytes x this squared, twice): about 250 MB", "stories"
    )
    regroup_block: int = setting(1024, "rows of the similarity matrix held at once", "stories")
    auto_regroup_max_articles: int = setting(
        5_000, "ingest ends with a regroup up to this many articles (15 s at 5k, 41 s at 10k)", "stories"
    )

    # -- compare --------------------------------------------------------------------------------
    # Cosines here are the static embedder's (analyze/static.py). MiniLM's levels moved to the same
    # quantile of ECB+ 1-35 cross-article pairs (0.55 / 0.43) connected fewer gold pairs than these.
    claim_candidate: float = setting(
        0.4, "claim pairs below this cosine are not scored (ECB+ two-fold recall 0.316 at 0.4, 0.274 at 0.5, "
        "at the same precision)",
        "compare",
    )  # fmt: skip
    claim_link: float = setting(
        0.35, "every two claims of one fact are at least this alike, so a chain of near matches joins no two",
        "compare",
    )  # fmt: skip
    claim_sure: float = setting(
        0.9, "every two claims of one fact have evidence beyond the embedding, or score this sure: a row of "
        "three whose third matches one member well and the other only on the event is two facts",
        "compare",
    )  # fmt: skip
    claim_pair_block: int = setting(
        1024, "claims whose shared words are counted at once: a dense block of this many rows by every claim "
        "(8 MB at 1,000 claims)", "compare",
    )  # fmt: skip
    claim_few_pairs: int = setting(
        256, "pairs this few have their shared words counted by set intersection (the same counts): the sparse "
        "products' set-up costs more than they do, and grouping asks for a few pairs at a time", "compare",
    )  # fmt: skip
    claim_quoted_share: float = setting(
        0.7, "a sentence this much inside quote marks is who said what, not a claim of the outlet", "compare"
    )
    clash_cosine: float = setting(
        0.75, "two sentences this alike that give one quantity differently speak of one fact", "compare"
    )
    clash_ratio: float = setting(
        1.5, "figures further apart are more often two different things than one misreported", "compare"
    )
    summary_redundant: float = setting(
        0.80, "cosine at which a summary candidate restates a chosen sentence in other words", "compare"
    )
    summary_min_words: int = setting(6, "shorter sentences read badly out of context in a summary", "compare")
    summary_max_words: int = setting(60, "longer ones are run-ons the sentence splitter missed", "compare")
    summary_echo_weight: float = setting(
        0.5, "summary score gained per further outlet reporting the fact (or the same event)", "compare"
    )
    summary_lead_weight: float = setting(0.4, "summary score for coming first in an article: news leads", "compare")
    timeline_claims: int = setting(12, "most reported claims a timeline considers: one screen", "compare")
    timeline_undated_top: int = setting(
        3, "claims this widely reported are placed by their article's date when the text states none", "compare"
    )
    differences_single: int = setting(3, "single-source claims named in 'Where outlets differ'", "compare")
    summary_sentences: int = setting(5, "sentences in a dossier's summary (--sentences)", "compare")
    compare_rows: int = setting(40, "claim rows `storyline compare` prints (--limit): a screenful or two", "compare")

    # -- web ------------------------------------------------------------------------------------
    page_size: int = setting(100, "stories per page of the list: a 10k-article store has thousands", "web")
    max_active_jobs: int = setting(2, "ingest jobs running at once; more are refused (429) until one ends", "web")
    job_history: int = setting(50, "finished jobs remembered for their pages", "web")
    dossier_cache: int = setting(256, "dossiers kept in memory by the server; the oldest goes first", "web")
    max_upload_bytes: int = setting(5_000_000, "largest upload the server takes (--max-upload)", "web")
    max_upload_files: int = setting(20, "files per upload: a day's coverage of one story fits", "web")

    # -- watch ----------------------------------------------------------------------------------
    watch_every_s: float = setting(
        900.0, "time between polls of a watched source (--every): news feeds change every few minutes to hours, "
        "so a new entry arrives within the quarter hour without asking a server more than four times an hour",
        "watch",
    )  # fmt: skip
    watch_min_every_s: float = setting(
        30.0, "shortest --every taken: a live feed updates about once a minute, and faster polling only loads "
        "its server", "watch",
    )  # fmt: skip
    watch_host_spacing_s: float = setting(
        5.0, "least time between two requests to one host: several feeds of one outlet are fetched one after "
        "another, never in a burst", "watch",
    )  # fmt: skip
    watch_max_backoff_s: float = setting(
        6 * 3600.0, "longest wait before a failing source is tried again (the wait starts at --every and doubles "
        "with each failure): a server down for a day is asked a handful of times, not a hundred", "watch",
    )  # fmt: skip
    watch_mtime_settle_s: float = setting(
        2.0, "a file or folder changed this recently is read again on the next poll: a file still being "
        "written, or a second edit within one tick of a coarse file-system clock (FAT: 2 s), is not missed",
        "watch",
    )  # fmt: skip


SETTINGS = Settings()


def described(settings: Settings = SETTINGS) -> list[dict[str, Any]]:
    """Every setting as data: name, value, stage and why (`storyline settings`)."""
    return [
        {"name": f.name, "value": getattr(settings, f.name), "stage": f.metadata["stage"], "why": f.metadata["why"]}
        for f in fields(settings)
    ]
