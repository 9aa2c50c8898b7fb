"""thaireport: Thai government progress reports into structured tables."""

# Bump when extraction rules change: stored records made by an older version get reprocessed.
PIPELINE_VERSION = "0.3.0"


def tables(db_url: str | None = None):
    """Every table as a pandas DataFrame, for analysts: `pipeline.tables("sqlite:///thaireport.db")`.
    (Imported lazily: reading a document needs neither SQLAlchemy nor pandas.)"""
    from pipeline.storage import tables as _tables

    return _tables(db_url)
