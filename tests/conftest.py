"""Shared fixtures. The reference estate is synthesized once per session (jsii start-up and
synthesis dominate the suite's time) and every test that needs templates reads that one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# The estates the IQ tests build use no AMI; without this moto fills every account's EC2 backend with
# its whole AMI catalogue (and a volume per image) the first time the account touches EC2.
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
_NODE22 = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "node"
if _NODE22.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE22))

ROOT = Path(__file__).resolve().parent.parent


def _share_botocore_models() -> None:
    """Every boto3 session has its own loader, which parses the service's JSON model again: with the
    dozens of sessions the moto estates sign in with, that parsing was most of the IQ tests' time.
    The models are read-only data, so one parsed copy per process serves every session."""
    import botocore.loaders

    loader = botocore.loaders.Loader
    if getattr(loader, "_gxp_shared", False):
        return
    cache: dict = {}

    def shared(method):
        def load(self, *args, **kwargs):
            key = (method.__name__, args, tuple(sorted(kwargs.items())), tuple(self.search_paths))
            if key not in cache:
                cache[key] = method(self, *args, **kwargs)
            return cache[key]

        return load

    loader.load_service_model = shared(loader.load_service_model)
    loader.load_data_with_path = shared(loader.load_data_with_path)
    loader._gxp_shared = True


_share_botocore_models()


def _buckets_own_their_objects() -> None:
    """New S3 buckets have had ObjectOwnership BucketOwnerEnforced (ACLs disabled) by default since
    April 2023; moto still creates them without ownership controls. Give moto's buckets AWS's default,
    so a fixture models today's S3 and a break test can still turn ACLs back on."""
    from moto.s3.models import FakeBucket

    if getattr(FakeBucket, "_gxp_owner_enforced", False):
        return
    original = FakeBucket.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.ownership_rule = "BucketOwnerEnforced"

    FakeBucket.__init__ = init
    FakeBucket._gxp_owner_enforced = True


_buckets_own_their_objects()


def _bucket_events_to_eventbridge() -> None:
    """moto accepts a bucket's EventBridgeConfiguration but leaves it out of GetBucketNotificationConfiguration;
    S3 answers it (an empty element). Answer as S3 does, so a fixture can show events going to EventBridge."""
    from moto.s3.models import FakeBucket
    from moto.s3.responses import S3Response

    if getattr(S3Response, "_gxp_event_bridge", False):
        return
    original_get, original_set = S3Response.get_bucket_notification, FakeBucket.set_notification_configuration

    def set_notification_configuration(self, notification_config):
        original_set(self, notification_config)
        self.gxp_event_bridge = "EventBridgeConfiguration" in (notification_config or {})

    def get_bucket_notification(self):
        status, headers, body = original_get(self)
        bucket = self.backend.get_bucket(self.bucket_name)
        text = body.decode() if isinstance(body, bytes) else body
        if getattr(bucket, "gxp_event_bridge", False) and "EventBridgeConfiguration" not in text:
            element = "<EventBridgeConfiguration></EventBridgeConfiguration>"
            closing = "</NotificationConfiguration>"
            text = text.replace(closing, element + closing) if closing in text else (
                f'<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{element}{closing}')
            body = text.encode() if isinstance(body, bytes) else text
        return status, headers, body

    FakeBucket.set_notification_configuration = set_notification_configuration
    S3Response.get_bucket_notification = get_bucket_notification
    S3Response._gxp_event_bridge = True


_bucket_events_to_eventbridge()
REFERENCE_CONFIG = ROOT / "config" / "reference.yaml"


@pytest.fixture(scope="session")
def reference_config():
    from gxp_landing_zone.config import load_config

    return load_config(REFERENCE_CONFIG)


@pytest.fixture(scope="session")
def synthesized(reference_config, tmp_path_factory):
    """The reference estate, synthesized with every pack attached, and its report written."""
    from gxp_landing_zone.synthesis import synthesize, write_compliance_report

    outdir = tmp_path_factory.mktemp("cdk.out")
    result = synthesize(reference_config, outdir)
    result.report_files = write_compliance_report(result, reference_config, outdir)
    result.outdir = outdir
    return result


@pytest.fixture(scope="session")
def templates(synthesized):
    import json

    return {
        p.name.removesuffix(".template.json"): json.loads(p.read_text())
        for p in sorted(synthesized.outdir.glob("*.template.json"))
    }


# The estates of these modules are built for the records, signature, compute and governance checks;
# the AI controls' deployed halves in workload accounts are qualified on an account built for them
# (tests/test_iq_ai.py). GXP-AI-09 judges the SCPs and stays with the management account's checks.
_AI_QUALIFIED_ELSEWHERE = {"test_iq.py", "test_iq_workloads.py", "test_iq_compute_services.py", "test_iq_governance.py",
                          "test_iq_records_service.py"}


@pytest.fixture(autouse=True)
def _workload_ai_checks_qualified_elsewhere(request, monkeypatch):
    if Path(str(request.node.fspath)).name not in _AI_QUALIFIED_ELSEWHERE:
        return
    from gxp_landing_zone.controls.registry import all_controls
    from gxp_landing_zone.validation.iq import runner

    others = [c for c in all_controls() if not c.id.startswith("GXP-AI-") or c.id == "GXP-AI-09"]
    monkeypatch.setattr(runner, "all_controls", lambda: others)
