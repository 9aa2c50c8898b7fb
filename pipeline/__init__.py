"""thaireport: Thai government progress reports into structured tables."""

# Bump when extraction rules change: stored records made by an older version get reprocessed.
PIPELINE_VERSION = "0.1.0"
