#!/usr/bin/env bash
# Tears the JupyterHub on EKS stack down in the blueprint's order, first removing what
# Terraform does not know about (load balancers made by the AWS Load Balancer Controller,
# namespaces stuck in Terminating), then a real full destroy. Run with --help for usage.
set -euo pipefail

LC_SCRIPT=cleanup.sh
LC_VALUE_OPTIONS=(--lb-timeout --poll-interval --kube-context)

# shellcheck source-path=SCRIPTDIR source=lib/lifecycle.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/lifecycle.sh"

LB_TAG=elbv2.k8s.aws/cluster
DESTROY_TARGETS=(module.eks_data_addons module.eks_blueprints_addons module.eks module.vpc)

lc_usage() {
  cat <<EOF
Usage: scripts/cleanup.sh [options] [terraform arguments...]

Destroys JupyterHub on EKS. Steps, in order:
  1. npm run synth
  2. terraform init
  3. delete Services of type LoadBalancer (all namespaces) and Ingresses of the AWS Load
     Balancer Controller, then wait until their load balancers, target groups, network
     interfaces and security groups (tag $LB_TAG=<cluster>) are gone; what the
     controller does not remove in time is deleted with the AWS CLI
  4. clear the finalizers of namespaces stuck in Terminating
  5. terraform destroy -target=module.eks_data_addons
  6. terraform destroy -target=module.eks_blueprints_addons
  7. terraform destroy -target=module.eks
  8. delete security groups still tagged $LB_TAG=<cluster>
  9. terraform destroy -target=module.vpc
 10. terraform destroy                (full, no -target: everything that is left)
Terraform runs with -input=false -auto-approve; nothing is asked and no terminal is
needed. Every step is safe to repeat: after a failure, fix the cause and run the same
command again. When the cluster cannot be reached (or is already gone), the Kubernetes
parts are skipped with a warning and the rest goes on.

Options:
  --skip-synth             use the stack already in cdktf.out (skip step 1)
  --dry-run                print the exact commands and run none (no synth either)
  --lb-timeout SECONDS     how long to wait for the load balancer resources to go, and
                           again after deleting leftovers directly
                           (default: \$JH_LB_TIMEOUT or 600)
  --poll-interval SECONDS  pause between two checks (default: \$JH_POLL_INTERVAL or 10)
  --kube-context NAME      use this context of your kubeconfig (default: \$JH_KUBE_CONTEXT;
                           if unset, a temporary kubeconfig is made with
                           aws eks update-kubeconfig and yours is left untouched)
  -h, --help               show this help
  --                       pass every later argument to terraform

Every other argument goes unchanged to each terraform destroy (not to init), e.g.
  scripts/cleanup.sh -var-file=prod.tfvars -var region=eu-west-1
A relative -var-file path is taken relative to your current directory. The cluster name
and region come from the same place Terraform takes them: -var name=... / -var
region=... or a -var-file (the later wins), else TF_VAR_name / TF_VAR_region, else the
defaults jupyterhub-on-eks / us-west-2.

Tools: terraform (and npm for the synth) are required. kubectl and jq are needed for the
Kubernetes steps, aws (AWS CLI v2) for the load balancer clean-up and the temporary
kubeconfig; a missing one is reported and the parts that need it are skipped.

Environment: JUPYTERHUB_PLATFORM (current, the default, or blueprint: docs/versions.md); JH_LB_TIMEOUT, JH_POLL_INTERVAL, JH_KUBE_CONTEXT (see above); TF_VAR_*,
AWS_PROFILE and the other AWS CLI settings, TF_CLI_ARGS* and TF_LOG pass through.
EOF
}

# ---------------------------------------------------------------------------------------
# Settings and tool checks
# ---------------------------------------------------------------------------------------

