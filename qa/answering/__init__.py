"""Answering a question: the pipeline from a question to an Answer, over one index or an archive of shards."""
