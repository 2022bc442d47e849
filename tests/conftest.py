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


def _symmetric_kms_keys_make_no_rsa_key() -> None:
    """moto gives every KMS key a private key for Sign/Verify, and for a symmetric key (which can never
    sign) an RSA-2048 one: about 170 ms each, and the IQ estates create hundreds of keys. Asymmetric keys
    still get theirs at once; a symmetric key's is made only if something ever reads it."""
    import moto.kms.models as kms_models

    if getattr(kms_models, "_gxp_lazy_keys", False):
        return
    original = kms_models.generate_private_key

    class OnFirstUse:
        def __init__(self, key_spec):
            self._key_spec, self._key = key_spec, None

        def __getattr__(self, name):
            if name.startswith("__") or name in ("_key_spec", "_key"):
                raise AttributeError(name)
            if self._key is None:
                self._key = original(self._key_spec)
            return getattr(self._key, name)

    def generate_private_key(key_spec):
        if str(key_spec).startswith(("RSA_", "ECC_")):
            return original(key_spec)
        return OnFirstUse(key_spec)

    kms_models.generate_private_key = generate_private_key
    kms_models._gxp_lazy_keys = True


_symmetric_kms_keys_make_no_rsa_key()
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


@pytest.fixture(scope="session")
def cfn_lint(synthesized, reference_config) -> list[tuple[str, str]]:
    """cfn-lint's findings on every template, errors, warnings and informational rules in one pass, each
    template linted against the region it deploys to (the StackSet's template against the home region), as
    (rule ID, parseable line ``path:line:col:line:col:rule:message``). Regions are linted two at a time."""
    import json
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    outdir = synthesized.outdir
    artifacts = json.loads((outdir / "manifest.json").read_text())["artifacts"]
    by_region: dict[str, list[str]] = {}
    for path in sorted(outdir.glob("*.template.json")):
        region = artifacts[path.name.removesuffix(".template.json")]["environment"].rsplit("/", 1)[-1]
        by_region.setdefault(region, []).append(str(path))
    by_region.setdefault(reference_config.home_region, []).extend(str(p) for p in sorted(outdir.glob("stacksets/*/*.template.json")))
    executable = str(Path(sys.executable).parent / "cfn-lint")

    def lint(region: str) -> list[str]:
        # "--" ends --include-checks' list, which would otherwise take the paths as rule IDs.
        run = subprocess.run([executable, "--format", "parseable", "--regions", region, "--include-checks", "I", "--",
                              *by_region[region]], capture_output=True, text=True)
        # cfn-lint's exit code is a bit set: 1 = it failed to run, 2 = errors, 4 = warnings, 8 = informational.
        assert run.returncode & 1 == 0, run.stdout + run.stderr
        return run.stdout.splitlines()

    with ThreadPoolExecutor(max_workers=2) as pool:
        lines = [line for lines in pool.map(lint, sorted(by_region)) for line in lines]
    return [(line.split(":")[5] if line.count(":") >= 5 else line, line) for line in lines]


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
