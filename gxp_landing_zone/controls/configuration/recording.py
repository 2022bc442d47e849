"""GXP-CFG-01: the recorder records every supported resource type, continuously."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.config import RECORDING
from ..model import Control, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant
from ._recorder import RECORDERS, region_is_home

ALL_SUPPORTED = "ALL_SUPPORTED_RESOURCE_TYPES"


def _global_types(recorder, ctx):
    home = region_is_home(recorder, ctx)
    if isinstance(home, Unresolved):
        return cannot_prove(home)
    value = cfn_bool(recorder.get("RecordingGroup.IncludeGlobalResourceTypes"))
    # Global types (IAM) are recorded once, in the home region; absent means false.
    return expect(False if value is None else value, home, f"RecordingGroup.IncludeGlobalResourceTypes in {recorder.region}")


def _nothing_excluded(recorder):
    excluded = recorder.get("RecordingGroup.ExclusionByResourceTypes.ResourceTypes")
    strategy = recorder.get("RecordingGroup.RecordingStrategy.UseOnly")
    for value in (excluded, strategy):
        if isinstance(value, Unresolved):
            return cannot_prove(f"RecordingGroup: {value.why}")
    if excluded:
        return non_compliant(f"RecordingGroup excludes {excluded}")
    if strategy not in (None, ALL_SUPPORTED):
        return non_compliant(f"RecordingGroup.RecordingStrategy.UseOnly is {strategy}; required {ALL_SUPPORTED}")
    return compliant("no resource type excluded")


def _continuous(recorder):
    # Daily recording keeps one snapshot a day: changes in between leave no configuration item.
    mode = recorder.get("RecordingMode")
    if isinstance(mode, Unresolved):
        return cannot_prove(f"RecordingMode: {mode.why}")
    mode = mode if isinstance(mode, dict) else {}
    daily = [o.get("ResourceTypes") for o in mode.get("RecordingModeOverrides") or [] if isinstance(o, dict)
             and o.get("RecordingFrequency") != "CONTINUOUS"]
    if mode.get("RecordingFrequency") not in (None, "CONTINUOUS"):
        return non_compliant(f"RecordingMode.RecordingFrequency is {mode['RecordingFrequency']}; required CONTINUOUS")
    if daily:
        return non_compliant(f"RecordingMode overrides record {daily} less than continuously")
    return compliant("recording is continuous")


def _running(recorder):
    if RECORDING not in recorder.raw:
        return compliant()  # a template cannot stop its recorder: CloudFormation starts it
    running = recorder.raw[RECORDING]
    if isinstance(running, Unresolved):
        return cannot_prove(f"recorder status: {running.why}")
    return compliant("the recorder is recording") if running is True else non_compliant("the recorder is stopped")


def check(recorder, ctx):
    return all_of(
        expect(cfn_bool(recorder.get("RecordingGroup.AllSupported")), True, "RecordingGroup.AllSupported"),
        _nothing_excluded(recorder),
        _global_types(recorder, ctx),
        _continuous(recorder),
        _running(recorder),
    )


CONTROL = Control(
    id="GXP-CFG-01",
    title="Configuration recorded",
    statement=(
        "AWS Config records every supported resource type, continuously, in every account and allowed region "
        "(global types once, in the home region), and is running."
    ),
    annex11={
        "4.3": "The recorded resources are an up-to-date inventory of the infrastructure.",
    },
    jp_eres={"3.1.1": "Authenticity: changes to the system holding the records are traceable."},
    resource_types=("AWS::Config::ConfigurationRecorder",),
    check=check,
    deployed=RECORDERS,
)
