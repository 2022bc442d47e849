"""AI and ML governance: evaluation as evidence (``runtime``, deployed as Lambda functions) and the
export of a model version's lineage (``lineage``)."""
