#!/usr/bin/env bash
# Tears the JupyterHub on EKS stack down in the blueprint's order: it reads the cluster from
# the Terraform state, first removes what Terraform does not know about (load balancers made
# by the AWS Load Balancer Controller, namespaces stuck in Terminating), then destroys with
# Terraform, module by module and finally in full. Run with --help for usage.
set -euo pipefail

LC_SCRIPT=cleanup.sh
LC_FLAG_OPTIONS=(--skip-kubernetes)
LC_VALUE_OPTIONS=(--lb-timeout --poll-interval --kube-context --call-timeout)

# shellcheck source-path=SCRIPTDIR source=lib/lifecycle.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/lifecycle.sh"
# shellcheck source-path=SCRIPTDIR source=lib/load-balancers.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/load-balancers.sh"
# shellcheck source-path=SCRIPTDIR source=lib/cluster.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/cluster.sh"

DESTROY_TARGETS=(module.eks_data_addons module.eks_blueprints_addons module.eks module.vpc)

lc_usage() {
  cat <<EOF
Usage: scripts/cleanup.sh [options] [-var NAME=VALUE]... [-var-file FILE]...

Destroys JupyterHub on EKS. Steps, in order:
  1. npm run synth
  2. check the settings and inputs (prints the platform set and the state it uses, then
     npm run validate with your -var / -var-file)
  3. terraform init
  4. read the deployment from the Terraform state: the cluster's name, region and account
     (outputs cluster_arn, or configure_kubectl of a state the blueprint wrote), check that
     your AWS credentials are for that account and that --kube-context points at that
     cluster, say what will be destroyed, and ask (type yes)
  5. delete Services of type LoadBalancer (all namespaces) and Ingresses of the AWS Load
     Balancer Controller, then wait until their load balancers, target groups, network
     interfaces and security groups (tag $LB_TAG=<cluster>) are gone; what the
     controller does not remove in time is deleted with the AWS CLI
  6. clear the finalizers of namespaces stuck in Terminating
  7. terraform destroy -target=module.eks_data_addons
  8. terraform destroy -target=module.eks_blueprints_addons
  9. terraform destroy -target=module.eks
 10. delete security groups still tagged $LB_TAG=<cluster>
 11. terraform destroy -target=module.vpc
 12. terraform destroy                (full, no -target: everything that is left)
The cluster is never guessed: it comes from the state. When the state records none (nothing
deployed), steps 5, 6 and 10 are skipped. When the cluster cannot be reached (or is already
gone), the Kubernetes parts are skipped with a warning and the rest goes on. Every step is
safe to repeat: after a failure or Ctrl-C, fix the cause and run the same command again.

Options:
  --yes, -auto-approve     destroy without asking (for automation; also needed when there
                           is no terminal)
  --dry-run                run the read-only parts (synth, checks, init, reading the state,
                           listing with kubectl and aws) and print every command that would
                           delete something, without running it
  --skip-synth             use the stack already in cdktf.out (skip step 1)
  --skip-kubernetes        do not use kubectl (e.g. your identity may not list Services in
                           every namespace); load balancers are then deleted with the AWS CLI
  --kube-context NAME      use this context of your kubeconfig; it must point at the cluster
                           of the state (default: \$JH_KUBE_CONTEXT; if unset, a temporary
                           kubeconfig is made with aws eks update-kubeconfig, yours is left
                           untouched)
  --lb-timeout SECONDS     how long to wait for the load balancer resources to go, and
                           again after deleting leftovers directly
                           (default: \$JH_LB_TIMEOUT or 600)
  --poll-interval SECONDS  pause between two checks (default: \$JH_POLL_INTERVAL or 10)
  --call-timeout SECONDS   limit of every single kubectl and aws call
                           (default: \$JH_CALL_TIMEOUT or 60)
  -h, --help               show this help

Terraform arguments accepted (passed to every destroy, not to init):
  -var NAME=VALUE, -var-file FILE  (a relative path is taken from your current directory;
                                    every file must exist), -parallelism=N,
                                    -lock-timeout=DURATION, -no-color, -compact-warnings
Anything else is a usage error (exit 2). TF_CLI_ARGS* holding -var, -var-file or -target
are refused.

Only one install.sh or cleanup.sh runs at a time on a checkout. SIGINT / SIGTERM stop the
current step gracefully, then the summary and the resume command are printed (exit 130 / 143).

Tools: terraform, node and npm are required. kubectl and jq are needed for the Kubernetes
steps, aws (AWS CLI v2) for the account check, the load balancer clean-up and the temporary
kubeconfig; a missing one is reported and the parts that need it are skipped.

Settings: jupyterhub.config.json and its environment overrides (docs/lifecycle.md);
JH_LB_TIMEOUT, JH_POLL_INTERVAL, JH_KUBE_CONTEXT, JH_CALL_TIMEOUT (see above); TF_VAR_*,
AWS_PROFILE and the other AWS CLI settings pass through.
EOF
}

