# shellcheck shell=bash
# The cluster a lifecycle script works on, and kubectl access to it: read from the Terraform
# state (never guessed from variables), checked against the AWS credentials' account and a
# given --kube-context. Sourced by cleanup.sh and upgrade.sh after lifecycle.sh; they set
# KUBE_CONTEXT, KUBECTL (kubectl with its context or temporary kubeconfig and timeout),
# HAVE_KUBE and HAVE_AWS, and define aws_cli (lib/load-balancers.sh).

# Prints "name region account partition source" from `terraform output -json` on stdin, or
# nothing when the state records no cluster. cluster_arn is ours; a state the blueprint
# wrote has only configure_kubectl ("aws eks --region R update-kubeconfig --name N").
parse_identity() {
  node -e '
    const out = JSON.parse(require("fs").readFileSync(0, "utf8") || "{}");
    const value = (k) => (out[k] && typeof out[k].value === "string" ? out[k].value : "");
    const arn = value("cluster_arn").match(/^arn:([a-z-]+):eks:([a-z0-9-]+):([0-9]{12}):cluster\/([0-9A-Za-z][0-9A-Za-z_-]*)$/);
    if (arn) {
      console.log([arn[4], arn[2], arn[3], arn[1], "output cluster_arn"].join(" "));
    } else {
      const cmd = value("configure_kubectl").match(/--region ([a-z0-9-]+) update-kubeconfig --name ([0-9A-Za-z][0-9A-Za-z_-]*)$/);
      if (cmd) console.log([cmd[2], cmd[1], "-", "-", "output configure_kubectl"].join(" "));
    }
  '
}

# Sets CLUSTER, REGION, ACCOUNT from what read_cluster_from_state recorded; fails when
# nothing was (steps run in subshells: the file is what they share).
load_identity() {
  [[ -s $LC_STATE/identity ]] || return 1
  read -r CLUSTER REGION ACCOUNT _ <"$LC_STATE/identity"
}

# Checks that --kube-context points at the state's cluster: its server is the cluster's
# endpoint (asked from EKS), or its cluster entry is the cluster's ARN (as aws eks
# update-kubeconfig names it).
check_kube_context() {
  local server entry endpoint arn=$1
  server=$(lc_timed kubectl config view --minify --context "$KUBE_CONTEXT" -o 'jsonpath={.clusters[0].cluster.server}') ||
    lc_die "--kube-context $KUBE_CONTEXT: no such context in your kubeconfig."
  entry=$(lc_timed kubectl config view --minify --context "$KUBE_CONTEXT" -o 'jsonpath={.contexts[0].context.cluster}')
  if [[ -n $arn && $entry == "$arn" ]]; then return 0; fi
  if ((HAVE_AWS)); then
    endpoint=$(aws_cli eks describe-cluster --name "$CLUSTER" --output text --query cluster.endpoint) || endpoint=""
    if [[ -n $endpoint && $server == "$endpoint" ]]; then return 0; fi
    lc_die "--kube-context $KUBE_CONTEXT points at $server, not at cluster $CLUSTER in $REGION (${endpoint:-endpoint unknown: the cluster may be gone}). Use the right context, or leave --kube-context out to use a temporary kubeconfig."
  fi
  lc_die "--kube-context $KUBE_CONTEXT cannot be checked against cluster $CLUSTER without the AWS CLI (its cluster entry is '$entry', not the cluster's ARN). Install aws, or leave --kube-context out."
}

