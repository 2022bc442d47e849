"""A deployed SageMaker pipeline as ``AWS::SageMaker::Pipeline``.

The deployed definition is plain JSON text with the IDs CloudFormation filled in. It is put back in
the shape the template gave it: an ``Fn::Join`` whose KMS keys and subnets are references to
``AWS::KMS::Key``, ``AWS::EC2::Subnet`` and ``AWS::EC2::SecurityGroup`` resources (``ec2.py``), so
the control reads which key (customer-managed or not) and which VPC, exactly as it reads the
synthesized template.
"""

from __future__ import annotations

import json
import re
import secrets

from ..cfn import Resource, Unresolved
from .ec2 import key, security_group, subnet
from .reader import AccountReader

KEY_FIELDS = ("VolumeKmsKeyId", "KmsKeyId")
NETWORK_FIELDS = {"Subnets": subnet, "SecurityGroupIds": security_group}


def pipeline(reader: AccountReader, name: str) -> Resource:
    return reader.once(("sagemaker", "pipeline", name), lambda: _read(reader, name))


def _read(reader: AccountReader, name: str) -> Resource:
    listed = reader.call("sagemaker", "list_pipelines", PipelineNamePrefix=name)
    if not listed.ok:
        return reader.add("AWS::SageMaker::Pipeline", name, {}, missing=f"cannot list pipelines: {listed.error}")
    if not any(p.get("PipelineName") == name for p in listed.get("PipelineSummaries") or []):
        return reader.add("AWS::SageMaker::Pipeline", name, {}, missing=f"no pipeline named {name}")
    described = reader.call("sagemaker", "describe_pipeline", PipelineName=name)
    text = described.get("PipelineDefinition")
    body = _as_template(reader, text) if isinstance(text, str) else text
    return reader.add("AWS::SageMaker::Pipeline", name, {
        "PipelineName": name,
        "PipelineDefinition": {"PipelineDefinitionBody": body if body is not None else Unresolved("no PipelineDefinition")},
    })


def _as_template(reader: AccountReader, text: str) -> object:
    """``text`` as the Fn::Join CloudFormation would have assembled it from references."""
    try:
        data = json.loads(text)
    except ValueError:
        return text  # the control reports it as unreadable
    nonce = secrets.token_hex(6)
    references: list[dict] = []

    def mark(reference: dict) -> str:
        references.append(reference)
        return f"@@{nonce}:{len(references) - 1}@@"

    def walk(value):
        if isinstance(value, dict):
            for field, item in value.items():
                if field in KEY_FIELDS and isinstance(item, str) and item:
                    value[field] = mark(key(reader, item))
                elif field in NETWORK_FIELDS and isinstance(item, list):
                    value[field] = [mark(NETWORK_FIELDS[field](reader, s)) if isinstance(s, str) else s for s in item]
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    parts: list = []
    for piece in re.split(rf"@@{nonce}:(\d+)@@", json.dumps(data)):
        parts.append(references[int(piece)] if len(parts) % 2 else piece)  # split puts each index at an odd place
    return {"Fn::Join": ["", parts]}
