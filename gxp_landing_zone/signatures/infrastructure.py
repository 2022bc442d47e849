"""The electronic-signature service as one construct: user pool, API, handlers, ledger, manifest
archive and event forwarding (21 CFR Part 11 Subpart C; Annex 11 14; MHLW ER/ES 4).

The construct is given everything as typed values; the stack translates the config. The
Lambda code is the ``runtime`` package next to this file, shipped as a plain asset (boto3 is in
the Lambda runtime, so there is nothing to bundle).

Each part is built by a module of ``deployment`` directly in this construct's scope, so every
resource sits under the service itself and its logical ID follows from its construct ID alone.
"""

from __future__ import annotations

# The control tests weaken the service through its construct code by patching the aws_cdk modules
# under these names (tests/controls/signatures), so they are reachable here.
from aws_cdk import aws_cognito as cognito  # noqa: F401
from aws_cdk import aws_dynamodb as dynamodb  # noqa: F401
from aws_cdk import aws_events as events  # noqa: F401
from aws_cdk import aws_lambda as lambda_  # noqa: F401
from constructs import Construct

from .deployment.api import ACCESS_LOG_FIELDS, MAX_KEY_LENGTH, add_api
from .deployment.api_functions import MAX_ENVIRONMENT_BYTES, add_api_functions
from .deployment.firewall import add_firewall
from .deployment.forwarding import add_event_forwarding
from .deployment.functions import ASSET_EXCLUDE, PYTHON, RUNTIME_ROOT, FunctionFactory
from .deployment.identities import add_signers
from .deployment.release_readers import add_release_readers
from .deployment.spec import SignatureServiceSpec
from .deployment.storage import add_key, add_ledger, add_manifest_archive, add_seal_key, grant_sealing

__all__ = [
    "ACCESS_LOG_FIELDS",
    "ASSET_EXCLUDE",
    "MAX_ENVIRONMENT_BYTES",
    "MAX_KEY_LENGTH",
    "PYTHON",
    "RUNTIME_ROOT",
    "SignatureService",
    "SignatureServiceSpec",
]


class SignatureService(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: SignatureServiceSpec) -> None:
        super().__init__(scope, id)
        self.spec = spec

        self.key = add_key(self, spec)
        self.seal_key = add_seal_key(self, spec)
        self.ledger = add_ledger(self, self.key)
        self.ledger_parameter = add_release_readers(self, spec, key=self.key, ledger=self.ledger, seal_key=self.seal_key)
        self.access_logs, self.manifests = add_manifest_archive(self, spec, self.key)

        self._functions = FunctionFactory(self, key=self.key, spec=spec)
        self.log_groups = self._functions.log_groups
        self.roles = self._functions.roles
        self.functions = self._functions.functions
        self._build_user_pool()
        self._build_functions()
        self._build_api()
        self._forward_events()

    def _build_user_pool(self) -> None:
        self.user_pool, self.client = add_signers(self, self.spec, self._functions)

    def _build_functions(self) -> None:
        self.sign_function, self.list_function, self.verify_function = add_api_functions(
            self._functions, self.spec, key=self.key, seal_key=self.seal_key, ledger=self.ledger,
            user_pool=self.user_pool,
        )
        grant_sealing(
            self.seal_key,
            sealer_arn=self.roles["sign"].role_arn,
            checker_arns=[self.roles["verify"].role_arn],
        )

    def _build_api(self) -> None:
        self.access_log_group, self.api = add_api(
            self,
            self.spec,
            key=self.key,
            user_pool=self.user_pool,
            sign=self.sign_function,
            listing=self.list_function,
            verify=self.verify_function,
            # Looked up here at build time, where the control tests substitute a weakened format.
            access_log_fields=ACCESS_LOG_FIELDS,
        )
        self._protect_with_waf()

    def _protect_with_waf(self) -> None:
        self.web_acl, self.firewall_log_group = add_firewall(self, self.spec, key=self.key, api=self.api)

    def _forward_events(self) -> None:
        self.forwarding_rule = add_event_forwarding(self, self.spec)
