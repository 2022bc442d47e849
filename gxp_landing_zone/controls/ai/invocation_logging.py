"""GXP-AI-01: every Bedrock prompt and output is logged to a locked bucket and an encrypted log group."""

from __future__ import annotations

from ..buckets._bucket import default_retention_days
from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant, not_applicable
from ._helpers import GENAI_GUARDRAIL, genai_settings

LOGGING = "Custom::BedrockInvocationLogging"
CONFIG = "LoggingConfig"


def _bucket(stack, name, ctx, what):
    if isinstance(name, Unresolved):
        return cannot_prove(f"{what}: {name.why}")
    bucket = next((b for b in stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == name), None)
    if bucket is None:
        return non_compliant(f"{what} {name} is not a bucket of this stack, so its lock cannot be shown")
    required = ctx.config.genai.days
    days = default_retention_days(bucket)
    if isinstance(days, Unresolved):
        kept = cannot_prove(f"{name} DefaultRetention: {days.why}")
    elif days is None or days < required:
        kept = non_compliant(f"{name} keeps objects {days or 'no'} days; the config requires {required}")
    else:
        kept = compliant()
    return all_of(
        expect(cfn_bool(bucket.get("ObjectLockEnabled")), True, f"{name} ObjectLockEnabled"),
        expect(bucket.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), "COMPLIANCE", f"{name} retention mode"),
        kept,
    )


def _log_group(stack, name):
    """A log group of this stack, whose encryption and retention GXP-LOG-01 judges like every other's."""
    if isinstance(name, Unresolved):
        return cannot_prove(f"cloudWatchConfig.logGroupName: {name.why}")
    if not isinstance(name, str) or not name:
        return non_compliant("no CloudWatch Logs destination: the invocations cannot be searched or alerted on")
    if not any(g.get("LogGroupName") == name for g in stack.of_type("AWS::Logs::LogGroup")):
        return non_compliant(f"log group {name} is not a log group of this stack, so its protection cannot be shown")
    return compliant()


def check(guardrail, ctx):
    stack = guardrail.stack
    if ctx.config is None:
        return cannot_prove("which accounts use Bedrock, and for how long logs are kept, come from the config")
    if genai_settings(ctx, stack.account) is None:
        return not_applicable("the config allows this account no Bedrock")
    settings = stack.of_type(LOGGING)
    if not settings:
        return non_compliant("no model invocation logging is configured where this guardrail screens inference")
    verdicts = []
    for setting in settings:
        config = setting.get(CONFIG)
        if isinstance(config, Unresolved) or not isinstance(config, dict):
            verdicts.append(cannot_prove(f"{CONFIG}: {config.why if isinstance(config, Unresolved) else 'not an object'}"))
            continue
        get = setting.get
        large = get(f"{CONFIG}.cloudWatchConfig.largeDataDeliveryS3Config.bucketName")
        verdicts.append(all_of(
            expect(cfn_bool(get(f"{CONFIG}.textDataDeliveryEnabled")), True, "textDataDeliveryEnabled"),
            _bucket(stack, get(f"{CONFIG}.s3Config.bucketName"), ctx, "s3Config.bucketName"),
            _log_group(stack, get(f"{CONFIG}.cloudWatchConfig.logGroupName")),
            compliant() if large is None else _bucket(stack, large, ctx, "largeDataDeliveryS3Config.bucketName"),
        ))
    verdict = all_of(*verdicts)
    if verdict.passed:
        return compliant(f"prompts and outputs delivered to a bucket locked (COMPLIANCE) for at least "
                         f"{ctx.config.genai.days} days and to a log group of the stack")
    return verdict


CONTROL = Control(
    id="GXP-AI-01",
    title="Prompts and outputs logged, locked and encrypted",
    statement=(
        "Where the config allows Bedrock, model invocation logging delivers the text of every prompt and output to "
        "a bucket of the GenAI stack under Object Lock COMPLIANCE for at least genai retention, and to a log group "
        "of the stack (its encryption and retention are GXP-LOG-01's); oversized payloads go to a locked bucket too."
    ),
    part11={
        "11.10(e)": "AI-assisted work on records leaves a computer-generated, time-stamped trail of each prompt and output that no one can alter and that is kept as long as the records it supports.",
    },
    annex11={
        "9": "The AI interactions behind GMP-relevant content stay available and intelligible for review.",
    },
    eu_ai_act={
        "12": "Events of the AI system's use are recorded automatically over its lifetime, for traceability of its operation.",
    },
    resource_types=("AWS::Bedrock::Guardrail",),
    check=check,
    deployed=GENAI_GUARDRAIL,
)