# Reads the cluster from the state into LC_STATE/identity (empty when the state records
# none: then it returns 1), checks the credentials' account and --kube-context, and says
# what it found. Sets STATE_RESOURCES to the number of resources in the state.
read_cluster_from_state() {
  local outputs identity account list arn=""
  # Callers test the result (`if ! read_cluster_from_state`), which turns errexit off in
  # here: a failing command must end the step itself, never pass for "no cluster".
  lc_say "+ $(lc_render terraform "-chdir=$LC_STACK_DIR" output -json)"
  outputs=$(terraform "-chdir=$LC_STACK_DIR" output -json) || exit
  identity=$(parse_identity <<<"$outputs") || exit
  lc_say "+ $(lc_render terraform "-chdir=$LC_STACK_DIR" state list)"
  list=$(terraform "-chdir=$LC_STACK_DIR" state list) || exit
  # shellcheck disable=SC2034 # read by the calling script
  STATE_RESOURCES=$(grep -c . <<<"$list" || true)
  if [[ -z $identity ]]; then
    : >"$LC_STATE/identity"
    return 1
  fi
  printf '%s\n' "$identity" >"$LC_STATE/identity" || exit
  load_identity || exit
  [[ $ACCOUNT == - ]] || arn="arn:$(cut -d' ' -f4 <<<"$identity"):eks:$REGION:$ACCOUNT:cluster/$CLUSTER"
  lc_say "Cluster (from the state, $(cut -d' ' -f5- <<<"$identity")): $CLUSTER   Region: $REGION   Account: ${ACCOUNT/-/not recorded}"
  if ((HAVE_AWS)); then
    account=$(aws_cli sts get-caller-identity --output text --query Account) ||
      lc_die "the AWS CLI cannot tell which account your credentials are for (see above); check AWS_PROFILE and log in."
    if [[ $ACCOUNT != - && $account != "$ACCOUNT" ]]; then
      lc_die "your AWS credentials are for account $account, but the state's cluster $CLUSTER is in account $ACCOUNT. Use credentials for $ACCOUNT (AWS_PROFILE) and run again."
    fi
    lc_say "AWS credentials: account $account"
  fi
  if [[ -n $KUBE_CONTEXT ]] && ((HAVE_KUBE)); then check_kube_context "$arn"; fi
}

# ---------------------------------------------------------------------------------------
# Kubernetes access
# ---------------------------------------------------------------------------------------

# KUBECTL: kubectl with the named context, or with the temporary kubeconfig that kube_ready
# makes; every call with the call timeout.
setup_kubectl() {
  if [[ -n $KUBE_CONTEXT ]]; then
    KUBECTL=(kubectl --context "$KUBE_CONTEXT" "--request-timeout=${LC_CALL_TIMEOUT}s")
  else
    KUBECTL=(kubectl --kubeconfig "$LC_STATE/kubeconfig" "--request-timeout=${LC_CALL_TIMEOUT}s")
  fi
}

# kubectl pointed at the cluster (a read runs in a dry run too; a change is printed there).
kube_query() { lc_timed "${KUBECTL[@]}" "$@"; }
kube_change() { lc_change "${KUBECTL[@]}" "$@"; }

# What a script does without the cluster, for the messages of kube_ready (cleanup.sh goes on
# without its Kubernetes steps; upgrade.sh stops).
KUBE_UNAVAILABLE="skipping the Kubernetes steps"

# Succeeds when kubectl can talk to the cluster; decided once per run, and every step that
# needs the cluster asks. When it cannot, the reason is reported once as a warning.
kube_ready() {
  [[ -f $LC_STATE/kube.ok ]] && return 0
  [[ -f $LC_STATE/kube.unavailable ]] && return 1
  if ((!HAVE_KUBE)); then
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  # A temporary kubeconfig changes nothing in the deployment: it is made in a dry run too.
  if [[ -z $KUBE_CONTEXT ]] &&
    ! aws_cli eks update-kubeconfig --name "$CLUSTER" --kubeconfig "$LC_STATE/kubeconfig" >/dev/null; then
    lc_warn "could not get a kubeconfig for cluster $CLUSTER in $REGION (is it already deleted?): $KUBE_UNAVAILABLE."
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  if ! kube_query get --raw=/readyz >/dev/null; then
    lc_warn "kubectl cannot reach cluster $CLUSTER: $KUBE_UNAVAILABLE."
    touch "$LC_STATE/kube.unavailable"
    return 1
  fi
  touch "$LC_STATE/kube.ok"
}
