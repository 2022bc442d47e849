"""Where the IQ finds the buckets whose location it must read.

A bucket's name is global and its region is whatever it was created in, so each is asked where it is.
Keys, log groups, tables and the other stateful types are regional: the IQ reads them through the
endpoint of the region it qualifies, which is where they are.
"""

from __future__ import annotations

from ...topology import runs_genai
from ..deployed.s3 import bucket as read_bucket
from ..model import AUDIT, DEPLOYMENT, LOG_ARCHIVE, REGULATED, RESEARCH


def estate_bucket_names(config, names, account, region: str) -> list[str]:
    """The buckets the stacks create in this account and region (a workload region of the account)."""
    kind = account.kind.value
    found = []
    if kind == LOG_ARCHIVE:
        found += [names.trail_bucket, names.config_bucket, names.access_log_bucket, names.evidence_bucket]
    if kind == AUDIT and region == config.home_region:
        # The scheduled audit-trail review's reports and their access logs (audit_review/deployment.py).
        found += [names.review_reports_bucket, names.review_access_log_bucket]
    if kind == DEPLOYMENT and region == config.home_region:
        # The pipeline's artifacts and the release signature service (stacks/pipeline.py, release_signatures.py).
        found += [
            names.pipeline_artifact_bucket, names.pipeline_access_log_bucket,
            names.signature_manifest_bucket(account.id, region), names.signature_access_log_bucket(account.id, region),
        ]
    if kind == REGULATED:
        found += [names.records_bucket(c.name, account.id, region) for c in config.data_classes]
        found += [
            names.records_access_log_bucket(account.id, region),
            names.signature_manifest_bucket(account.id, region),
            names.signature_access_log_bucket(account.id, region),
            names.record_export_bucket(account.id, region),
        ]
    if kind in (REGULATED, RESEARCH) and config.compute_settings(account).enabled:
        found += [
            names.checkpoint_bucket(account.id, region),
            names.ml_artifact_bucket(account.id, region),
            names.compute_access_log_bucket(account.id, region),
        ]
    if runs_genai(config, account):
        found += [
            names.genai_log_bucket(account.id, region),
            names.genai_evaluation_bucket(account.id, region),
            names.genai_access_log_bucket(account.id, region),
        ]
    return found


def estate_buckets(reader) -> list:
    return [
        read_bucket(reader, name)
        for name in estate_bucket_names(reader.config, reader.names, reader.account, reader.region)
    ]
