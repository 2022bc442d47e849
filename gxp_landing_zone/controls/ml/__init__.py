"""Model training: SageMaker pipelines that train in isolation, checkpoint Spot work and register models
for a separate approval (11.10(a), (d), (f), (g); Annex 11 §7.1, §10, §12.1)."""
