"""dateline on a Ray cluster: shard actors that answer, and a Ray Data job that embeds.

Imported only with `--ray ADDRESS` (or `DATELINE_RAY`): Ray is an optional install
(`pip install 'dateline[cluster]'`), and a plain question never loads it.
"""