# ---------------------------------------------------------------------------------------
# Settings and tool checks
# ---------------------------------------------------------------------------------------

load_settings() {
  LB_TIMEOUT=$(lc_option --lb-timeout JH_LB_TIMEOUT 600)
  POLL_INTERVAL=$(lc_option --poll-interval JH_POLL_INTERVAL 10)
  KUBE_CONTEXT=$(lc_option --kube-context JH_KUBE_CONTEXT "")
  [[ $LB_TIMEOUT =~ ^[0-9]+$ ]] || lc_die "--lb-timeout / JH_LB_TIMEOUT must be a number of seconds, got '$LB_TIMEOUT'"
  [[ $POLL_INTERVAL =~ ^[0-9]+$ ]] || lc_die "--poll-interval / JH_POLL_INTERVAL must be a number of seconds, got '$POLL_INTERVAL'"
  setup_kubectl
}

HAVE_KUBE=1 # kubectl and jq, and a way to point kubectl at the cluster
HAVE_AWS=1
K8S_PARTS="deleting LoadBalancer Services and ALB Ingresses, clearing namespaces stuck in Terminating"
KUBE_UNAVAILABLE="skipping the Kubernetes steps ($K8S_PARTS)"

check_tools() {
  if lc_flag --skip-kubernetes; then
    HAVE_KUBE=0
    lc_warn "--skip-kubernetes: not using kubectl ($K8S_PARTS is skipped; load balancers are deleted with the AWS CLI)."
  elif ! lc_have kubectl; then
    HAVE_KUBE=0
    lc_warn "kubectl not found: skipping the Kubernetes steps ($K8S_PARTS)."
  elif ! lc_have jq; then
    HAVE_KUBE=0
    lc_warn "jq not found: skipping the Kubernetes steps ($K8S_PARTS), which read kubectl's JSON with jq."
  fi
  if ! lc_have aws; then
    HAVE_AWS=0
    lc_warn "aws (AWS CLI) not found: the account is not checked, and the wait for load balancers, target groups, network interfaces and security groups tagged $LB_TAG=<cluster> and the deletion of leftovers are skipped; the VPC destroy may fail if any are left."
    if [[ -z $KUBE_CONTEXT ]] && ((HAVE_KUBE)); then
      HAVE_KUBE=0
      lc_warn "aws (AWS CLI) not found and no --kube-context given: no kubeconfig can be made for the cluster, so the Kubernetes steps ($K8S_PARTS) are skipped too."
    fi
  fi
}

# ---------------------------------------------------------------------------------------
# The deployment, read from the Terraform state (lib/cluster.sh)
# ---------------------------------------------------------------------------------------

