"""The promotion pipeline's source connection: usable only once it is AVAILABLE.

"A connection created through the AWS Command Line Interface (AWS CLI) or AWS CloudFormation is in
PENDING status by default ... use the console to update the connection to make its status AVAILABLE";
a pending connection cannot be used and cannot be completed from the CLI.
https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-update.html
https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections-workflow.html
"""

from __future__ import annotations

from .result import Check, checked, fail, ok

AVAILABLE = "AVAILABLE"


def connection_service(arn: str) -> str:
    """The API that owns the ARN: CodeStar Connections was renamed CodeConnections, and connections keep
    the prefix they were created with; boto3 has a client for each."""
    return arn.split(":")[2]


def connection(client, arn: str) -> Check:
    name = f"pipeline source: connection {arn.rsplit('/', 1)[-1]} available"

    def judge() -> Check:
        status = client.get_connection(ConnectionArn=arn)["Connection"].get("ConnectionStatus", "unknown")
        observed = f"status {status}"
        if status == AVAILABLE:
            return ok(name, observed)
        return fail(
            name, observed,
            "complete the connection in the console (Developer Tools > Settings > Connections > select it > "
            "Update pending connection); the CLI cannot complete a pending connection",
        )

    return checked(name, f"{connection_service(arn)}:GetConnection", judge)
