"""The records stacks of the reference estate: one key and one Object Lock bucket per data class
in every regulated account and region, nothing deletable by a deploy or `cdk destroy`, and
replication only where the config allows it."""

from __future__ import annotations

import pytest

from gxp_landing_zone.naming import Names

RETAINED = {"AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::KMS::Key"}


@pytest.fixture(scope="module")
def records(templates):
    return {name: t for name, t in templates.items() if name.startswith("Records-")}


def _of_type(template, cfn_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == cfn_type}


def test_one_records_stack_per_regulated_account_and_region(records, reference_config):
    expected = {
        f"Records-{a.role}-{r}" for a in reference_config.regulated_accounts for r in reference_config.workload_regions(a)
    }
    assert set(records) == expected


def test_every_records_resource_is_retained(records):
    """No deploy, replacement or `cdk destroy` removes a record, its bucket policy or the key to read it."""
    checked = 0
    for name, template in records.items():
        for logical_id, resource in template["Resources"].items():
            assert resource["Type"] != "Custom::S3AutoDeleteObjects", f"{name}/{logical_id}"
            if resource["Type"] in RETAINED:
                checked += 1
                assert resource.get("DeletionPolicy") == "RetainExceptOnCreate", f"{name}/{logical_id}"
                assert resource.get("UpdateReplacePolicy") == "Retain", f"{name}/{logical_id}"
            if resource["Type"] == "AWS::KMS::Key":
                assert resource["Properties"]["PendingWindowInDays"] == 30
    # 6 stacks (3 production, 3 validation) x (4 classes x (bucket, policy, key) + access-log bucket and policy
    # + the key of the records functions' logs + the record export's bucket, policy, key and signing key)
    assert checked == 6 * (4 * 3 + 2 + 1 + 4)


def test_records_buckets_lock_each_class_for_its_retention(records, reference_config):
    names = Names(reference_config)
    days = {c.name: c.days for c in reference_config.data_classes}
    for name, template in records.items():
        buckets = [
            b["Properties"] for b in _of_type(template, "AWS::S3::Bucket").values()
            if b["Properties"]["BucketName"].startswith(names.records_bucket_prefix())
        ]
        assert len(buckets) == len(days)
        for bucket in buckets:
            data_class = next(t["Value"] for t in bucket["Tags"] if t["Key"] == "gxp:retention-class")
            retention = bucket["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
            assert retention == {"Mode": "COMPLIANCE", "Days": days[data_class]}
            assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["BucketKeyEnabled"] is True
            rules = bucket["LifecycleConfiguration"]["Rules"]
            assert not any(k in r for r in rules for k in ("ExpirationInDays", "NoncurrentVersionExpiration", "ExpirationDate"))


def test_only_de_identified_classes_replicate(records, reference_config):
    de_identified = {c.name for c in reference_config.data_classes if c.de_identified}
    replicating = {}
    for name, template in records.items():
        for bucket in _of_type(template, "AWS::S3::Bucket").values():
            config = bucket["Properties"].get("ReplicationConfiguration")
            if config:
                data_class = next(t["Value"] for t in bucket["Properties"]["Tags"] if t["Key"] == "gxp:retention-class")
                assert data_class in de_identified
                replicating[name] = [r["Destination"]["Bucket"] for r in config["Rules"]]
    us = Names(reference_config).records_bucket("deidentified-analytics", "444444444444", "us-east-1")
    # Validation accounts mirror production's replication among themselves: test data never reaches production.
    validation_us = Names(reference_config).records_bucket("deidentified-analytics", "999999999901", "us-east-1")
    assert replicating == {
        "Records-regulated-eu-eu-central-1": [f"arn:aws:s3:::{us}"],
        "Records-regulated-jp-ap-northeast-1": [f"arn:aws:s3:::{us}"],
        "Records-validation-eu-eu-central-1": [f"arn:aws:s3:::{validation_us}"],
        "Records-validation-jp-ap-northeast-1": [f"arn:aws:s3:::{validation_us}"],
    }


def test_each_class_has_its_own_key(records):
    for template in records.values():
        # Beside the class keys: the key of the records functions' logs and the record export's keys (not records keys).
        keys = {lid for lid in _of_type(template, "AWS::KMS::Key") if not lid.startswith(("FunctionLogKey", "RecordExport"))}
        used = [
            b["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
            .get("KMSMasterKeyID", {}).get("Fn::GetAtt", [None])[0]
            for lid, b in _of_type(template, "AWS::S3::Bucket").items() if not lid.startswith("RecordExport")
        ]
        used = [k for k in used if k]
        assert len(used) == len(set(used)) == len(keys) == 4


def test_replication_destinations_deploy_before_their_sources(synthesized):
    stacks = {s.stack_name: s for s in synthesized.assembly.stacks}
    for source in ("Records-regulated-eu-eu-central-1", "Records-regulated-jp-ap-northeast-1"):
        assert "Records-regulated-us-us-east-1" in [d.id for d in stacks[source].dependencies]
