#!/usr/bin/env bash
# Deploys the JupyterHub on EKS stack in the blueprint's order: synthesize, terraform init,
# apply module.vpc, apply module.eks, then apply everything. Run with --help for usage.
set -euo pipefail

LC_SCRIPT=install.sh
LC_VALUE_OPTIONS=()

# shellcheck source-path=SCRIPTDIR source=lib/lifecycle.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/lifecycle.sh"

lc_usage() {
  cat <<EOF
Usage: scripts/install.sh [options] [terraform arguments...]

Deploys JupyterHub on EKS. Steps, in order:
  1. npm run synth                  (writes cdktf.out/stacks/jupyterhub/cdk.tf.json)
  2. terraform init
  3. terraform apply -target=module.vpc
  4. terraform apply -target=module.eks
  5. terraform apply                (everything else)
Terraform runs in the stack directory with -input=false -auto-approve; nothing is
asked and no terminal is needed. Every step is safe to repeat: after a failure, fix the
cause and run the same command again.

Options:
  --skip-synth   use the stack already in cdktf.out (skip step 1)
  --dry-run      print the exact commands of every step and run none (no synth either)
  -h, --help     show this help
  --             pass every later argument to terraform, even one that looks like an option

Every other argument goes unchanged to each terraform apply (not to init), e.g.
  scripts/install.sh -var-file=prod.tfvars -var region=eu-west-1
A relative -var-file path is taken relative to your current directory.
TF_VAR_<name> environment variables work as usual (e.g. TF_VAR_jupyter_hub_auth_mechanism).
-target and -chdir are refused: the script chooses them.

Environment: JUPYTERHUB_PLATFORM (current, the default, or blueprint: docs/versions.md); TF_VAR_*, AWS_PROFILE / AWS_REGION and other AWS CLI settings, TF_CLI_ARGS*
and TF_LOG are passed through. The script sets CHECKPOINT_DISABLE=1,
DISABLE_VERSION_CHECK=1 and (unless set) TF_IN_AUTOMATION=1.
EOF
}

step_apply_target() { lc_terraform apply -input=false -auto-approve "-target=$1" "${LC_TF_ARGS[@]}"; }
step_apply_all() { lc_terraform apply -input=false -auto-approve "${LC_TF_ARGS[@]}"; }

main() {
  lc_parse_args "$@"
  lc_require terraform
  if ((!LC_SKIP_SYNTH)); then lc_require npm; fi
  lc_check_stack

  lc_common_steps
  lc_step "Create the VPC (terraform apply -target=module.vpc)" step_apply_target module.vpc
  lc_step "Create the EKS cluster (terraform apply -target=module.eks)" step_apply_target module.eks
  lc_step "Create everything else: add-ons, storage, JupyterHub (terraform apply)" step_apply_all
  lc_run_steps

  if ((!LC_DRY_RUN)); then
    lc_say ""
    lc_say "JupyterHub is deployed. Point kubectl at the cluster with the command printed by:"
    lc_say "  terraform -chdir=$LC_STACK_DIR output -raw configure_kubectl"
    lc_say "then follow docs/lifecycle.md (verify, log in)."
  fi
}

main "$@"
