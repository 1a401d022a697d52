"""Ranking candidates into an answer: fused scores, the judge, one story once, the highlight, the verdict."""
