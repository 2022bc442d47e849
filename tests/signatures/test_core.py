"""Direct tests of the Part 11 Subpart C rules in ``signatures.runtime.core``."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gxp_landing_zone.signatures.runtime import core
from gxp_landing_zone.signatures.runtime.core import (
    GENESIS_HASH,
    AuthenticationFailed,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    SignatureManifest,
    SignatureRefused,
    SigningPolicy,
    authenticate,
    build_manifest,
    canonical_json,
    check_authority,
    check_meaning,
    check_sequence,
    manifestation,
    utc_timestamp,
    verify_chain,
)

NOW = datetime(2026, 11, 23, 19, 30, 0, tzinfo=timezone.utc)
SHA_A = hashlib.sha256(b"record a").hexdigest()


def claims(**overrides):
    base = {
        "sub": "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
        "cognito:username": "jdoe",
        "name": "Jane Doe",
        "token_use": "id",
        "auth_time": str(int(NOW.timestamp()) - 60),
        "amr": "[pwd, mfa]",
        "cognito:groups": "reviewers,approvers",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def manifest(**overrides) -> SignatureManifest:
    fields = {
        "signer_sub": "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
        "username": "jdoe",
        "printed_name": "Jane Doe",
        "meaning": "approval",
        "reason": "Batch record complete",
        "signed_at": "2026-11-23T19:30:00.000Z",
        "record_bucket": "gxp-records",
        "record_key": "batch/BR-001.pdf",
        "record_version_id": "v1",
        "record_sha256": SHA_A,
        "seq": 0,
        "prev_hash": GENESIS_HASH,
        "request_id": "req-1",
    }
    fields.update(overrides)
    return SignatureManifest(**fields)


def entry(m: SignatureManifest) -> dict:
    return {**m.to_dict(), "manifest_hash": m.manifest_hash}


def chain_of(n: int, meanings=("review", "approval", "responsibility", "authorship")) -> list[dict]:
    entries: list[dict] = []
    for seq in range(n):
        prev = entries[-1]["manifest_hash"] if entries else GENESIS_HASH
        entries.append(entry(manifest(seq=seq, prev_hash=prev, meaning=meanings[seq % 4], request_id=f"r{seq}")))
    return entries


# --------------------------------------------------------------------------- canonical form


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode("utf-8")


def test_canonical_json_normalizes_to_nfc():
    decomposed = unicodedata.normalize("NFD", "José Müller")
    assert decomposed != "José Müller"
    assert canonical_json({"n": decomposed}) == canonical_json({"n": "José Müller"})


def test_manifest_hash_is_sha256_of_canonical_bytes():
    m = manifest()
    assert m.manifest_hash == hashlib.sha256(m.canonical_bytes()).hexdigest()
    assert json.loads(m.canonical_bytes()) == m.to_dict()


def test_displayed_fields_are_stored_nfc_and_identifiers_byte_exact():
    nfd_key = unicodedata.normalize("NFD", "batch/Zoë.pdf")
    m = manifest(printed_name=unicodedata.normalize("NFD", "Zoë Ångström"), record_key=nfd_key)
    assert m.printed_name == unicodedata.normalize("NFC", "Zoë Ångström")
    # The key must still address the S3 object exactly as it was uploaded.
    assert m.record_key == nfd_key
    assert m.manifest_hash == manifest(printed_name="Zoë Ångström", record_key="batch/Zoë.pdf").manifest_hash


def test_manifest_round_trips_through_dict_and_decimal_seq():
    from decimal import Decimal

    m = manifest(seq=3, prev_hash=SHA_A)
    assert SignatureManifest.from_dict({**m.to_dict(), "seq": Decimal(3)}) == m
    with pytest.raises(ValueError):
        SignatureManifest.from_dict({**m.to_dict(), "seq": Decimal("3.5")})
    without_reason = {k: v for k, v in manifest(reason=None).to_dict().items() if k != "reason"}
    assert SignatureManifest.from_dict(without_reason).reason is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"record_sha256": SHA_A.upper()},
        {"record_sha256": "abc"},
        {"prev_hash": "x" * 64, "seq": 1},
        {"seq": -1},
        {"seq": True},
        {"seq": 1.0},
        {"seq": 0, "prev_hash": SHA_A},
        {"signed_at": "2026-11-23 19:30:00"},
        {"signed_at": "2026-11-23T19:30:00+00:00"},
        {"printed_name": ""},
        {"meaning": ""},
        {"request_id": ""},
        {"reason": "ok\nSigned by Someone Else"},
        {"printed_name": "Jane\x00Doe"},
        {"record_key": "bad\ud800surrogate"},
    ],
)
def test_manifest_rejects_invalid_fields(overrides):
    with pytest.raises(ValueError):
        manifest(**overrides)


def test_manifest_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest().meaning = "review"


def test_utc_timestamp_format():
    assert utc_timestamp(NOW.replace(microsecond=123456)) == "2026-11-23T19:30:00.123Z"
    cet = timezone(timedelta(hours=1))
    assert utc_timestamp(datetime(2026, 11, 23, 20, 30, tzinfo=cet)) == "2026-11-23T19:30:00.000Z"
    with pytest.raises(ValueError):
        utc_timestamp(datetime(2026, 11, 23, 19, 30))


def test_manifestation_shows_name_utc_time_meaning_and_reason():
    assert manifestation(manifest()) == (
        "Signed by Jane Doe on 2026-11-23 19:30:00 UTC - Meaning: approval - Reason: Batch record complete"
    )
    assert manifest(reason=None).manifestation == "Signed by Jane Doe on 2026-11-23 19:30:00 UTC - Meaning: approval"


# --------------------------------------------------------------------------- authentication


def test_fresh_mfa_authentication_is_accepted():
    signer = authenticate(claims(), NOW)
    assert (signer.sub, signer.username, signer.printed_name) == (claims()["sub"], "jdoe", "Jane Doe")
    assert signer.groups == {"reviewers", "approvers"}


@pytest.mark.parametrize("groups", [["a", "b"], "a,b", "[a b]", "a, b"])
def test_group_claim_formats(groups):
    assert authenticate(claims(**{"cognito:groups": groups}), NOW).groups == {"a", "b"}


def test_auth_exactly_at_window_edge_is_accepted_and_one_second_later_refused():
    at_edge = claims(auth_time=str(int(NOW.timestamp()) - 300))
    authenticate(at_edge, NOW)
    with pytest.raises(AuthenticationFailed) as exc:
        authenticate(at_edge, NOW + timedelta(seconds=1))
    assert exc.value.status_code == 401
    assert exc.value.code == "stale_authentication"
    assert "re-authenticate" in exc.value.reason


def test_window_is_configurable():
    c = claims(auth_time=int(NOW.timestamp()) - 100)
    with pytest.raises(AuthenticationFailed):
        authenticate(c, NOW, window_seconds=60)
    authenticate(c, NOW, window_seconds=120)


def test_auth_time_in_future_is_refused():
    with pytest.raises(AuthenticationFailed, match="future"):
        authenticate(claims(auth_time=int(NOW.timestamp()) + 5), NOW)


@pytest.mark.parametrize("auth_time", [None, "", "yesterday"])
def test_missing_or_garbled_auth_time_is_refused(auth_time):
    with pytest.raises(AuthenticationFailed, match="auth_time"):
        authenticate(claims(auth_time=auth_time), NOW)


@pytest.mark.parametrize("amr", [None, "[pwd]", ["mfa"], "[]", ["pwd", "pin"]])
def test_password_and_second_factor_are_both_required(amr):
    with pytest.raises(AuthenticationFailed) as exc:
        authenticate(claims(amr=amr), NOW)
    assert exc.value.code == "mfa_required"


@pytest.mark.parametrize("amr", [["pwd", "mfa"], "pwd otp", ["PWD", "hwk"]])
def test_accepted_amr_forms(amr):
    authenticate(claims(amr=amr), NOW)


@pytest.mark.parametrize("token_use", [None, "refresh", "client_credentials"])
def test_token_use_must_be_a_user_token(token_use):
    with pytest.raises(AuthenticationFailed):
        authenticate(claims(token_use=token_use), NOW)


@pytest.mark.parametrize("c", [None, {}, claims(sub=None), claims(**{"cognito:username": None})])
def test_missing_identity_is_refused(c):
    with pytest.raises(AuthenticationFailed):
        authenticate(c, NOW)


def test_disabled_user_claim_is_refused():
    with pytest.raises(Forbidden) as exc:
        authenticate(claims(**{"custom:disabled": "true"}), NOW)
    assert (exc.value.status_code, exc.value.code) == (403, "user_disabled")


def test_disabled_user_lookup_is_refused():
    seen = []

    def lookup(sub, username):
        seen.append((sub, username))
        return True

    with pytest.raises(Forbidden):
        authenticate(claims(), NOW, is_disabled=lookup)
    assert seen == [(claims()["sub"], "jdoe")]
    authenticate(claims(), NOW, is_disabled=lambda sub, username: False)


def test_printed_name_falls_back_to_given_and_family_name_and_is_required():
    signer = authenticate(claims(name=None, given_name="Jane", family_name="Doe"), NOW)
    assert signer.printed_name == "Jane Doe"
    with pytest.raises(BadRequest):
        authenticate(claims(name=None), NOW)


# --------------------------------------------------------------------------- meaning, authority, sequence

GRANTS = {
    "batch-record": {"reviewers": ["review"], "approvers": ["approval"], "qa": ["review", "approval"]},
    "sop": {"authors": ["authorship"]},
}


def test_meanings_default_and_configurable():
    for meaning in ("review", "approval", "responsibility", "authorship"):
        assert check_meaning(meaning) == meaning
    with pytest.raises(BadRequest) as exc:
        check_meaning("approved")
    assert exc.value.status_code == 400 and "approved" in exc.value.reason
    assert check_meaning("verification", {"verification"}) == "verification"
    with pytest.raises(BadRequest):
        check_meaning(None)


def test_authority_granted_through_a_group():
    check_authority({"reviewers"}, "review", "batch-record", GRANTS)
    check_authority({"nobody", "qa"}, "approval", "batch-record", GRANTS)


@pytest.mark.parametrize(
    "groups,meaning,record_class",
    [({"reviewers"}, "approval", "batch-record"), (set(), "review", "batch-record"),
     ({"authors"}, "authorship", "batch-record"), ({"reviewers"}, "review", "unknown-class")],
)
def test_authority_refused(groups, meaning, record_class):
    with pytest.raises(Forbidden) as exc:
        check_authority(groups, meaning, record_class, GRANTS)
    assert exc.value.status_code == 403 and meaning in exc.value.reason


def test_record_class_longest_prefix_then_default():
    policy = SigningPolicy(record_classes={"b/": "general", "b/batch/": "batch-record"})
    assert policy.record_class_for("b", "batch/x.pdf") == "batch-record"
    assert policy.record_class_for("b", "other.pdf") == "general"
    with pytest.raises(Forbidden):
        policy.record_class_for("c", "x.pdf")
    assert SigningPolicy(default_record_class="doc").record_class_for("c", "x.pdf") == "doc"


def test_policy_from_plain_data():
    policy = SigningPolicy.from_dict({"grants": GRANTS, "sequences": {"batch-record": ["review", "approval"]}})
    assert policy.meanings == core.DEFAULT_MEANINGS
    check_authority({"qa"}, "review", "batch-record", policy.grants)
    assert policy.sequences["batch-record"] == ("review", "approval")


def test_sequence_review_before_approval():
    order = ["review", "approval"]
    check_sequence("review", [], order)
    check_sequence("approval", ["review"], order)
    with pytest.raises(Conflict) as exc:
        check_sequence("approval", [], order)
    assert exc.value.status_code == 409 and "'review'" in exc.value.reason


def test_sequence_names_first_missing_step_and_ignores_unordered_meanings():
    order = ["authorship", "review", "approval"]
    with pytest.raises(Conflict, match="'review'"):
        check_sequence("approval", ["authorship"], order)
    check_sequence("responsibility", [], order)
    check_sequence("approval", [], None)


# --------------------------------------------------------------------------- chain


def test_valid_chain_verifies():
    report = verify_chain(chain_of(4))
    assert report.valid and report.failures == ()
    assert verify_chain([]).valid


def test_edited_entry_is_named():
    entries = chain_of(3)
    entries[1]["meaning"] = "authorship"
    report = verify_chain(entries)
    assert not report.valid
    assert [(f.seq, f.problems) for f in report.failures] == [
        (1, ("stored hash does not match the recomputed manifest hash",))
    ]


def test_edit_with_recomputed_hash_breaks_next_link():
    entries = chain_of(3)
    forged = manifest(**{**{k: entries[1][k] for k in SignatureManifest.__dataclass_fields__}, "meaning": "authorship"})
    entries[1] = entry(forged)
    failures = verify_chain(entries).failures
    assert [f.seq for f in failures] == [2]
    assert "hash of entry 1" in failures[0].problems[0]


def test_deleted_middle_entry_is_named():
    entries = chain_of(4)
    del entries[1]
    failures = verify_chain(entries).failures
    assert [f.seq for f in failures] == [2]
    assert any("seq 1..1 missing" in p for p in failures[0].problems)
    assert any("previous-entry hash" in p for p in failures[0].problems)


def test_deleted_first_entry_is_named():
    entries = chain_of(2)[1:]
    failures = verify_chain(entries).failures
    assert failures[0].seq == 1
    assert any("chain starts at seq 1" in p for p in failures[0].problems)


def test_duplicate_and_reordered_entries_fail():
    entries = chain_of(3)
    failures = verify_chain([entries[0], entries[2], entries[1]]).failures
    assert [f.seq for f in failures] == [2, 1]


def test_malformed_entry_and_foreign_record_are_reported():
    entries = chain_of(2)
    del entries[1]["record_sha256"]
    report = verify_chain(entries)
    assert [f.seq for f in report.failures] == [1]
    assert "malformed" in report.failures[0].problems[0]

    entries = chain_of(2)
    other = manifest(seq=1, prev_hash=entries[0]["manifest_hash"], record_key="batch/OTHER.pdf")
    entries[1] = entry(other)
    assert any("belongs to record" in p for p in verify_chain(entries).failures[0].problems)


def test_build_manifest_takes_next_position():
    signer = authenticate(claims(), NOW)
    kwargs = dict(meaning="review", reason=None, now=NOW, bucket="gxp-records", key="k",
                  version_id="v", record_sha256=SHA_A, request_id="r")
    first = build_manifest(signer, previous=None, **kwargs)
    assert (first.seq, first.prev_hash, first.signed_at) == (0, GENESIS_HASH, "2026-11-23T19:30:00.000Z")
    second = build_manifest(signer, previous=entry(first), **kwargs)
    assert (second.seq, second.prev_hash) == (1, first.manifest_hash)
    assert verify_chain([entry(first), entry(second)]).valid


@pytest.mark.parametrize(
    "error,status", [(BadRequest, 400), (AuthenticationFailed, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409)]
)
def test_error_types_carry_http_status(error, status):
    exc = error("because")
    assert isinstance(exc, SignatureRefused)
    assert exc.status_code == status
    assert exc.to_body()["reason"] == "because"


# --------------------------------------------------------------------------- properties

_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=30)
_hex64 = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
_timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
).map(utc_timestamp)

FIELD_STRATEGIES = {
    "signer_sub": _text,
    "username": _text,
    "printed_name": _text,
    "meaning": _text,
    "reason": st.none() | _text,
    "signed_at": _timestamps,
    "record_bucket": _text,
    "record_key": _text,
    "record_version_id": _text,
    "record_sha256": _hex64,
    "seq": st.integers(min_value=1, max_value=10**9),
    "prev_hash": _hex64,
    "request_id": _text,
}
manifests = st.builds(SignatureManifest, **FIELD_STRATEGIES)


def _norm(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


@given(m=manifests, data=st.data())
def test_any_change_to_any_bound_field_changes_the_hash(m, data):
    name = data.draw(st.sampled_from(sorted(FIELD_STRATEGIES)))
    new_value = data.draw(FIELD_STRATEGIES[name])
    assume(_norm(new_value) != _norm(getattr(m, name)))
    changed = dataclasses.replace(m, **{name: new_value})
    assert changed.manifest_hash != m.manifest_hash


@given(m=manifests)
def test_manifest_survives_its_serialized_form(m):
    # The stored form (to_dict) round-trips exactly; the canonical form normalizes identifiers
    # to NFC for hashing, so a manifest rebuilt from it is equal in hash, not always in bytes.
    assert SignatureManifest.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert SignatureManifest.from_dict(json.loads(m.canonical_bytes())).manifest_hash == m.manifest_hash


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=12,
)


def test_keys_colliding_after_nfc_are_rejected():
    with pytest.raises(ValueError, match="collide"):
        canonical_json({"\u00e9": 1, "e\u0301": 2})


def _canonical_or_refusal(value):
    try:
        return canonical_json(value)
    except ValueError:
        return "refused: keys collide after NFC"


@given(d=st.dictionaries(_text, json_values, max_size=8), seed=st.randoms())
def test_canonicalization_is_stable_under_key_order(d, seed):
    items = list(d.items())
    seed.shuffle(items)
    expected = _canonical_or_refusal(d)
    assert _canonical_or_refusal(dict(items)) == expected
    assert _canonical_or_refusal(dict(reversed(list(d.items())))) == expected


@given(m=manifests)
def test_manifest_hash_is_stable_under_dict_key_order(m):
    shuffled = dict(reversed(list(m.to_dict().items())))
    assert SignatureManifest.from_dict(shuffled).manifest_hash == m.manifest_hash
