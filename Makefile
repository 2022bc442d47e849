# Two commands on a fresh machine (Python 3.11, Node 20, make): `make synth`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
CONFIG ?= config/reference.yaml
OUT ?= cdk.out

# Offline and quiet: no version check, no telemetry, no notices, no Node end-of-life banner.
export CDK_DISABLE_VERSION_CHECK := true
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
# jsii runs on the Node 22 pinned in package-lock.json: Node 20 is end-of-life, and 22 synthesizes ~15% faster.
export JSII_NODE := $(CURDIR)/node_modules/.bin/node
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
CDK_FLAGS := --no-notices --no-version-reporting -c config=$(CONFIG) -o $(OUT)

.PHONY: export-record verify-export setup synth test report diff deploy preflight iq oq validation-package bench lint clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-test.txt
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

# Two lines of CLI chatter are dropped: the hint to name a stack, and a deprecation notice raised by
# cdk-nag's EventBusOpenAccess rule reading CfnEventBusPolicy.principal (this project never sets it).
SYNTH_NOISE := -e '^Supply a stack id' -e 'CfnEventBusPolicy\#principal is deprecated' -e '^  this property has been deprecated$$'

synth: setup  ## synthesize the estate and write cdk.out/compliance/
	@set -o pipefail; $(CDK) synth $(CDK_FLAGS) --quiet 2>&1 | { grep -v $(SYNTH_NOISE) || true; }
	@echo "Templates: $(OUT)/   Compliance report: $(OUT)/compliance/index.html"

report: setup  ## rebuild the compliance report without the CDK CLI
	CDK_CONTEXT_JSON='{"config":"$(CONFIG)"}' $(PY) app.py

# Test workers: one per core, at most 4 (each synthesizes the reference estate once and holds its own Node).
TEST_WORKERS ?= auto

test: setup $(VENV)/.test-installed  ## every test: config, constructs, rules, mutations, snapshots, cfn-lint, report
	$(PY) -m pytest -q -n $(TEST_WORKERS) --maxprocesses 4

diff: setup  ## needs AWS credentials for the target accounts
	$(CDK) diff $(CDK_FLAGS)

# Stacks of one wave deploy side by side; the estate has three waves (see README, Deploying).
DEPLOY_CONCURRENCY ?= 10

deploy: setup  ## needs AWS credentials; deploys in dependency order, a wave at a time
	$(CDK) deploy --all $(CDK_FLAGS) --require-approval broadening --concurrency $(DEPLOY_CONCURRENCY)

# Read-only; without ROLE the organization checks (management account credentials) and the per-account
# commands to run next. DEPLOYER: the account that runs make deploy (default: the management account).
preflight: setup  ## what a first deploy needs: make preflight, then make preflight ROLE=audit [REGION=us-east-1]
	$(PY) -m gxp_landing_zone.preflight --config $(CONFIG) --cdk-out $(OUT) $(if $(ROLE),--account-role $(ROLE)) $(if $(REGION),--region $(REGION)) $(if $(DEPLOYER),--deployer-account $(DEPLOYER))

iq: setup  ## Installation Qualification against a deployed account: make iq ROLE=log-archive REGION=us-east-1 [SIGNING_PROFILE=qa] (the record is sealed with the qualification-records key)
	$(PY) -m gxp_landing_zone.validation.iq --config $(CONFIG) --account-role $(ROLE) --region $(REGION) --out iq-results/ $(if $(SIGNING_PROFILE),--signing-profile $(SIGNING_PROFILE))

# The signature steps read the signer's ID token from GXP_OQ_SIGNER_ID_TOKEN (never an argument); without it they are not executed.
oq: setup  ## Operational Qualification in a regulated validation account: make oq ROLE=validation-us REGION=us-east-1 [DATA_CLASS=...] [SIGNATURE_API=https://...]
	$(PY) -m gxp_landing_zone.validation.oq --config $(CONFIG) --account-role $(ROLE) --region $(REGION) --out oq-results/ $(if $(DATA_CLASS),--data-class $(DATA_CLASS)) $(if $(SIGNATURE_API),--signature-api $(SIGNATURE_API)) $(if $(SIGNING_PROFILE),--signing-profile $(SIGNING_PROFILE))

export-record: setup  ## one record version for an inspector: make export-record ROLE=regulated-us REGION=us-east-1 BUCKET=... KEY=... VERSION=... [LEDGER_TABLE=...] [AUDIT_PROFILE=...] [PDF=1]
	$(PY) -m gxp_landing_zone.records --config $(CONFIG) --account-role $(ROLE) --region $(REGION) --bucket $(BUCKET) --key "$(KEY)" --version-id $(VERSION) --out $(or $(EXPORT_OUT),record-export) $(if $(LEDGER_TABLE),--ledger-table $(LEDGER_TABLE)) $(if $(AUDIT_PROFILE),--audit-profile $(AUDIT_PROFILE)) $(if $(PDF),--pdf)

verify-export: setup  ## check a bundle the export function wrote: make verify-export ROLE=regulated-us REGION=us-east-1 BUNDLE=s3://.../ (or a directory)
	$(PY) -m gxp_landing_zone.records --config $(CONFIG) --account-role $(ROLE) --region $(REGION) --verify-bundle "$(BUNDLE)"

VALIDATION_OUT ?= validation-package

# Records are verified against the qualification-records key's public key:
#   python -m gxp_landing_zone.validation public-key --config $(CONFIG) --out record-key.pem
validation-package: setup  ## the computer-system-validation package; IQ_RESULTS=dir / OQ_RESULTS=dir RECORD_KEY=record-key.pem add the executed IQ / OQ protocols; QA_RECORDS=qa.yaml; CHANGE_RECORDS=dir the latest change records; PDF=1 prints every document
	$(PY) -m gxp_landing_zone.validation.package --config $(CONFIG) --out $(VALIDATION_OUT) $(if $(IQ_RESULTS),--iq-results $(IQ_RESULTS)) $(if $(OQ_RESULTS),--oq-results $(OQ_RESULTS)) $(if $(RECORD_KEY),--record-public-key $(RECORD_KEY)) $(if $(QA_RECORDS),--qa-records $(QA_RECORDS)) $(if $(CHANGE_RECORDS),--change-records $(CHANGE_RECORDS)) $(if $(PDF),--pdf)

bench: setup  ## synth wall time and peak memory, bare vs complete: 1x/3x/10x regulated accounts, 100 accounts
	$(PY) -m gxp_landing_zone.bench

lint: setup $(VENV)/.test-installed
	$(VENV)/bin/cfn-lint $(OUT)/*.template.json

clean:
	rm -rf $(OUT) .pytest_cache
