#!/usr/bin/env bash
# Deploys the JupyterHub on EKS stack in the blueprint's order: synthesize, check the inputs,
# terraform init, then plan and apply module.vpc, module.eks and everything. Run with --help.
set -euo pipefail

LC_SCRIPT=install.sh
LC_FLAG_OPTIONS=(--plan-only)
LC_VALUE_OPTIONS=()

# shellcheck source-path=SCRIPTDIR source=lib/lifecycle.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/lifecycle.sh"

lc_usage() {
  cat <<EOF
Usage: scripts/install.sh [options] [-var NAME=VALUE]... [-var-file FILE]...

Deploys JupyterHub on EKS. Steps, in order:
  1. npm run synth                  (cdktf.out/stacks/jupyterhub: cdk.tf.json, settings.json)
  2. check the settings and inputs  (prints the platform set and the state it uses, then
                                     npm run validate with your -var / -var-file)
  3. terraform init                 (with -backend-config=path=... for a state file outside
                                     the project, from jupyterhub.config.json)
  4. plan, then apply, -target=module.vpc
  5. plan, then apply, -target=module.eks
  6. plan, then apply, everything else
Each apply step shows its plan and asks before applying it (type yes); a plan without
changes is not applied. Every step is safe to repeat: after a failure or Ctrl-C, fix the
cause and run the same command again.

Options:
  --yes, -auto-approve   apply each plan without asking (for automation; also needed when
                         there is no terminal)
  --plan-only            plan every step and apply nothing
  --dry-run              run the read-only parts (synth, checks, init) and print the
                         terraform commands that would change something, without running them
  --skip-synth           use the stack already in cdktf.out (skip step 1)
  -h, --help             show this help

Terraform arguments accepted (passed to every plan, not to init):
  -var NAME=VALUE, -var-file FILE  (a relative path is taken from your current directory;
                                    every file must exist), -parallelism=N,
                                    -lock-timeout=DURATION, -no-color, -compact-warnings
Anything else is a usage error (exit 2). -target, -chdir, -state and -backend-config are
chosen by the script; TF_CLI_ARGS* holding -var, -var-file or -target are refused.

Only one install.sh or cleanup.sh runs at a time on a checkout (a lock beside cdktf.out
names the run that holds it). SIGINT / SIGTERM stop the current step gracefully, then the
summary and the resume command are printed (exit 130 / 143).

Settings: jupyterhub.config.json (platform set, backend); environment overrides
JUPYTERHUB_CONFIG, JUPYTERHUB_PLATFORM, JUPYTERHUB_BACKEND, JUPYTERHUB_STATE_FILE,
JUPYTERHUB_S3_* (docs/lifecycle.md). TF_VAR_*, AWS_PROFILE / AWS_REGION and the other AWS
settings pass through. The script sets CHECKPOINT_DISABLE=1, DISABLE_VERSION_CHECK=1 and
(unless set) TF_IN_AUTOMATION=1.
EOF
}

# Plans one step; asks to apply the plan when it has changes. $1: a -target, or "" for all.
step_plan_apply() {
  local plan="$LC_STATE/step-$LC_STEP_INDEX.tfplan" rc=0
  local -a target=()
  if [[ -n $1 ]]; then target=("-target=$1"); fi
  if [[ $LC_PHASE == prepare ]]; then
    if ((LC_DRY_RUN)); then
      lc_terraform apply -input=false "${target[@]}" "${LC_TF_ARGS[@]}"
      return 0
    fi
    lc_say "+ $(lc_render terraform "-chdir=$LC_STACK_DIR" plan -input=false -detailed-exitcode "-out=$plan" "${target[@]}" "${LC_TF_ARGS[@]}")"
    terraform "-chdir=$LC_STACK_DIR" plan -input=false -detailed-exitcode "-out=$plan" "${target[@]}" "${LC_TF_ARGS[@]}" || rc=$?
    case $rc in
    0)
      lc_note "no changes"
      lc_say "No changes: nothing to apply in this step."
      ;;
    2)
      if lc_flag --plan-only; then
        lc_note "planned (--plan-only)"
      else
        lc_ask "Apply the plan above (step $LC_STEP_INDEX: ${1:-everything})?"
      fi
      ;;
    *) return "$rc" ;;
    esac
    return 0
  fi
  lc_terraform apply -input=false "$plan"
}

main() {
  lc_parse_args "$@"
  lc_require terraform node npm
  if ! lc_flag --plan-only; then lc_require_confirmation_path "--plan-only to plan without applying"; fi
  lc_check_stack
  lc_lock

  lc_common_steps
  lc_step "Create the VPC (terraform plan and apply -target=module.vpc)" step_plan_apply module.vpc
  lc_step "Create the EKS cluster (terraform plan and apply -target=module.eks)" step_plan_apply module.eks
  lc_step "Create everything else: add-ons, storage, JupyterHub (terraform plan and apply)" step_plan_apply ""
  lc_run_steps

  if ((!LC_DRY_RUN)) && ! lc_flag --plan-only; then
    lc_say ""
    lc_say "JupyterHub is deployed. Point kubectl at the cluster with the command printed by:"
    lc_say "  terraform -chdir=$LC_STACK_DIR output -raw configure_kubectl"
    lc_say "then follow docs/lifecycle.md (verify, log in)."
  fi
}

main "$@"
