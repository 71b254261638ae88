"""Scholarly sources: find a researcher in OpenAlex, Semantic Scholar, arXiv, DBLP or ORCID, import their
papers into the knowledge base, and keep them fresh.

``service`` is the API the front ends call; one module per source speaks to it through its own client
library; ``identity`` says how sure a match is; ``records`` keeps what was imported on disk.
"""
