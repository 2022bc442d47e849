"""The release gate against the signature service in moto: every signature is applied through the service's
own sign operation, and every refusal says why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from change_control._release import APPROVERS, EVIDENCE, NOW, ReleaseWorld
from gxp_landing_zone.change_control.gate import Candidate, await_release, decide
from gxp_landing_zone.change_control.release_service import signatures


def decision_for(world: ReleaseWorld, execution: str):
    stored = world.store.candidate_of(execution)
    candidate = Candidate(stored, world.store.read_json(stored.key, stored.version_id))
    listed, verified = signatures(world.service, EVIDENCE, stored.key)
    return decide(
        candidate, listed, verified, approver_groups=[APPROVERS],
        groups_of=world.groups_of,
        read_version=lambda v: world.store.read_json(world.store.candidate_key(), v),
    )


def refused(decision) -> list[tuple[str, str]]:
    return [(r["code"], r["reason"]) for r in decision.refused]


def test_a_qa_approvers_signature_on_this_change_record_releases_it(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    signature = world.sign(stored.version_id, "quinn", [APPROVERS])
    decision = decision_for(world, "exec-1")
    assert decision.released, decision
    assert decision.signature["manifest_hash"] == signature["manifest_hash"]
    assert decision.signature["record_sha256"] == stored.sha256
    assert "Meaning: approved-for-release" in decision.summary


def test_a_signature_on_another_change_record_does_not_release(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    earlier = world.candidate("exec-1", commit="1" * 40)
    world.sign(earlier.version_id, "quinn", [APPROVERS])
    world.candidate("exec-2", commit="2" * 40)
    decision = decision_for(world, "exec-2")
    assert not decision.released
    ((code, reason),) = refused(decision)
    assert code == "other_change_record"
    assert "execution exec-1 (commit 111111111111" in reason and "another change" in reason


def test_an_approval_is_not_replayed_onto_a_rerun_of_the_same_commit(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    first = world.candidate("exec-1", extra={"validation": {"qualification": [{"sha256": "1" * 64}]}})
    world.sign(first.version_id, "quinn", [APPROVERS])
    world.candidate("exec-2", extra={"validation": {"qualification": [{"sha256": "2" * 64}]}})
    ((code, reason),) = refused(decision_for(world, "exec-2"))
    assert code == "replayed"
    assert "execution exec-1's change record" in reason and "never carried over" in reason


def test_an_approval_of_an_earlier_version_of_the_same_record_does_not_cover_the_rewritten_one(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    first = world.candidate("exec-1", extra={"validation": {"passed": True, "attempt": 1}})
    world.sign(first.version_id, "quinn", [APPROVERS])
    world.candidate("exec-1", extra={"validation": {"passed": True, "attempt": 2}})
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "replayed" and "earlier version of this execution's change record" in reason


def test_a_signature_with_another_meaning_does_not_release(aws):
    world = ReleaseWorld(extra_grants={"qa-reviewers": ["review"]})
    world.user("rita", "Rita Reviewer", "qa-reviewers")
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "rita", ["qa-reviewers"], meaning="review")
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "wrong_meaning"
    assert "'review'" in reason and "only 'approved-for-release' releases" in reason


def test_a_signer_outside_the_approver_groups_does_not_release(aws):
    # A service whose policy also lets platform engineers sign: the gate does not take the service's word.
    world = ReleaseWorld(extra_grants={"platform-engineers": ["approved-for-release"]})
    world.user("pat", "Pat Platform", "platform-engineers")
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "pat", ["platform-engineers"])
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "not_approver"
    assert "is not a member of qa-release-approvers (member of: platform-engineers)" in reason


def test_an_approver_removed_from_the_group_after_signing_no_longer_releases(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "quinn", [APPROVERS])
    world.users["quinn"]["groups"].discard(APPROVERS)
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "not_approver" and "member of: no group" in reason


def test_a_disabled_approver_does_not_release(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "quinn", [APPROVERS])
    world.users["quinn"]["enabled"] = False
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "not_approver" and "disabled" in reason


def test_one_valid_approval_releases_whatever_else_was_signed(aws):
    world = ReleaseWorld(extra_grants={"qa-reviewers": ["review"]})
    world.user("rita", "Rita Reviewer", "qa-reviewers")
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "rita", ["qa-reviewers"], meaning="review")
    world.sign(stored.version_id, "quinn", [APPROVERS])
    decision = decision_for(world, "exec-1")
    assert decision.released and [c for c, _ in refused(decision)] == ["wrong_meaning"]


def test_a_signer_the_pool_no_longer_has_does_not_release(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    world.sign(stored.version_id, "quinn", [APPROVERS])
    del world.users["quinn"]
    ((code, reason),) = refused(decision_for(world, "exec-1"))
    assert code == "not_approver" and "no longer a user" in reason


def test_no_signature_yet_is_said_plainly(world):
    world.candidate("exec-1")
    decision = decision_for(world, "exec-1")
    assert not decision.released and decision.refused == []
    assert decision.summary.startswith("no signature yet on the change record change-records/gxp-promotion/release-candidate.json")


def test_the_gate_waits_until_the_signature_arrives(world):
    world.user("quinn", "Quinn QA", APPROVERS)
    stored = world.candidate("exec-1")
    now = [NOW]
    polls = []

    def poll():
        polls.append(now[0])
        return decision_for(world, "exec-1")

    def sleep(seconds):
        now[0] += timedelta(seconds=seconds)
        if len(polls) == 2:
            world.sign(stored.version_id, "quinn", [APPROVERS])

    decision = await_release(poll, wait_seconds=3600, interval=60, sleep=sleep, clock=lambda: now[0])
    assert decision.released and len(polls) == 3


def test_the_gate_gives_up_after_its_wait_and_says_why(world):
    world.candidate("exec-1")
    now = [NOW]

    def sleep(seconds):
        now[0] += timedelta(seconds=seconds)

    decision = await_release(lambda: decision_for(world, "exec-1"), wait_seconds=300, interval=60, sleep=sleep,
                             clock=lambda: now[0])
    assert not decision.released and "no signature yet" in decision.summary
    assert now[0] - NOW == timedelta(seconds=300)


@pytest.mark.parametrize("entry", [{"seq": 0, "error": "malformed ledger entry: seq must be an integer"}])
def test_an_entry_the_service_cannot_read_is_reported_not_accepted(world, entry):
    stored = world.candidate("exec-1")
    candidate = Candidate(stored, world.store.read_json(stored.key, stored.version_id))
    decision = decide(candidate, [entry], None, approver_groups=[APPROVERS], groups_of=lambda u: None,
                      read_version=lambda v: None)
    assert not decision.released and refused(decision) == [("not_verified", entry["error"])]
