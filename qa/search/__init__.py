"""Finding candidates: dense and keyword pools over one index or across the shards of an archive."""
