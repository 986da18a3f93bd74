"""Corpus audits: many documents, in parallel, on one machine or a Dask cluster.

``symderiv audit PATH... [--jobs N] [--out DIR] [--resume] [--scheduler ADDRESS]
[--format text|md|json|jsonl]``: files, folders (``*.md``, ``*.markdown``, ``*.tex``, ``*.txt``,
recursively) and globs; one task per document (:func:`symderiv.corpus.task.audit_task`), run
by a pool of local worker processes (:mod:`.pool`) or by Dask workers (:mod:`.dask_backend`).
Call :func:`audit_corpus` from under ``if __name__ == "__main__":`` (the workers are spawned).
"""
from .discover import Document, Failure, find_documents
from .run import CorpusOptions, audit_corpus, exit_status

__all__ = ["CorpusOptions", "audit_corpus", "exit_status", "find_documents", "Document",
           "Failure"]
