"""The genai and ml sections and the data classes' personal-data declarations: the reference file
resolves, and each refusal names the field and the fix (model not offered in the region, a global or
out-of-jurisdiction profile in a regulated account, retention shorter than the records supported,
training on personal data without a legal basis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from config_cases import assert_refused

from gxp_landing_zone.config import parse_config
from gxp_landing_zone.config import bedrock_catalog as catalog

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
SONNET = catalog.SONNET_45


def _account(role, **values):
    return lambda d: d["genai"]["accounts"].__setitem__(role, values)


def _genai(key, value):
    return lambda d: d["genai"].__setitem__(key, value)


def _guardrail(key, value):
    return lambda d: d["genai"]["guardrail"].__setitem__(key, value)


def _ml(role, **values):
    return lambda d: d["ml"]["accounts"].__setitem__(role, values)


def _class(index, **values):
    return lambda d: d["data_classes"][index].update(values)


def _both(*edits):
    return lambda d: [edit(d) for edit in edits]


MALFORMED = [
    ("model not offered in the region", _account("regulated-eu", models=[SONNET]),
     ["genai.accounts.regulated-eu.models[0]", "not offered on demand in eu-central-1", f"eu.{SONNET}"]),
    ("model not in the table", _account("regulated-us", models=["anthropic.claude-v9"]),
     ["genai.accounts.regulated-us.models[0]", "not in the model table", str(catalog.AS_OF)]),
    ("global profile in an EU regulated account", _account("regulated-eu", inference_profiles=[f"global.{SONNET}"]),
     ["genai.accounts.regulated-eu.inference_profiles[0]", "global profile", "(eu.)"]),
    ("global profile in a US regulated account", _account("regulated-us", inference_profiles=[f"global.{SONNET}"]),
     ["genai.accounts.regulated-us.inference_profiles[0]", "global profile"]),
    ("APAC profile in a JP regulated account", _account("regulated-jp", inference_profiles=[f"apac.{catalog.HAIKU_3}"]),
     ["genai.accounts.regulated-jp.inference_profiles[0]", "outside JP", "ap-southeast-1"]),
    ("profile from another geography", _account("regulated-us", inference_profiles=[f"eu.{SONNET}"]),
     ["genai.accounts.regulated-us.inference_profiles[0]", "cannot be called from us-east-1"]),
    ("unknown profile", _account("research", inference_profiles=["us.meta.llama9"]),
     ["genai.accounts.research.inference_profiles[0]", "not in the inference profile table"]),
    ("nothing allowed", _account("research"), ["genai.accounts.research", "at least one model or inference profile"]),
    ("token volume of a model not allowed", _account("research", models=[catalog.HAIKU_3], monthly_tokens={
        catalog.TITAN_EMBED_V2: {"input_tokens": 5}}), ["genai.accounts.research.monthly_tokens", "neither in models"]),
    ("GenAI in the audit account", _account("audit", models=[catalog.HAIKU_3]),
     ["genai.accounts.audit", "regulated and research accounts only"]),
    ("GenAI in an unknown account", _account("regulated-xx", models=[catalog.HAIKU_3]),
     ["genai.accounts.regulated-xx", "not in accounts"]),
    ("retention shorter than the records it supports", _both(_genai("retention_years", 10), _genai("supports", ["submission-archive"])),
     ["genai: retention (3650 days) is shorter than data class 'submission-archive'", "11.10(e)"]),
    ("supports an unknown class", _genai("supports", ["lab-notes"]), ["genai.supports", "'lab-notes' is not in data_classes"]),
    ("retention in years and days", _genai("retention_days", 30), ["genai", "exactly one of retention_years or retention_days"]),
    ("unknown PII entity", _guardrail("pii_entities", {"SOCIAL_SECURITY": "BLOCK"}),
     ["genai.guardrail.pii_entities", "unknown PII entity type SOCIAL_SECURITY"]),
    ("unknown PII action", _guardrail("pii_entities", {"EMAIL": "MASK"}), ["genai.guardrail.pii_entities.EMAIL"]),
    ("grounding threshold of 1", _guardrail("grounding_threshold", 1.0), ["genai.guardrail.grounding_threshold"]),
    ("unknown metric", lambda d: d["genai"]["evaluation"]["thresholds"].__setitem__("bleu", {"min": 0.5}),
     ["genai.evaluation.thresholds", "unknown metric bleu"]),
    ("a bound with min and max", lambda d: d["genai"]["evaluation"]["thresholds"].__setitem__("refusal_rate", {"min": 0.5, "max": 1}),
     ["genai.evaluation.thresholds.refusal_rate", "exactly one of min or max"]),
    ("release record class missing", lambda d: d["genai"]["evaluation"].__setitem__("record_class", "ai-evals"),
     ["genai.evaluation.record_class", "'ai-evals' is not in signatures.record_classes"]),
    ("release meaning nobody may sign", lambda d: d["genai"]["evaluation"].__setitem__("meaning", "approval"),
     ["genai.evaluation.meaning", "may sign 'approval'"]),
    ("training on personal data without a legal basis", _class(0, legal_basis=None),
     ["ml.accounts.regulated-us.training_data_classes", "'raw-lab-data' holds personal data", "data_classes[0]"]),
    ("legal basis without personal data", _class(1, legal_basis="consent"),
     ["data_classes[1] (analytical-results)", "legal_basis is declared for personal data only"]),
    ("unknown legal basis", _class(0, legal_basis="research"), ["data_classes[0] (raw-lab-data).legal_basis"]),
    ("research account reading records", _ml("research", training_data_classes=["deidentified-analytics"]),
     ["ml.accounts.research.training_data_classes", "research account"]),
    ("training on an unknown class", _ml("regulated-us", training_data_classes=["lab-notes"]),
     ["ml.accounts.regulated-us.training_data_classes", "'lab-notes' is not in data_classes"]),
    ("endpoint without release criteria", _both(lambda d: d["ml"].__setitem__("thresholds", {}), _ml(
        "regulated-us", endpoints=[{"name": "scoring", "model_package_version": 1, "baseline_prefix": "baselines/v1/"}])),
     ["ml.accounts.regulated-us.endpoints", "set ml.thresholds"]),
    ("ML in the audit account", _ml("audit"), ["ml.accounts.audit", "runs no compute"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_ai_settings_are_refused(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_reference_ai_settings(reference_config):
    genai = reference_config.genai
    assert set(genai.accounts) == {"regulated-us", "regulated-eu", "research"}
    assert genai.days >= max(c.days for c in reference_config.data_classes if c.name in genai.supports)
    assert reference_config.data_classes[0].legal_basis == "consent"
    assert reference_config.ml.settings("regulated-us").training_data_classes == ["raw-lab-data", "deidentified-analytics"]
    assert reference_config.ml.settings("research").training_data_classes == []


def test_research_may_use_a_global_profile_and_genai_is_optional():
    data = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
    assert f"global.{SONNET}" in parse_config(data).genai.accounts["research"].inference_profiles
    del data["genai"]
    assert parse_config(data).genai is None


def test_every_catalog_profile_names_a_listed_model_and_prices_resolve():
    for profile_id, profile in catalog.PROFILES.items():
        assert profile.model in catalog.MODELS, profile_id
        assert catalog.geography(profile_id) == profile.geography
        assert catalog.price(profile_id) is not None
    assert catalog.price("unknown") is None


@pytest.mark.parametrize("name,mutate,expected", [
    ("ml record class missing", lambda d: d["ml"].__setitem__("record_class", "evals"),
     ["ml.record_class", "'evals' is not in signatures.record_classes"]),
    ("ml meaning nobody may sign", lambda d: d["ml"].__setitem__("meaning", "review"), ["ml.meaning", "may sign 'review'"]),
], ids=["ml record class missing", "ml meaning nobody may sign"])
def test_malformed_ml_release_settings_are_refused(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)