step_identify() {
  if [[ $LC_PHASE == apply ]]; then return 0; fi # the yes was the whole point of phase 2
  if ! read_cluster_from_state; then
    lc_warn "the state records no EKS cluster (no cluster_arn or configure_kubectl output): nothing was deployed, or it was never applied in full. The load balancer and Kubernetes steps are skipped; terraform destroy still removes the ${STATE_RESOURCES} resource(s) the state holds."
    lc_note "no cluster in the state; $STATE_RESOURCES resource(s)"
    if ((STATE_RESOURCES > 0 && !LC_DRY_RUN)); then lc_ask "Destroy the $STATE_RESOURCES resource(s) in $(lc_setting description)? Type yes to go ahead."; fi
    return 0
  fi
  lc_note "$CLUSTER in $REGION; $STATE_RESOURCES resource(s)"
  lc_say "This run destroys the $STATE_RESOURCES resource(s) in $(lc_setting description), including cluster $CLUSTER and its VPC, and deletes the load balancers tagged $LB_TAG=$CLUSTER in $REGION."
  if ((!LC_DRY_RUN)); then lc_ask "Destroy cluster $CLUSTER in $REGION and everything in its state?"; fi
}

# ---------------------------------------------------------------------------------------
# Kubernetes: load-balanced Services and Ingresses
# ---------------------------------------------------------------------------------------

# A listing the cluster refused (e.g. RBAC) ends the step with the way out.
kube_list_failed() { # <exit status> <what>
  local rc=$1
  shift
  lc_error "kubectl could not list $1 in cluster $CLUSTER (see above). If your identity may not list them, run again with --skip-kubernetes: load balancers are then deleted with the AWS CLI."
  return "$rc"
}

# Services of type LoadBalancer in every namespace, as "namespace name" lines.
list_lb_services() {
  local json
  json=$(kube_query get services --all-namespaces -o json) || kube_list_failed $? "Services" || return
  jq -r '.items[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace) \(.metadata.name)"' <<<"$json"
}

