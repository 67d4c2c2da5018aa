# shellcheck shell=bash
# The AWS side of scripts/cleanup.sh: load balancers, target groups, network interfaces and
# security groups that the AWS Load Balancer Controller made for the cluster (all tagged
# elbv2.k8s.aws/cluster=<cluster>). Terraform does not know them, and while they exist the
# VPC cannot be destroyed. Sourced by cleanup.sh after lifecycle.sh; it reads CLUSTER,
# REGION, LB_TIMEOUT and POLL_INTERVAL, and uses lc_change (changes) and lc_timed (reads).
#
# Every query fails (non-zero) when the AWS CLI fails: an error is never taken for "nothing
# left". Every call has the --call-timeout.

LB_TAG=elbv2.k8s.aws/cluster

# A read-only AWS call (runs in a dry run too) and a change (printed, not run, in a dry run).
aws_cli() { lc_timed aws --region "$REGION" --cli-connect-timeout 10 --cli-read-timeout "$LC_CALL_TIMEOUT" "$@"; }
aws_change() { lc_change aws --region "$REGION" --cli-connect-timeout 10 --cli-read-timeout "$LC_CALL_TIMEOUT" "$@"; }

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
      --filters "Name=description,Values=$(printf '%s\n' "${descriptions[@]}" | paste -s -d ,)" \
      --query 'NetworkInterfaces[].NetworkInterfaceId') || return
    words <<<"$out"
  fi
}

# Polls until no tagged load balancer, target group or their network interfaces remain.
# $1 = 1 when the controller was asked (through Kubernetes) to remove them: it gets
# LB_TIMEOUT seconds. Whatever it has not removed by then, or everything when it was not
# asked, is deleted with the AWS CLI, and the wait goes on for another LB_TIMEOUT seconds
# (checking at least once after the deletion). A dry run checks once, prints the deletions
# a real run would make if the controller left them, and stops there.
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
    if ((${#lbs[@]} + ${#tgs[@]} + ${#enis[@]} == 0)); then
      lc_say "No load balancer, target group or network interface of $CLUSTER is left (check $polls)."
      return 0
    fi
    lc_say "Check $polls: ${#lbs[@]} load balancer(s), ${#tgs[@]} target group(s), ${#enis[@]} network interface(s) of $CLUSTER left."
    if ((LC_DRY_RUN && !direct)); then
      lc_say "A real run waits up to ${LB_TIMEOUT}s for the controller, then deletes what is left with:"
      direct=1
    fi
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
    if ((LC_DRY_RUN)); then return 0; fi
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
# with module.eks, and a later step tries again).
delete_tagged_security_groups() {
  local strict=$1 sg status failed=0 rc=0 out
  local -a sgs
  out=$(list_security_groups) || return
  mapfile -t sgs < <(words <<<"$out")
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
  if ((LC_DRY_RUN)); then
    lc_say "Security groups tagged $LB_TAG=$CLUSTER: ${#sgs[@]} found (dry run: none deleted)."
  else
    lc_say "Security groups tagged $LB_TAG=$CLUSTER: ${#sgs[@]} found, $((${#sgs[@]} - failed)) deleted."
  fi
  if ((strict && failed > 0)); then return "$rc"; fi
}
