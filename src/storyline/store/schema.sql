-- storyline store, schema version 1. Later versions are added as migrations in repo.py.
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,            -- sha1 of `key`, stable across runs
    key TEXT NOT NULL UNIQUE,       -- URL, or sha256 of the cleaned text when there is none
    content_hash TEXT NOT NULL,     -- of the current version
    version INTEGER NOT NULL,
    source TEXT NOT NULL,           -- path or URL it came from
    url TEXT,
    title TEXT, outlet TEXT, byline TEXT,
    published TEXT, published_note TEXT, dateline TEXT, standfirst TEXT,
    text TEXT NOT NULL,             -- cleaned body, paragraphs separated by a blank line
    photo_credits TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    content_type TEXT NOT NULL,
    raw BLOB NOT NULL,              -- the input exactly as read
    vector BLOB,                    -- lead embedding, float32
    minhash BLOB,                   -- MinHash signature, uint64
    copy_of TEXT REFERENCES articles(id),
    copy_similarity REAL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_versions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    raw BLOB NOT NULL,
    ingested_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id),
    idx INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    sentence INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    canonical TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_article ON mentions(article_id);
CREATE INDEX IF NOT EXISTS mentions_canonical ON mentions(canonical);
CREATE TABLE IF NOT EXISTS lsh_bands (
    band TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id)
);
CREATE INDEX IF NOT EXISTS lsh_bands_band ON lsh_bands(band);
CREATE INDEX IF NOT EXISTS lsh_bands_article ON lsh_bands(article_id);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    n INTEGER NOT NULL,
    first_date TEXT, last_date TEXT,
    vector_sum BLOB NOT NULL,
    keys TEXT NOT NULL,             -- JSON {key: number of member articles with it}
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    story_id INTEGER NOT NULL REFERENCES stories(id),
    score REAL,
    added_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id);
CREATE TABLE IF NOT EXISTS story_links (
    a INTEGER NOT NULL REFERENCES stories(id),
    b INTEGER NOT NULL REFERENCES stories(id),
    score REAL NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
);
CREATE TABLE IF NOT EXISTS story_keys (
    key TEXT NOT NULL,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    PRIMARY KEY (key, story_id)
);
CREATE TABLE IF NOT EXISTS key_df (
    key TEXT PRIMARY KEY,
    df INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    hash TEXT PRIMARY KEY,          -- sha1 of the sentence text: embeddings cached across dossiers
    vector BLOB NOT NULL
);