load_settings() {
  CLUSTER=$(lc_tf_var name jupyterhub-on-eks)
  REGION=$(lc_tf_var region us-west-2)
  LB_TIMEOUT=$(lc_option --lb-timeout JH_LB_TIMEOUT 600)
  POLL_INTERVAL=$(lc_option --poll-interval JH_POLL_INTERVAL 10)
  KUBE_CONTEXT=$(lc_option --kube-context JH_KUBE_CONTEXT "")
  if [[ -n $KUBE_CONTEXT ]]; then
    KUBECTL=(kubectl --context "$KUBE_CONTEXT")
  else
    KUBECTL=(kubectl --kubeconfig "$LC_STATE/kubeconfig")
  fi
  # Both names end up inside AWS CLI filters and queries: accept only what AWS accepts.
  [[ $CLUSTER =~ ^[0-9A-Za-z][0-9A-Za-z_-]*$ ]] || lc_die "invalid cluster name (variable name): '$CLUSTER'"
  [[ $REGION =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || lc_die "invalid region (variable region): '$REGION'"
  [[ $LB_TIMEOUT =~ ^[0-9]+$ ]] || lc_die "--lb-timeout / JH_LB_TIMEOUT must be a number of seconds, got '$LB_TIMEOUT'"
  [[ $POLL_INTERVAL =~ ^[0-9]+$ ]] || lc_die "--poll-interval / JH_POLL_INTERVAL must be a number of seconds, got '$POLL_INTERVAL'"
  lc_say "Cluster: $CLUSTER   Region: $REGION"
}

HAVE_KUBE=1 # kubectl and jq, and a way to point kubectl at the cluster
HAVE_AWS=1

check_tools() {
  local k8s_parts="deleting LoadBalancer Services and ALB Ingresses, clearing namespaces stuck in Terminating"
  if ! lc_have kubectl; then
    HAVE_KUBE=0
    lc_warn "kubectl not found: skipping the Kubernetes steps ($k8s_parts)."
  fi
  if ! lc_have jq; then
    HAVE_KUBE=0
    lc_warn "jq not found: skipping the Kubernetes steps ($k8s_parts), which read kubectl's JSON with jq."
  fi
  if ! lc_have aws; then
    HAVE_AWS=0
    lc_warn "aws (AWS CLI) not found: skipping the wait for load balancers, target groups, network interfaces and security groups tagged $LB_TAG=$CLUSTER, and the deletion of leftovers; the VPC destroy may fail if any are left."
    if [[ -z $KUBE_CONTEXT ]] && ((HAVE_KUBE)); then
      HAVE_KUBE=0
      lc_warn "aws (AWS CLI) not found and no --kube-context given: no kubeconfig can be made for the cluster, so the Kubernetes steps ($k8s_parts) are skipped too."
    fi
  fi
}

aws_cli() { lc_query aws --region "$REGION" "$@"; }
aws_change() { lc_run aws --region "$REGION" "$@"; }

# ---------------------------------------------------------------------------------------
# Kubernetes access
# ---------------------------------------------------------------------------------------

# kubectl pointed at the cluster: KUBECTL is set by load_settings.
kube_query() { lc_query "${KUBECTL[@]}" "$@"; }
kube_change() { lc_run "${KUBECTL[@]}" "$@"; }

# Succeeds when kubectl can talk to the cluster; decided once per run, and every step that
# needs the cluster asks. When it cannot, the reason is reported once as a warning.
kube_ready() {
  [[ -f $LC_STATE/kube.ok ]] && return 0
  [[ -f $LC_STATE/kube.unavailable ]] && return 1
  if ((!HAVE_KUBE)); then
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  if [[ -z $KUBE_CONTEXT ]] &&
    ! aws_change eks update-kubeconfig --name "$CLUSTER" --kubeconfig "$LC_STATE/kubeconfig" >/dev/null; then
    lc_warn "could not get a kubeconfig for cluster $CLUSTER in $REGION (is it already deleted?): skipping the Kubernetes steps."
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  if ! kube_query --request-timeout=20s get --raw=/readyz >/dev/null; then
    lc_warn "kubectl cannot reach cluster $CLUSTER: skipping the Kubernetes steps (deleting LoadBalancer Services and ALB Ingresses, clearing namespaces stuck in Terminating)."
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  touch "$LC_STATE/kube.ok"
}

# Services of type LoadBalancer in every namespace, as "namespace name" lines.
list_lb_services() {
  kube_query get services --all-namespaces -o json |
    jq -r '.items[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace) \(.metadata.name)"'
}

# Ingresses handled by the AWS Load Balancer Controller: their class (field or legacy
# annotation) is "alb" or an IngressClass whose controller is ingress.k8s.aws/alb.
list_alb_ingresses() {
  local classes
  classes=$(kube_query get ingressclasses -o json |
    jq -c '[.items[] | select(.spec.controller == "ingress.k8s.aws/alb") | .metadata.name] + ["alb"]') || return
  kube_query get ingresses --all-namespaces -o json |
    jq -r --argjson classes "${classes:-[\"alb\"]}" '.items[]
      | select((.spec.ingressClassName // .metadata.annotations["kubernetes.io/ingress.class"] // "") as $c
               | $classes | any(. == $c))
      | "\(.metadata.namespace) \(.metadata.name)"'
}

delete_k8s_load_balancers() {
  local ns name services ingresses count=0
  services=$(list_lb_services) || return
  ingresses=$(list_alb_ingresses) || return
  if ((LC_DRY_RUN)); then
    lc_say "  then, for each Service of type LoadBalancer and each ALB Ingress listed:"
    lc_say "+ $(lc_render "${KUBECTL[@]}" delete service --namespace) <namespace> <name> --ignore-not-found --wait=false"
    lc_say "+ $(lc_render "${KUBECTL[@]}" delete ingress --namespace) <namespace> <name> --ignore-not-found --wait=false"
    return 0
  fi
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
  lc_say "Asked Kubernetes to delete $count load-balanced Service(s)/Ingress(es)."
}

# ---------------------------------------------------------------------------------------
# AWS resources made by the load balancer controller (all tagged $LB_TAG=$CLUSTER)
# ---------------------------------------------------------------------------------------

# Cleans AWS CLI text output into one word per line ("None" is an empty answer).
words() { tr -s '[:space:]' '\n' | grep -v -x -e '' -e None || true; }

# Prints the ARNs among "$@" that carry the cluster tag (describe-tags takes 20 at a time).
tagged_arns() {
  local -a arns=("$@")
  local i out
  for ((i = 0; i < ${#arns[@]}; i += 20)); do
    out=$(aws_cli elbv2 describe-tags --resource-arns "${arns[@]:i:20}" --output text \
      --query "TagDescriptions[?Tags[?Key=='$LB_TAG' && Value=='$CLUSTER']].ResourceArn") || return
    words <<<"$out"
  done
}

# Every query below fails (non-zero) when the AWS CLI fails: an error is never taken for
# "nothing left".
list_tagged_elbv2() { # <describe command> <query for the ARNs>
  local out
  local -a all
  out=$(aws_cli elbv2 "$1" --output text --query "$2") || return
  mapfile -t all < <(words <<<"$out")
  if ((${#all[@]} > 0)); then tagged_arns "${all[@]}"; fi
}
list_load_balancers() { list_tagged_elbv2 describe-load-balancers 'LoadBalancers[].LoadBalancerArn'; }
list_target_groups() { list_tagged_elbv2 describe-target-groups 'TargetGroups[].TargetGroupArn'; }

list_security_groups() {
  local out
  out=$(aws_cli ec2 describe-security-groups --output text --filters "Name=tag:$LB_TAG,Values=$CLUSTER" \
    --query 'SecurityGroups[].GroupId') || return
  words <<<"$out"
}

# A load balancer's network interfaces are described "ELB <type>/<name>/<id>", the tail
# of its ARN. The descriptions of every load balancer seen in this run are kept, because
# the interfaces outlive the load balancer by minutes.
remember_load_balancers() {
  local arn
  for arn in "$@"; do
    printf 'ELB %s\n' "${arn#*:loadbalancer/}" >>"$LC_STATE/lb-descriptions"
  done
}

list_network_interfaces() {
  local groups out
  local -a descriptions=()
  groups=$(list_security_groups) || return
  if [[ -n $groups ]]; then
    out=$(aws_cli ec2 describe-network-interfaces --output text \
      --filters "Name=group-id,Values=$(paste -s -d , <<<"$groups")" \
      --query 'NetworkInterfaces[].NetworkInterfaceId') || return
    words <<<"$out"
  fi
  if [[ -f $LC_STATE/lb-descriptions ]]; then mapfile -t descriptions < <(sort -u "$LC_STATE/lb-descriptions"); fi
  if ((${#descriptions[@]} > 0)); then
    out=$(aws_cli ec2 describe-network-interfaces --output text \
      --filters "Name=description,Values=$(IFS=,; printf '%s' "${descriptions[*]}")" \
      --query 'NetworkInterfaces[].NetworkInterfaceId') || return
    words <<<"$out"
  fi
}

# Polls until no tagged load balancer, target group or their network interfaces remain.
# $1 = 1 when the controller was asked (through Kubernetes) to remove them: it gets
# LB_TIMEOUT seconds. Whatever it has not removed by then, or everything when it was not
# asked, is deleted with the AWS CLI, and the wait goes on for another LB_TIMEOUT seconds
# (checking at least once after the deletion).
wait_for_load_balancer_resources() {
  local controller=$1 direct deadline polls=0 first_direct=0 arn out
  local -a lbs tgs enis
  direct=$((controller ? 0 : 1))
  deadline=$((SECONDS + LB_TIMEOUT))
  while :; do
    polls=$((polls + 1))
    out=$(list_load_balancers) || return
    mapfile -t lbs < <(words <<<"$out")
    remember_load_balancers "${lbs[@]}"
    out=$(list_target_groups) || return
    mapfile -t tgs < <(words <<<"$out")
    out=$(list_network_interfaces) || return
    mapfile -t enis < <(words <<<"$out" | sort -u)
    if ((LC_DRY_RUN)); then
      lc_say "  (with the tagged security groups, and the load balancers seen, the network interfaces are listed:"
      lc_say "   aws --region $REGION ec2 describe-network-interfaces --filters Name=group-id,Values=<ids> / Name=description,Values='ELB <type>/<name>/<id>')"
      lc_say "  repeated every ${POLL_INTERVAL}s until none is left; after ${LB_TIMEOUT}s (at once if Kubernetes was not asked) the rest is deleted with:"
      lc_say "+ aws --region $REGION elbv2 delete-load-balancer --load-balancer-arn <arn>"
      lc_say "+ aws --region $REGION elbv2 delete-target-group --target-group-arn <arn>"
      return 0
    fi
    if ((${#lbs[@]} + ${#tgs[@]} + ${#enis[@]} == 0)); then
      lc_say "No load balancer, target group or network interface of $CLUSTER is left (check $polls)."
      return 0
    fi
    lc_say "Check $polls: ${#lbs[@]} load balancer(s), ${#tgs[@]} target group(s), ${#enis[@]} network interface(s) of $CLUSTER left."
    if ((!direct && SECONDS >= deadline && ${#lbs[@]} + ${#tgs[@]} > 0)); then
      lc_warn "the AWS Load Balancer Controller did not remove the load balancers of $CLUSTER within ${LB_TIMEOUT}s: deleting them with the AWS CLI."
      direct=1
      deadline=$((SECONDS + LB_TIMEOUT))
    fi
    if ((direct)); then
      if ((first_direct == 0)); then
        first_direct=$polls
        if ((!controller)); then
          lc_warn "load balancers of $CLUSTER were left and Kubernetes could not be asked to remove them: deleting them with the AWS CLI."
        fi
      fi
      # Deleting is idempotent; a target group still in use is retried at the next check.
      for arn in "${lbs[@]}"; do aws_change elbv2 delete-load-balancer --load-balancer-arn "$arn" || true; done
      for arn in "${tgs[@]}"; do aws_change elbv2 delete-target-group --target-group-arn "$arn" || true; done
    fi
    if ((SECONDS >= deadline && polls > first_direct)); then
      lc_error "still present after waiting ${LB_TIMEOUT}s: $(printf '%s ' "${lbs[@]}" "${tgs[@]}" "${enis[@]}")"
      lc_error "Raise --lb-timeout and re-run, or delete them in the AWS console."
      return 1
    fi
    sleep "$POLL_INTERVAL"
  done
}

# Deletes the security groups still tagged for the cluster. $1 = strict: fail when one
# cannot be deleted (else warn: a node security group may still refer to it, which goes
# with module.eks, and step 8 tries again).
delete_tagged_security_groups() {
  local strict=$1 sg status failed=0 rc=0 out
  local -a sgs
  out=$(list_security_groups) || return
  mapfile -t sgs < <(words <<<"$out")
  if ((LC_DRY_RUN)); then
    lc_say "  then, for each security group listed:"
    lc_say "+ aws --region $REGION ec2 delete-security-group --group-id <id>"
    return 0
  fi
  for sg in "${sgs[@]}"; do
    status=0
    aws_change ec2 delete-security-group --group-id "$sg" || status=$?
    if ((status != 0)); then
      failed=$((failed + 1))
      rc=$status
      if ((strict)); then
        lc_error "could not delete security group $sg (tag $LB_TAG=$CLUSTER); the VPC cannot be destroyed while it exists."
      else
        lc_warn "could not delete security group $sg yet; it is tried again after module.eks is destroyed."
      fi
    fi
  done
  lc_say "Security groups tagged $LB_TAG=$CLUSTER: ${#sgs[@]} found, $((${#sgs[@]} - failed)) deleted."
  if ((strict && failed > 0)); then return "$rc"; fi
}

# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------

step_remove_load_balancers() {
  local controller=0 out
  local -a lbs
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
  local ns names count=0
  if ! kube_ready; then
    lc_skip "cluster not reachable or kubectl/jq/aws missing"
    return 0
  fi
  names=$(kube_query get namespaces --field-selector=status.phase=Terminating -o json |
    jq -r '.items[].metadata.name')
  if ((LC_DRY_RUN)); then
    lc_say "  then, for each namespace listed:"
    lc_say "+ $(lc_render "${KUBECTL[@]}" get namespace) <namespace> -o json | jq '.spec.finalizers = []' | $(lc_render "${KUBECTL[@]}" replace --raw) /api/v1/namespaces/<namespace>/finalize -f -"
    return 0
  fi
  while read -r ns; do
    [[ -n $ns ]] || continue
    lc_say "Namespace $ns is stuck in Terminating: clearing its finalizers."
    lc_say "+ $(lc_render "${KUBECTL[@]}" get namespace "$ns" -o json) | jq '.spec.finalizers = []' | $(lc_render "${KUBECTL[@]}" replace --raw "/api/v1/namespaces/$ns/finalize" -f -)"
    if "${KUBECTL[@]}" get namespace "$ns" -o json | jq '.spec.finalizers = []' |
      "${KUBECTL[@]}" replace --raw "/api/v1/namespaces/$ns/finalize" -f - >/dev/null; then
      count=$((count + 1))
    else
      lc_warn "could not clear the finalizers of namespace $ns; re-run cleanup.sh later."
    fi
  done <<<"$names"
  lc_say "Namespaces stuck in Terminating cleared: $count."
}

step_destroy_target() { lc_terraform destroy -input=false -auto-approve "-target=$1" "${LC_TF_ARGS[@]}"; }

step_delete_security_groups() {
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
  lc_require terraform
  if ((!LC_SKIP_SYNTH)); then lc_require npm; fi
  lc_check_stack
  check_tools

  lc_common_steps
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
    lc_say "Cleanup complete: the stack of $CLUSTER in $REGION is destroyed."
  fi
}

main "$@"
