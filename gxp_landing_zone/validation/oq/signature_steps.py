"""OQ-SIG-01: a signature applied through the deployed service verifies for its record version and
not for a changed one."""

from __future__ import annotations

from botocore.exceptions import ClientError

from .signature_client import SignatureClient
from .steps import SIGNER_TOKEN_ENV, _error


class SignatureSteps:
    # -- OQ-SIG-01 --------------------------------------------------------------------------------

    def _record_class(self):
        """(name, RecordClass) of the signing policy covering this data class's whole bucket or a prefix of it."""
        classes = [(n, rc) for n, rc in self.config.signatures.record_classes.items()
                   if rc.data_class == self.data_class.name]
        return min(classes, key=lambda c: len(c[1].key_prefix)) if classes else None

    def _default_meaning(self) -> str:
        _, rc = self.record_class
        return rc.sequence[0] if rc.sequence else next(iter(rc.signers.values()))[0]

    def _api_url(self) -> tuple[str | None, str]:
        if self.signature_api:
            return self.signature_api, "given with --signature-api"
        from ...topology import stack_id

        stack = stack_id("Signatures", self.account, self.region)
        try:
            stacks = self.session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
        except ClientError as exc:
            return None, f"the signature service is not deployed here (no stack {stack}: {_error(exc)[1]})"
        outputs = stacks[0].get("Outputs", []) if stacks else []
        url = next((o["OutputValue"] for o in outputs if o.get("OutputKey", "").startswith("SignatureServiceApiEndpoint")),
                   None)
        return (url, f"output of stack {stack}") if url else (None, f"stack {stack} has no API endpoint output")

    def sig_01(self) -> None:
        test = "OQ-SIG-01"
        if "second" not in self.versions or not self.versions["second"]["version_id"]:
            self.not_executed(test, "the test object has no two versions (see OQ-REC-01/02)")
            return
        if self.record_class is None:
            covered = sorted({rc.data_class for rc in self.config.signatures.record_classes.values()})
            self.not_executed(test, f"data class {self.data_class.name} has no signing record class; run with "
                                    f"--data-class {' or '.join(covered) or '<a class with one>'}")
            return
        url, source = self._api_url()
        if url is None:
            self.not_executed(test, source)
            return
        if not self.signer_token:
            self.not_executed(test, f"no signer ID token: set {SIGNER_TOKEN_ENV} to the ID token of a qualified test "
                                    "signer who signed in with password and MFA")
            return
        meaning = self.meaning or self._default_meaning()
        client = SignatureClient(url, self.signer_token, transport=self.transport)
        first, second = self.versions["first"], self.versions["second"]
        status, body = client.sign(self.bucket, self.key, first["version_id"], meaning,
                                   reason=f"OQ test signature of labelled test data (run {self.run_id})",
                                   request_id=f"oq-{self.run_id}")
        signature = body.get("signature") if isinstance(body, dict) else None
        ok = status in (200, 201) and isinstance(signature, dict) and signature.get("meaning") == meaning and \
            signature.get("record_version_id") == first["version_id"]
        self.record(test, "1", f"Sign the first test version with meaning '{meaning}' ({source})",
                    self._object(first["version_id"]),
                    "201 with a manifest naming the signer, the UTC time and the meaning, bound to the version",
                    {"status": status, "response": body}, "pass" if ok else "fail")
        if ok:
            self.versions["signature"] = {"seq": signature.get("seq"), "manifest_hash": signature.get("manifest_hash"),
                                          "meaning": meaning}
        status, body = client.verify(self.bucket, self.key, first["version_id"])
        valid = status == 200 and isinstance(body, dict) and body.get("valid") is True
        self.record(test, "2", "Verify the first version's signature", self._object(first["version_id"]),
                    "200 with valid = true", {"status": status, "response": body}, "pass" if valid else "fail")
        status, body = client.verify(self.bucket, self.key, second["version_id"])
        # The changed copy: a signature bound to the first version must not hold for different bytes.
        refused = status == 404 or (status == 200 and isinstance(body, dict) and body.get("valid") is False)
        self.record(test, "2b", "Verify the second (changed) version against the signature",
                    self._object(second["version_id"]), "not valid: the first version's signature does not verify "
                    "for the changed content (200 with valid = false, or 404 no signatures)",
                    {"status": status, "response": body}, "pass" if refused else "fail")


    # -- OQ-SIG-02..06: the negative tests ---------------------------------------------------------------

    def sig_negative(self, test: str) -> None:
        from .protocol import NEGATIVE_SIGNATURES

        variable, status_expected, code_expected = NEGATIVE_SIGNATURES[test]
        token = (self.negative_tokens or {}).get(test) or (self.signer_token if test == "OQ-SIG-06" else None)
        second = self.versions.get("second")
        if not second or not second["version_id"]:
            self.not_executed(test, "the test object has no second version (see OQ-REC-02)")
            return
        if self.record_class is None:
            self.not_executed(test, f"data class {self.data_class.name} has no signing record class")
            return
        url, source = self._api_url()
        if url is None:
            self.not_executed(test, source)
            return
        if not token:
            self.not_executed(test, f"no ID token for this case: set {variable} to the ID token of a test identity "
                                    "prepared as the step describes")
            return
        _, record_class = self.record_class
        meaning = (record_class.sequence[-1] if test == "OQ-SIG-06" and record_class.sequence
                   else self.meaning or self._default_meaning())
        client = SignatureClient(url, token, transport=self.transport)
        status, body = client.sign(self.bucket, self.key, second["version_id"], meaning,
                                   reason=f"OQ negative test {test} on labelled test data (run {self.run_id})",
                                   request_id=f"oq-{self.run_id}-{test.lower()}")
        code = body.get("error") if isinstance(body, dict) else None
        refused = status == status_expected and code == code_expected
        action, _ = self.tests[test]["steps"][0]
        self.record(test, "1", f"{action.split(' (GXP_')[0]} (meaning '{meaning}', {source})",
                    self._object(second["version_id"]), f"{status_expected} {code_expected}; nothing signed",
                    {"status": status, "response": body}, "pass" if refused else "fail")
        signature = body.get("signature") if isinstance(body, dict) else None
        if status in (200, 201) and isinstance(signature, dict):
            # Accepted where it must be refused: the signature stays in the append-only ledger, as test data.
            self.record(test, "-", "Signature the service should have refused, left in the append-only ledger",
                        self._object(second["version_id"]), "kept; it signs labelled test data only",
                        {"seq": signature.get("seq"), "meaning": meaning}, "test data", kind="test data")
