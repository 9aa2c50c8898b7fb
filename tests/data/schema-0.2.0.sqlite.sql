-- The tables as thaireport 0.2.0 (before Alembic) created them with metadata.create_all (sqlite).

-- Kept to test that migrations bring such a database to the current schema.

CREATE TABLE budgets (
	doc_id VARCHAR(71) NOT NULL, 
	position INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	span_start INTEGER NOT NULL, 
	span_end INTEGER NOT NULL, 
	page INTEGER, 
	amount FLOAT NOT NULL, 
	role VARCHAR(24) NOT NULL, 
	PRIMARY KEY (doc_id, position)
);

CREATE TABLE dates (
	doc_id VARCHAR(71) NOT NULL, 
	position INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	span_start INTEGER NOT NULL, 
	span_end INTEGER NOT NULL, 
	page INTEGER, 
	start DATE NOT NULL, 
	"end" DATE NOT NULL, 
	granularity VARCHAR(8) NOT NULL, 
	year_inferred BOOLEAN NOT NULL, 
	PRIMARY KEY (doc_id, position)
);

CREATE TABLE documents (
	doc_id VARCHAR(71) NOT NULL, 
	source TEXT NOT NULL, 
	source_path TEXT NOT NULL, 
	format VARCHAR(8) NOT NULL, 
	status VARCHAR(8) NOT NULL, 
	error TEXT, 
	warnings JSON NOT NULL, 
	pages INTEGER, 
	title TEXT, 
	agency TEXT, 
	fiscal_year INTEGER, 
	period_label TEXT, 
	period_start DATE, 
	period_end DATE, 
	pipeline_version VARCHAR(32) NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	stored_at DATETIME NOT NULL, 
	PRIMARY KEY (doc_id)
);

CREATE INDEX ix_documents_source_path ON documents (source_path);

CREATE TABLE entities (
	doc_id VARCHAR(71) NOT NULL, 
	position INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	span_start INTEGER NOT NULL, 
	span_end INTEGER NOT NULL, 
	page INTEGER, 
	label VARCHAR(16) NOT NULL, 
	PRIMARY KEY (doc_id, position)
);

CREATE TABLE failures (
	source TEXT NOT NULL, 
	doc_id VARCHAR(71) NOT NULL, 
	error TEXT NOT NULL, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	attempts INTEGER NOT NULL, 
	PRIMARY KEY (source, doc_id)
);

CREATE TABLE indicators (
	doc_id VARCHAR(71) NOT NULL, 
	position INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	span_start INTEGER NOT NULL, 
	span_end INTEGER NOT NULL, 
	page INTEGER, 
	number VARCHAR(32), 
	name TEXT NOT NULL, 
	outcome VARCHAR(16), 
	outcome_text TEXT, 
	target TEXT, 
	result TEXT, 
	PRIMARY KEY (doc_id, position)
);
