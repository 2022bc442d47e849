"""The risk assessment of every accepted design exception, one per distinct reason.

An acknowledgement in the code (constructs/acknowledge.py) records a rule and the reason it is
accepted on a construct; every resource under that construct is covered. The exception log groups
them by reason: one entry per decision a QA lead approves, not one row per resource. Each entry is
assessed here: its risk (what could go wrong if the reason were false), the compensating controls
that keep the risk where it is, and the clauses the excepted rules touch besides those of any GXP
control excepted. ``match`` is a phrase of the reason; a reason no assessment matches shows as "not
assessed" in the log, and tests/test_exception_log.py fails until it is assessed here.

Risk: low - nothing regulated is stored or decided by what is excepted; medium - a safeguard is
relaxed on something that supports regulated data, with a compensating control in force; high -
regulated data itself is less protected (none is accepted today).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assessment:
    id: str
    match: str
    risk: str  # low | medium | high
    why: str  # why the risk is what it is
    compensating: str
    clauses: tuple[tuple[str, str], ...] = ()


LAMBDA = "deployment-time function"
IAM_WILDCARD = (("part11", "11.10(d)"), ("annex11", "12.1"))
NO_REPLICA = (("annex11", "7.2"),)
SSE_S3 = (("part11", "11.10(d)"),)

ASSESSMENTS = (
    # -- deployment-time functions and their roles ------------------------------------------------------------
    Assessment("DEV-001", "Runs only during deployment to make one account-settings call", "low",
               "A deployment-time function holds no record; a failure fails the deployment visibly.",
               "CloudFormation reports the call's failure and rolls back; CloudTrail records each invocation."),
    Assessment("DEV-002", "The settings act on the account itself and have no resource ARN", "low",
               "The account-settings API has no resource ARN to name; the role can do nothing else.",
               "The role's other statements name one log group; the SCPs deny weakening the settings afterwards.",
               IAM_WILDCARD),
    Assessment("DEV-003", "Holds only the applier's own lines", "low",
               "The log group holds which setting was applied, never a record or an audit event.",
               "CloudWatch Logs encrypts at rest with its own key; ten-year retention; CloudTrail keeps the API calls.",
               (("part11", "11.10(e)"),)),
    Assessment("DEV-004", "Deployment-time function of aws-cdk-lib that removes the rules", "low",
               "A function CDK runs once to close the default security group; it handles no record.",
               "CloudTrail and CloudFormation events record each invocation."),
    # -- networks ----------------------------------------------------------------------------------------------
    Assessment("DEV-005", "No network interface uses the default security group", "low",
               "Nothing is attached to the default group, so its rules admit nothing.",
               "The AWS Config rule VPC_DEFAULT_SECURITY_GROUP_CLOSED reports the group after deployment; "
               "GXP-NET-02/03 keep regulated VPCs off the internet.", (("part11", "11.10(d)"),)),
    Assessment("DEV-006", "Research account only, where the config sets nat_allowed", "low",
               "Only the research account, outside the validation boundary, has an internet route.",
               "GXP-NET-02 forbids any internet path in regulated accounts; GXP-NET-03 keeps instances private."),
    # -- IAM wildcards the API forces -------------------------------------------------------------------------------
    Assessment("DEV-007", "Config writes one object per snapshot and history file", "low",
               "Config names its objects at delivery; the wildcard is one prefix of one bucket.",
               "The bucket denies deletion (GXP-S3-05); the key is narrowed by kms:ResourceAliases.", IAM_WILDCARD),
    Assessment("DEV-008", "Pipeline jobs, model versions and objects get names at run time", "medium",
               "Wildcards cover training data and models of regulated accounts, though within one prefix each.",
               "Each wildcard is bounded to the pipeline's own prefix, group or bucket path; GXP-ML-01 isolates "
               "training; the records keys' policies still decide who decrypts.", IAM_WILDCARD),
    Assessment("DEV-009", "AWS maintains this service-role policy", "low",
               "A service role of AWS Config or API Gateway, maintained by AWS for exactly that service.",
               "The role trusts only its service principal; GXP-IAM-01 keeps people off IAM."),
    Assessment("DEV-010", "Any record version in the configured records buckets may be signed or verified", "medium",
               "The signing function may read any record object of the configured buckets.",
               "It reads, never writes; authority per record class is checked in code (GXP-ESIG-09) and every "
               "signature is in the ledger and the locked manifest bucket.", IAM_WILDCARD),
    Assessment("DEV-011", "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level", "low",
               "Tracing actions have no resource ARN; the statement holds only those two.",
               "The statement grants writing traces, nothing that reads or changes a record.", IAM_WILDCARD),
    Assessment("DEV-012", "Read sets, references, run outputs and log streams are named at run time", "medium",
               "Genomic data of regulated accounts is reachable within one store or prefix.",
               "Each wildcard stays inside one store or prefix; GXP-OMICS-01 encrypts the stores under the "
               "account's key.", IAM_WILDCARD),
    Assessment("DEV-013", "Replication copies every object version of this one de-identified class bucket", "low",
               "Only de-identified data replicates, to the one destination the config names.",
               "GXP-REC-04 restricts replication to de-identified classes and configured targets; the destination "
               "key is narrowed by kms:ResourceAliases.", IAM_WILDCARD),
    Assessment("DEV-014", "IAM cannot name a KMS key by alias for Decrypt", "low",
               "IAM cannot name a key by alias; the statement names every key of the account.",
               "kms:ResourceAliases limits it to the records keys and kms:ViaService to reads through S3.", IAM_WILDCARD),
    Assessment("DEV-015", "Manifest copies are written once per signature", "low",
               "Manifest objects are named per signature at run time; the wildcard is one prefix.",
               "Object Lock COMPLIANCE makes each written copy immutable (GXP-ESIG-07).", IAM_WILDCARD),
    Assessment("DEV-016", "The ECS agent on Batch container instances needs exactly this AWS-maintained policy", "low",
               "AWS keeps the ECS agent's policy current; a copy would break registration.",
               "The instance role is used only by Batch hosts in the workload VPC (GXP-NET-02/03)."),
    Assessment("DEV-017", "ecr:GetAuthorizationToken has no resource-level permissions", "low",
               "The token call has no resource ARN.", "Image reads are limited to the one worker repository.",
               IAM_WILDCARD),
    Assessment("DEV-018", "Jobs write checkpoint objects under checkpoints/", "low",
               "Checkpoints are resumable job state, not records; the wildcard is one prefix.",
               "The checkpoint bucket is encrypted and expires its objects after 14 days.", IAM_WILDCARD),
    Assessment("DEV-019", "Auditors read any object of the two named log buckets", "low",
               "Read-only access for auditors to the two log buckets they must review.",
               "The log-archive key lets only this role decrypt (GXP-TRAIL-03); reads are in the trail.", IAM_WILDCARD),
    Assessment("DEV-020", "The log-archive key lives in another account", "low",
               "The key's ID is unknown at synthesis; the statement names every key of that account.",
               "kms:ResourceAliases pins it to alias/gxp/log-archive.", IAM_WILDCARD),
    # -- functions of the signature service ---------------------------------------------------------------------------
    Assessment("DEV-021", "Invoked synchronously only", "low",
               "A dead-letter queue applies only to asynchronous invocation; every caller sees its failure.",
               "API Gateway access logs (GXP-API-02) and refused-signature events (GXP-ESIG-08) record failures."),
    Assessment("DEV-022", "The function reaches only regional AWS APIs", "medium",
               "The signature functions run outside a VPC and reach AWS APIs over the public endpoints.",
               "TLS with SigV4 only, least-privilege roles, WAF in front of the API; no VPC resource is reached.",
               (("annex11", "12.1"),)),
    Assessment("DEV-023", "Caching is off on purpose", "low",
               "No cache means nothing to encrypt; a cache could serve a stale verification.",
               "Every verify reads the ledger and the object version afresh."),
    Assessment("DEV-024", "A client certificate authenticates API Gateway to HTTP back ends", "low",
               "Client certificates serve HTTP back ends; every integration here is a Lambda invocation.",
               "Clients reach the API over HTTPS only; Lambda integrations are SigV4-signed inside AWS."),
    Assessment("DEV-025", "The Backup stack's daily AWS Backup plan selects every table", "low",
               "cdk-nag looks for a back-up selection in the table's own stack; the ledger's is in the Backup stack.",
               "The daily plan into a locked vault copied to a second region (GXP-BAK-01), PITR (GXP-DDB-01) and "
               "the Object Lock manifest copy of every entry (GXP-ESIG-07).", NO_REPLICA),
    # -- no second region ---------------------------------------------------------------------------------------------
    Assessment("DEV-026", "Identified records must stay in their jurisdiction", "medium",
               "Records have no replica in a second region; a regional loss would make them unavailable.",
               "S3's multi-zone durability, Object Lock COMPLIANCE, versioning and the deny-delete policy "
               "(GXP-S3-01/03/05); daily AWS Backup copies in a locked vault of a second region of the same "
               "jurisdiction (GXP-BAK-01).", NO_REPLICA),
    Assessment("DEV-027", "No second region is configured for workload accounts yet", "low",
               "Compute buckets have no replica; they hold artefacts that can be rebuilt.",
               "Versioning and the deny-delete policy.", NO_REPLICA),
    Assessment("DEV-028", "Signature manifests stay in the jurisdiction", "medium",
               "Manifest copies have no replica in a second region.",
               "Object Lock COMPLIANCE and versioning; the DynamoDB ledger holds an independent copy.", NO_REPLICA),
    Assessment("DEV-029", "Holds resumable job state only, deleted after 14 days", "low",
               "Checkpoints can be recomputed from the job's inputs.", "A lost checkpoint costs one re-run.",
               NO_REPLICA),
    Assessment("DEV-030", "Access-log objects describe requests to the record buckets", "low",
               "Server access logs have no replica in a second region.",
               "The organization trail's data events (GXP-TRAIL-05) record the same requests.", NO_REPLICA),
    Assessment("DEV-031", "No S3 replication of the log archive", "low",
               "The audit trail and Config history are copied to a second region daily by AWS Backup, not continuously "
               "by replication; the access-log bucket is not copied.",
               "Object Lock COMPLIANCE, versioning and the deny-delete policy; the locked back-up vault of the second "
               "region (GXP-BAK-01); CloudTrail digest files make any loss or alteration detectable (GXP-TRAIL-02).",
               NO_REPLICA + (("part11", "11.10(e)"),)),
    # -- encryption -------------------------------------------------------------------------------------------------------
    Assessment("DEV-032", "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket "
               "holds request metadata, not record content", "low",
               "Access logs are encrypted with S3-managed keys because delivery supports nothing else.",
               "They hold request metadata only; the bucket denies deletion and public access.", SSE_S3),
    Assessment("DEV-033", "holds request metadata about record access", "low",
               "Access logs of record buckets are encrypted with S3-managed keys (delivery supports nothing else).",
               "They hold request metadata, never record content; the trail's data events are KMS-encrypted.", SSE_S3),
    Assessment("DEV-034", "holds request metadata about manifest access", "low",
               "Access logs of the manifest bucket are encrypted with S3-managed keys.",
               "They hold request metadata, never signature content.", SSE_S3),
    Assessment("DEV-035", "KMS rotates only symmetric encryption keys", "low",
               "The record-signing key cannot rotate; a new key would stop earlier records verifying.",
               "The private key never leaves KMS; only QA's roles may sign; every kms:Sign call is in the "
               "organization trail."),
    # -- AI and ML governance --------------------------------------------------------------------------------------
    Assessment("DEV-036", "Runs only during deployment to make one Bedrock settings call", "low",
               "A deployment-time function holds no prompt or output; a failure fails the deployment visibly.",
               "CloudFormation reports the call's failure; GXP-AI-01 reads the logging setting back in the IQ."),
    Assessment("DEV-037", "Runs only during deployment to create or cancel one Macie job", "low",
               "A deployment-time function reads no training data; a failure fails the deployment visibly.",
               "CloudFormation reports the call's failure; GXP-AI-08 reads the job back in the IQ."),
    Assessment("DEV-038", "The logging configuration is a setting of the account and region with no resource ARN",
               "low", "PutModelInvocationLoggingConfiguration supports no resource-level permission.",
               "The role belongs to one deployment-time function; CloudTrail records each call.", IAM_WILDCARD),
    Assessment("DEV-039", "A classification job's ARN exists only once Macie creates it", "low",
               "CreateClassificationJob supports no resource-level permission.",
               "The role belongs to one deployment-time function; CloudTrail records each call.", IAM_WILDCARD),
    Assessment("DEV-040", "The only wildcard is in the Deny that refuses inference without the guardrail", "low",
               "The wildcard widens a Deny, never an Allow.", "GXP-AI-03 judges every grant of inference.",
               IAM_WILDCARD),
    Assessment("DEV-041", "Held-out sets and evaluation records get names at run time", "low",
               "The evaluation role may read any held-out set and write any record under its prefixes.",
               "Both prefixes are in locked buckets; the records key is narrowed by alias (kms:ResourceAliases).",
               IAM_WILDCARD),
    Assessment("DEV-042", "The gate reads any signature of the evaluation record class and writes release records",
               "low", "The release gate may read any signature of its record class and write any release record.",
               "It decides only on a verified signature bound to the evaluation's hash (GXP-AI-10; the release "
               "tests refuse wrong meaning, wrong group and a stale hash).", IAM_WILDCARD),
    Assessment("DEV-043", "Model versions, reports and records get names at run time", "low",
               "The recorder may read any version and report of its own group and write any evaluation record.",
               "Limited to the group and the record prefix; records are locked; GXP-AI-10 judges its thresholds.",
               IAM_WILDCARD),
    Assessment("DEV-044", "The gate judges any version of its own group", "low",
               "The approval gate may update any version of its group and list versions (no resource ARN).",
               "It only ever sets a version back to PendingManualApproval; GXP-AI-06 judges its wiring.",
               IAM_WILDCARD),
    Assessment("DEV-045", "Prompts, outputs and evaluation evidence stay in the jurisdiction", "medium",
               "Invocation logs and evaluation evidence have no replica in a second region.",
               "Object Lock COMPLIANCE, versioning and the deny-delete policy (GXP-AI-01, GXP-AI-10); the log "
               "group holds a second copy of each prompt and output.", NO_REPLICA),
    Assessment("DEV-046", "holds request metadata, not prompts or outputs", "low",
               "Access logs of the GenAI buckets are encrypted with S3-managed keys (delivery supports nothing else).",
               "They hold request metadata, never prompts or outputs.", SSE_S3),
    Assessment("DEV-047", "The alarm's state changes reach the audit account through EventBridge", "low",
               "The misuse alarms have no action in the workload account.",
               "Their state changes are forwarded to the audit bus, where they alert (GXP-AI-05)."),
    Assessment("DEV-048", "The function calls only regional AWS APIs over TLS with SigV4", "low",
               "The approval gate and the evaluation recorder run outside the VPC.",
               "They reach only regional AWS APIs under least-privilege roles; they hold no record themselves."),
    Assessment("DEV-049", "Invoked synchronously by the person or pipeline requesting an evaluation", "low",
               "The evaluation function has no dead-letter queue.",
               "The caller receives the outcome or the failure; a failed run records nothing."),
    Assessment("DEV-050", "The recorder is invoked synchronously by whoever records an evaluation", "low",
               "The recorder and the approval gate have no dead-letter queue.",
               "EventBridge retries the gate's events and the hourly sweep re-checks every Approved version."),
    Assessment("DEV-051", "Invoked synchronously by the person releasing a version", "low",
               "The release function has no dead-letter queue.",
               "The person releasing receives the decision or the failure; a failed invocation releases nothing."),
    Assessment("DEV-052", "EventBridge retries each delivery eight times over the following hours", "low",
               "The intake check of instrument data has no dead-letter queue.",
               "A version the check never reached carries no gxp:intake-check tag; the bucket policy already refused "
               "unregistered and unsigned writes (GXP-DEV-01)."),
    Assessment("DEV-053", "The check reaches only the regional S3 and EventBridge APIs", "low",
               "The intake check runs outside a VPC.",
               "TLS with SigV4 under a least-privilege role; it reads and tags object versions, never their content "
               "elsewhere.", (("annex11", "12.1"),)),
    Assessment("DEV-054", "the check reads and tags any new version of the instrument-data buckets", "low",
               "The intake check may read and tag any object of the instrument-data buckets; X-Ray needs \"*\".",
               "Tags are metadata; Object Lock keeps every version unchanged (GXP-S3-01).", IAM_WILDCARD),
    Assessment("DEV-055", "AWS Backup's documented service-role policies", "low",
               "The back-up role carries AWS's managed policies for back-up and restore of S3 and DynamoDB.",
               "Only AWS Backup can assume it; the records, ledger and log-archive keys let it decrypt through S3 or "
               "DynamoDB only; recovery points sit in a vault under Vault Lock (GXP-BAK-01).", IAM_WILDCARD),
    # -- change control (the promotion pipeline and the roles it qualifies through) ----------------------------------
    Assessment("DEV-056", "The OQ attempts the changes the guardrails forbid", "medium",
               "The OQ role in each validation account has AdministratorAccess, so that only the guardrail under test "
               "refuses each attempt.",
               "Validation accounts hold test data only; the SCPs still bind the role; only the pipeline's OQ step "
               "may assume it (trust condition on its role ARN), for an hour; every call is in the organization trail.",
               IAM_WILDCARD),
    Assessment("DEV-057", "Read-only describe and get calls on every resource the IQ qualifies", "low",
               "The IQ reader may read the configuration of any resource in the account.",
               "Reads only, no record content; only the pipeline's IQ and change-record steps may assume it.",
               IAM_WILDCARD),
    Assessment("DEV-058", "AWS maintains SecurityAudit as services add configuration reads", "low",
               "The IQ reader uses an AWS managed policy whose content AWS may extend.",
               "SecurityAudit grants configuration and metadata reads only; the role's trust is limited to the "
               "pipeline's IQ and change-record steps."),
    Assessment("DEV-059", "Every project takes its source from the pipeline (source type CODEPIPELINE)", "low",
               "The pipeline's CodeBuild projects have no source repository URL of their own.",
               "Source comes only from the pipeline's artifact; the connection holds the repository access; no "
               "credential is stored in a project."),
    Assessment("DEV-060", "Pipeline artifacts are rebuilt from the source commit by any execution", "low",
               "The pipeline's artifact and access-log buckets have no replica in a second region.",
               "Artifacts are reproducible from the commit; each execution's evidence is its change record under "
               "Object Lock COMPLIANCE in the log archive.", NO_REPLICA),
    Assessment("DEV-061", "CDK Pipelines grants each action and CodeBuild project what its place in the pipeline needs",
               "low",
               "The pipeline's generated roles carry wildcard actions and resources on the pipeline's own artifact "
               "bucket, key, log groups and report groups.",
               "Every such grant stays inside the pipeline's own resources; the deployment account's SCP lets only "
               "the pipeline's roles assume the regulated accounts' CDK roles (GXP-CHG-03).", IAM_WILDCARD),
    Assessment("DEV-062", "The bootstrap roles carry the CDK qualifier and the region in their names", "low",
               "The pipeline's step roles name the target accounts' CDK roles, the change records and the release "
               "signature service's resources with wildcards.",
               "Each wildcard is confined to one account and a name prefix; the regulated accounts' SCP and the "
               "evidence bucket's policy admit only the pipeline's roles (GXP-CHG-03, GXP-CHG-04).", IAM_WILDCARD),
    Assessment("DEV-063", "holds request metadata about pipeline artifacts", "low",
               "Access logs of the pipeline's artifact bucket are encrypted with S3-managed keys (delivery supports "
               "nothing else).",
               "They hold request metadata only, never artifact or record content.", SSE_S3),
    Assessment("DEV-064", "holds request metadata about review reports", "low",
               "Access logs of the audit-trail review reports bucket are encrypted with S3-managed keys (delivery "
               "supports nothing else).",
               "They hold request metadata only, never report content.", SSE_S3),
    Assessment("DEV-065", "A review report is derived from the organization trail", "low",
               "The review reports bucket and its access-log bucket have no replica in a second region.",
               "Any period's report can be produced again from the trail, which is under Object Lock COMPLIANCE and "
               "backed up to a second region (GXP-BAK-01); the reports bucket is locked itself (GXP-REV-02).",
               NO_REPLICA),
    Assessment("DEV-066", "A run that fails tells the audit bus itself", "low",
               "The audit-trail review function has no dead-letter queue.",
               "A run that cannot file its report puts a failure event on the audit bus, which alerts QA "
               "(GXP-REV-02); a period without a report is visible in the reports bucket."),
    Assessment("DEV-067", "Athena reads the trail files of the period with the caller's permissions", "low",
               "The review function's role reads any object of the trail bucket, decrypts with the log-archive key "
               "named by alias condition, and writes any key under the reports prefix.",
               "Reads of the trail only (no Config history), decryption through S3 only, writes only under the "
               "reports prefix of a locked bucket whose policy refuses every other writer (GXP-REV-02).", IAM_WILDCARD),
    Assessment("DEV-068", "Reviewers read every filed report", "low",
               "The audit log reader may read every object under the reports prefix.",
               "Reads only; the reader is the role reviewers already use to run the saved queries.", IAM_WILDCARD),
    # -- the record export (records/deployment/export.py) ---------------------------------------------------
    Assessment("DEV-069", "QA invokes the export synchronously and reads its answer", "low",
               "The record export function has no dead-letter queue.",
               "The caller receives the bundle's location or the failure; a failed export writes no signed manifest "
               "and can be run again; the record itself is unchanged."),
    Assessment("DEV-070", "The export reaches only the regional S3, KMS, DynamoDB and SSM APIs", "low",
               "The record export runs outside a VPC.",
               "TLS with SigV4 under a least-privilege role; what it reads goes only to the account's locked exports "
               "bucket, readable through S3 by QA's roles alone (the exports key's policy).", (("annex11", "12.1"),)),
    Assessment("DEV-071", "Exports are copies of records that stay in their jurisdiction", "low",
               "The record exports bucket has no replica in a second region.",
               "An export is a copy: the record stays locked, backed up and (where allowed) replicated, and can be "
               "exported again at any time.", NO_REPLICA),
    Assessment("DEV-072", "the export reads any version of this account's records buckets and their signatures", "low",
               "The export's role may read any object of the account's records buckets and manifest copies, the "
               "ledger table by its generated name and keys named by alias; X-Ray needs \"*\".",
               "It writes only new objects under exports/ of its own locked bucket; only its role may sign their "
               "manifests and only QA's roles may decrypt them (GXP-REC-07); records stay under Object Lock.",
               IAM_WILDCARD),
)


def assessment_for(reason: str) -> Assessment | None:
    """The assessment whose phrase the reason contains (the longest phrase wins, so a specific assessment
    beats a general one)."""
    found = [a for a in ASSESSMENTS if a.match in reason]
    return max(found, key=lambda a: len(a.match)) if found else None