# Ingresses handled by the AWS Load Balancer Controller: their class (field or legacy
# annotation) is "alb" or an IngressClass whose controller is ingress.k8s.aws/alb.
list_alb_ingresses() {
  local classes json
  json=$(kube_query get ingressclasses -o json) || kube_list_failed $? "IngressClasses" || return
  classes=$(jq -c '[.items[] | select(.spec.controller == "ingress.k8s.aws/alb") | .metadata.name] + ["alb"]' <<<"$json")
  json=$(kube_query get ingresses --all-namespaces -o json) || kube_list_failed $? "Ingresses" || return
  jq -r --argjson classes "$classes" '.items[]
      | select((.spec.ingressClassName // .metadata.annotations["kubernetes.io/ingress.class"] // "") as $c
               | $classes | any(. == $c))
      | "\(.metadata.namespace) \(.metadata.name)"' <<<"$json"
}

delete_k8s_load_balancers() {
  local ns name services ingresses count=0
  services=$(list_lb_services) || return
  ingresses=$(list_alb_ingresses) || return
  while read -r ns name; do
    [[ -n $ns ]] || continue
    kube_change delete service --namespace "$ns" "$name" --ignore-not-found --wait=false
    count=$((count + 1))
  done <<<"$services"
  while read -r ns name; do
    [[ -n $ns ]] || continue
    kube_change delete ingress --namespace "$ns" "$name" --ignore-not-found --wait=false
    count=$((count + 1))
  done <<<"$ingresses"
  if ((LC_DRY_RUN)); then
    lc_say "Found $count load-balanced Service(s)/Ingress(es) (dry run: none deleted)."
  else
    lc_say "Asked Kubernetes to delete $count load-balanced Service(s)/Ingress(es)."
  fi
}

# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------

step_remove_load_balancers() {
  local controller=0 out
  local -a lbs
  if ! load_identity; then
    lc_skip "no cluster in the state"
    return 0
  fi
  if ((HAVE_AWS)); then
    # Remember the load balancers before they go, to wait for their network interfaces.
    out=$(list_load_balancers)
    mapfile -t lbs < <(words <<<"$out")
    remember_load_balancers "${lbs[@]}"
  fi
  if kube_ready; then
    delete_k8s_load_balancers
    controller=1
  else
    lc_note "Kubernetes part skipped"
  fi
  if ((!HAVE_AWS)); then
    if ((controller)); then lc_note "AWS part skipped: aws not found"; else lc_skip "aws not found and cluster not reachable"; fi
    return 0
  fi
  wait_for_load_balancer_resources "$controller"
  delete_tagged_security_groups 0
}

step_clear_terminating_namespaces() {
  local ns names json count=0
  if ! load_identity; then
    lc_skip "no cluster in the state"
    return 0
  fi
  if ! kube_ready; then
    lc_skip "cluster not reachable, --skip-kubernetes, or kubectl/jq/aws missing"
    return 0
  fi
  json=$(kube_query get namespaces --field-selector=status.phase=Terminating -o json) || kube_list_failed $? "namespaces" || return
  names=$(jq -r '.items[].metadata.name' <<<"$json")
  while read -r ns; do
    [[ -n $ns ]] || continue
    lc_say "Namespace $ns is stuck in Terminating: clearing its finalizers."
    if json=$(kube_query get namespace "$ns" -o json | jq '.spec.finalizers = []') &&
      kube_change replace --raw "/api/v1/namespaces/$ns/finalize" -f - <<<"$json" >/dev/null; then
      count=$((count + 1))
    else
      lc_warn "could not clear the finalizers of namespace $ns; re-run cleanup.sh later."
    fi
  done <<<"$names"
  if ((LC_DRY_RUN)); then
    lc_say "Namespaces stuck in Terminating: $count (dry run: none cleared)."
  else
    lc_say "Namespaces stuck in Terminating cleared: $count."
  fi
}

step_destroy_target() { lc_terraform destroy -input=false -auto-approve "-target=$1" "${LC_TF_ARGS[@]}"; }

step_delete_security_groups() {
  if ! load_identity; then
    lc_skip "no cluster in the state"
    return 0
  fi
  if ((!HAVE_AWS)); then
    lc_skip "aws not found"
    return 0
  fi
  delete_tagged_security_groups 1
}

# The full destroy: no -target, so whatever the targeted destroys did not reach goes too.
step_destroy_all() { lc_terraform destroy -input=false -auto-approve "${LC_TF_ARGS[@]}"; }

main() {
  lc_parse_args "$@"
  load_settings
  lc_require terraform node npm timeout
  lc_require_confirmation_path ""
  lc_check_stack
  check_tools
  lc_lock

  lc_common_steps
  lc_step "Read the cluster from the Terraform state, check the account, confirm" step_identify
  lc_step "Delete Kubernetes load balancers and wait for their AWS resources to go" step_remove_load_balancers
  lc_step "Clear namespaces stuck in Terminating" step_clear_terminating_namespaces
  lc_step "Destroy module.eks_data_addons (terraform destroy -target)" step_destroy_target "${DESTROY_TARGETS[0]}"
  lc_step "Destroy module.eks_blueprints_addons (terraform destroy -target)" step_destroy_target "${DESTROY_TARGETS[1]}"
  lc_step "Destroy module.eks (terraform destroy -target)" step_destroy_target "${DESTROY_TARGETS[2]}"
  lc_step "Delete leftover load balancer security groups" step_delete_security_groups
  lc_step "Destroy module.vpc (terraform destroy -target)" step_destroy_target "${DESTROY_TARGETS[3]}"
  lc_step "Destroy everything that is left (terraform destroy, no -target)" step_destroy_all
  lc_run_steps

  if ((!LC_DRY_RUN)); then
    lc_say ""
    if load_identity; then
      lc_say "Cleanup complete: the stack of $CLUSTER in $REGION is destroyed."
    else
      lc_say "Cleanup complete: the stack's state is empty."
    fi
  fi
}

main "$@"
