"""The account's Bedrock guardrail and invocation logging, in CloudFormation's shape.

- ``AWS::Bedrock::Guardrail``: the estate's guardrail (found by name), its policies as the latest
  published version holds them (GetGuardrail with that version: what inference names), with each
  published version as an ``AWS::Bedrock::GuardrailVersion`` referring to it.
- ``Custom::BedrockInvocationLogging``: GetModelInvocationLoggingConfiguration's ``loggingConfig``,
  as the stack's custom resource states it, with the bucket and log group it names.
"""

from __future__ import annotations

from ..cfn import Resource, Unresolved
from .ec2 import key
from .logs import log_groups
from .reader import AccountReader
from .s3 import bucket

GUARDRAIL = "AWS::Bedrock::Guardrail"
LOGGING = "Custom::BedrockInvocationLogging"


def guardrail(reader: AccountReader) -> Resource:
    return reader.once(("bedrock", "guardrail"), lambda: _guardrail(reader))


def _guardrails(reader: AccountReader, **kwargs) -> list[dict] | Unresolved:
    found: list[dict] = []
    while True:
        page = reader.call("bedrock", "list_guardrails", **kwargs)
        if not page.ok:
            return Unresolved(page.error)
        found += page.get("guardrails") or []
        if not page.get("nextToken"):
            return found
        kwargs = {**kwargs, "nextToken": page.get("nextToken")}


def _guardrail(reader: AccountReader) -> Resource:
    name = reader.names.genai_guardrail()
    listed = _guardrails(reader)
    if isinstance(listed, Unresolved):
        return reader.add(GUARDRAIL, name, {"Name": name, "KmsKeyArn": listed}, missing=None)
    summary = next((g for g in listed if g.get("name") == name), None)
    if summary is None:
        return reader.add(GUARDRAIL, name, {"Name": name}, missing=f"no guardrail named {name}")
    versions = _guardrails(reader, guardrailIdentifier=summary["id"])
    published = sorted(int(v["version"]) for v in versions if str(v.get("version", "")).isdigit()) \
        if not isinstance(versions, Unresolved) else []
    read = reader.call("bedrock", "get_guardrail", guardrailIdentifier=summary["id"],
                       **({"guardrailVersion": str(published[-1])} if published else {}))
    if not read.ok:
        why = Unresolved(read.error)
        return reader.add(GUARDRAIL, name, {"Name": name, "GuardrailArn": summary.get("arn"), "KmsKeyArn": why,
                                            "SensitiveInformationPolicy": why})
    g = read.response
    properties = {
        "Name": name,
        "GuardrailArn": g.get("guardrailArn"),
        # What a function's GUARDRAIL_ID names (GXP-AI-10), as the template's GetAtt GuardrailId would.
        "GuardrailId": g.get("guardrailId"),
        "KmsKeyArn": key(reader, g["kmsKeyArn"]) if g.get("kmsKeyArn") else None,
        "SensitiveInformationPolicyConfig": {"PiiEntitiesConfig": [
            {"Type": e.get("type"), "Action": e.get("action")}
            for e in (g.get("sensitiveInformationPolicy") or {}).get("piiEntities") or []]},
        "ContentPolicyConfig": {"FiltersConfig": [
            {"Type": f.get("type"), "InputStrength": f.get("inputStrength"), "OutputStrength": f.get("outputStrength")}
            for f in (g.get("contentPolicy") or {}).get("filters") or []]},
        "ContextualGroundingPolicyConfig": {"FiltersConfig": [
            {"Type": f.get("type"), "Threshold": f.get("threshold")}
            for f in (g.get("contextualGroundingPolicy") or {}).get("filters") or []]},
        "TopicPolicyConfig": {"TopicsConfig": [
            {"Name": t.get("name"), "Definition": t.get("definition"), "Type": t.get("type")}
            for t in (g.get("topicPolicy") or {}).get("topics") or []]},
    }
    resource = reader.add(GUARDRAIL, name, {k: v for k, v in properties.items() if v is not None})
    for version in published:
        reader.add("AWS::Bedrock::GuardrailVersion", f"{name} version {version}", {
            "GuardrailIdentifier": {"Fn::GetAtt": [resource.logical_id, "GuardrailArn"]}, "Version": str(version)})
    return resource


def invocation_logging(reader: AccountReader) -> Resource:
    return reader.once(("bedrock", "logging"), lambda: _logging(reader))


def _logging(reader: AccountReader) -> Resource:
    answer = reader.call("bedrock", "get_model_invocation_logging_configuration")
    config = answer.get("loggingConfig")
    if isinstance(config, Unresolved):
        return reader.add(LOGGING, "invocation logging", {"LoggingConfig": config})
    if not config:
        return reader.add(LOGGING, "invocation logging", {}, missing="model invocation logging is not configured")
    bucket_name = (config.get("s3Config") or {}).get("bucketName")
    if bucket_name:
        bucket(reader, bucket_name)
    group = (config.get("cloudWatchConfig") or {}).get("logGroupName")
    if group:
        log_groups(reader, [group], ("gxp:none", "none"))
    # The API's booleans, as CloudFormation hands the custom resource its properties: as text.
    flags = {k: str(v).lower() for k, v in config.items() if isinstance(v, bool)}
    return reader.add(LOGGING, "invocation logging", {"LoggingConfig": {**config, **flags}})
