"""SageMaker model approval wired to the signature service: an Approved version stays Approved only
with a verified 'approved-for-use' signature on its current evaluation record; anything else is set
back to PendingManualApproval and reported."""

from __future__ import annotations

from gxp_landing_zone.ai.runtime.package_evaluation import PackageEvaluation

from .conftest import GROUP, PREFIX, RECORDS, SESSION


def package(account, status="PendingManualApproval", report=None) -> str:
    kwargs = {"ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": report}}}} if report else {}
    return account.sagemaker.create_model_package(
        ModelPackageGroupName=GROUP, ModelApprovalStatus=status,
        InferenceSpecification={"Containers": [{"Image": "worker@sha256:abc"}], "SupportedContentTypes": ["application/json"],
                                "SupportedResponseMIMETypes": ["application/json"]},
        CustomerMetadataProperties={"gxp:training-data-version": "v7", "gxp:training-image-digest": "sha256:abc"},
        **kwargs)["ModelPackageArn"]


def evaluate(account, arn, auc=0.9) -> dict:
    body = f'{{"auc": {auc}}}'.encode()
    account.s3.put_object(Bucket=RECORDS, Key="reports/eval.json", Body=body)
    evaluation = PackageEvaluation(s3=account.s3, sagemaker=account.sagemaker,
                                   env={"RECORD_BUCKET": RECORDS, "RECORD_PREFIX": PREFIX, "THRESHOLDS": '{"auc": {"min": 0.85}}'})
    return evaluation.run({"model_package_arn": arn})


def approve(account, arn) -> dict:
    account.sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved",
                                           CustomerMetadataProperties=account.sagemaker.describe_model_package(
                                               ModelPackageName=arn)["CustomerMetadataProperties"])
    event = {"source": "aws.sagemaker", "detail-type": "SageMaker Model Package State Change",
             "detail": {"ModelPackageArn": arn, "ModelPackageGroupName": GROUP, "ModelApprovalStatus": "Approved"}}
    return account.handlers.model_package_changed(event)


def status(account, arn) -> str:
    return account.sagemaker.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]


def test_evaluation_stamps_the_version_and_keeps_its_lineage(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    result = evaluate(account, arn)
    assert result["record"]["decision"] == "go"
    metadata = account.sagemaker.describe_model_package(ModelPackageName=arn)["CustomerMetadataProperties"]
    assert metadata["gxp:evaluation-sha256"] == result["record"]["sha256"]
    assert metadata["gxp:evaluation-record"] == result["uri"] and metadata["gxp:training-data-version"] == "v7"


def test_signed_approval_stays(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    account.sign(evaluate(account, arn)["record"])
    outcome = approve(account, arn)
    assert outcome["action"] == "kept" and status(account, arn) == "Approved"
    assert account.of_type("Model Release Verified")


def test_approval_without_signature_is_reverted_and_alerted(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    evaluate(account, arn)
    outcome = approve(account, arn)
    assert outcome["action"] == "reverted" and status(account, arn) == "PendingManualApproval"
    described = account.sagemaker.describe_model_package(ModelPackageName=arn)
    assert described["CustomerMetadataProperties"]["gxp:training-data-version"] == "v7"
    (event,) = account.of_type("Model Approval Reverted")
    assert event["Detail"]["model_package_arn"] == arn and event["Detail"]["reasons"]


def test_approval_with_a_review_signature_only_is_reverted(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    account.sign(evaluate(account, arn)["record"], user="reviewer", meaning="review")
    assert approve(account, arn)["action"] == "reverted"
    assert "signed only with review" in account.of_type("Model Approval Reverted")[0]["Detail"]["reasons"][0]


def test_approval_after_re_evaluation_is_reverted_as_stale(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    account.sign(evaluate(account, arn)["record"])
    evaluate(account, arn, auc=0.91)  # a new evaluation supersedes the signed one
    outcome = approve(account, arn)
    assert outcome["action"] == "reverted" and "stale evaluation hash" in outcome["reasons"][0]


def test_a_failed_evaluation_cannot_be_approved(account):
    arn = package(account, report=f"s3://{RECORDS}/reports/eval.json")
    account.sign(evaluate(account, arn, auc=0.5)["record"])
    outcome = approve(account, arn)
    assert outcome["action"] == "reverted" and "no-go" in outcome["reasons"][0]


def test_approval_without_any_evaluation_is_reverted(account):
    arn = package(account)
    outcome = approve(account, arn)
    assert outcome["action"] == "reverted" and outcome["reasons"][0].startswith("no evaluation record")


def test_other_state_changes_are_left_alone(account):
    arn = package(account)
    event = {"detail": {"ModelPackageArn": arn, "ModelApprovalStatus": "Rejected"}}
    assert account.handlers.model_package_changed(event) == {"action": "none"}
    assert not account.events


def test_a_package_without_a_report_is_not_evaluated(account):
    arn = package(account)
    evaluation = PackageEvaluation(s3=account.s3, sagemaker=SESSION.client("sagemaker"),
                                   env={"RECORD_BUCKET": RECORDS, "RECORD_PREFIX": PREFIX, "THRESHOLDS": "{}"})
    assert "carries no ModelMetrics" in evaluation.run({"model_package_arn": arn})["refused"]


def test_the_hourly_sweep_reverts_an_approval_whose_event_was_lost(account):
    signed, unsigned = (package(account, report=f"s3://{RECORDS}/reports/eval.json") for _ in range(2))
    account.sign(evaluate(account, signed)["record"])
    evaluate(account, unsigned)
    for arn in (signed, unsigned):  # approved without the gate seeing the event
        account.sagemaker.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved",
                                               CustomerMetadataProperties=account.sagemaker.describe_model_package(
                                                   ModelPackageName=arn)["CustomerMetadataProperties"])
    swept = {s["model_package_arn"]: s["action"] for s in account.handlers.sweep()["swept"]}
    assert swept == {signed: "kept", unsigned: "reverted"}
    assert status(account, signed) == "Approved" and status(account, unsigned) == "PendingManualApproval"
