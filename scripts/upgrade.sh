#!/usr/bin/env bash
# Takes a deployment from the `blueprint` platform set to `current` one checked stage at a
# time: Karpenter's documented v1 migration, Amazon Linux 2023 everywhere, the current
# versions, then the control plane one minor version at a time. Each run does the next
# stage only. Run with --help for usage; docs/upgrading.md explains every stage.
set -euo pipefail

LC_SCRIPT=upgrade.sh
LC_FLAG_OPTIONS=(--plan-only --wait-for-idle)
LC_VALUE_OPTIONS=(--stage --kube-context --call-timeout --idle-timeout --rollout-timeout --poll-interval)

# shellcheck source-path=SCRIPTDIR source=lib/lifecycle.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/lifecycle.sh"
# shellcheck source-path=SCRIPTDIR source=lib/load-balancers.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/load-balancers.sh"
# shellcheck source-path=SCRIPTDIR source=lib/cluster.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/cluster.sh"

KUBE_UNAVAILABLE="the upgrade reads the live cluster before every stage and cannot go on"
KARPENTER_CRDS=(nodepools.karpenter.sh nodeclaims.karpenter.sh ec2nodeclasses.karpenter.k8s.aws)
NOTEBOOK_SELECTOR=component=singleuser-server

lc_usage() {
  cat <<EOF
Usage: scripts/upgrade.sh [options] [-var NAME=VALUE]... [-var-file FILE]...

Moves a deployment from the "blueprint" platform set to "current" one stage per run
(docs/upgrading.md). The stages, in order:
  1. upgrade-1  Karpenter 0.37 latest patch, its CRDs in the karpenter-crd release
  2. upgrade-2  Karpenter 1.0 (v1 APIs; v1beta1 still served through the conversion webhook)
  3. upgrade-3  Amazon Linux 2023 everywhere: v1 NodePools and EC2NodeClasses, the core
                node group (replaced), the NVIDIA device plugin
  4. upgrade-4  Karpenter at the current version
  5. current    the rest of the current platform set
  then the control plane one minor version at a time up to the current default, the core
  node group and the managed add-ons following in the same apply.
The exact versions come from versions.ts, through npm run synth.

Steps of a run:
  1. npm run synth (as jupyterhub.config.json says) and find the next stage
  2. npm run synth for that stage (JUPYTERHUB_PLATFORM=<stage>)
  3. terraform init
  4. read the cluster from the Terraform state, check the AWS account and --kube-context;
     read the live cluster (control plane, Karpenter and its CRDs, node classes, nodes,
     JupyterHub, notebook pods) and refuse a stage that does not follow from it; stage 3
     lists the notebooks on nodes that will be replaced and, with --wait-for-idle, waits
     until none runs; stage 4 checks that every Karpenter object is stored as v1
  5. check the settings and inputs (npm run validate, with the plan's eks_cluster_version)
  6. plan, show the plan, ask, apply (stage 1 first hands the CRDs to the karpenter-crd
     release: the labels and annotations Helm needs)
  7. wait until the live cluster shows the stage (bounded by --rollout-timeout)
  8. record the stage in jupyterhub.config.json ("platform"): commit that file
Run it again for the next stage; it says which one that is.

Options:
  --yes, -auto-approve     apply without asking (needed when there is no terminal)
  --plan-only              plan the next stage, apply nothing
  --dry-run                read for real, print every change instead of making it
  --stage NAME             the stage you expect to run (upgrade-1 ... current, or
                           control-plane-1.NN); refused when it is not the next one
  --wait-for-idle          before stage 2, wait until no notebook runs on nodes Karpenter 1.0
                           expires at once; before stage 3, until no notebook runs at all
  --idle-timeout SECONDS   bound of that wait (default: \$JH_IDLE_TIMEOUT or 3600)
  --rollout-timeout SECONDS  bound of the wait in step 8 (default: \$JH_ROLLOUT_TIMEOUT or 1800)
  --poll-interval SECONDS  pause between two checks of a wait (default: \$JH_POLL_INTERVAL or 10)
  --kube-context NAME      use this kubeconfig context (checked against the state's cluster);
                           default: a temporary kubeconfig from aws eks update-kubeconfig
  --call-timeout SECONDS   limit of every single kubectl and aws call (default: \$JH_CALL_TIMEOUT or 60)
  -h, --help               show this help

Terraform arguments accepted (passed to the plan): -var NAME=VALUE, -var-file FILE,
-parallelism=N, -lock-timeout=DURATION, -no-color, -compact-warnings. The script adds
-var eks_cluster_version=<version> last: the live version, or the next minor in a control
plane stage. Anything else is a usage error (exit 2).

Requires terraform, node, npm, kubectl, jq and the AWS CLI (or --kube-context).
One lifecycle script runs at a time per checkout; SIGINT / SIGTERM stop the current step
gracefully, print the summary and exit 130 / 143.
EOF
}

# ---------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------

load_settings() {
  KUBE_CONTEXT=$(lc_option --kube-context JH_KUBE_CONTEXT "")
  IDLE_TIMEOUT=$(lc_option --idle-timeout JH_IDLE_TIMEOUT 3600)
  ROLLOUT_TIMEOUT=$(lc_option --rollout-timeout JH_ROLLOUT_TIMEOUT 1800)
  POLL_INTERVAL=$(lc_option --poll-interval JH_POLL_INTERVAL 10)
  EXPECTED_STAGE=$(lc_option --stage JH_STAGE "")
  [[ $IDLE_TIMEOUT =~ ^[0-9]+$ ]] || lc_die "--idle-timeout / JH_IDLE_TIMEOUT must be a number of seconds, got '$IDLE_TIMEOUT'"
  [[ $ROLLOUT_TIMEOUT =~ ^[0-9]+$ ]] || lc_die "--rollout-timeout / JH_ROLLOUT_TIMEOUT must be a number of seconds, got '$ROLLOUT_TIMEOUT'"
  [[ $POLL_INTERVAL =~ ^[0-9]+$ ]] || lc_die "--poll-interval / JH_POLL_INTERVAL must be a number of seconds, got '$POLL_INTERVAL'"
  if ((LC_SKIP_SYNTH)); then
    lc_die "--skip-synth: upgrade.sh synthesizes each stage itself and cannot reuse a stack (see --help)"
  fi
  if [[ -n $EXPECTED_STAGE && ! $EXPECTED_STAGE =~ ^(upgrade-[1-9]|current|control-plane-1\.[0-9]+)$ ]]; then
    lc_die "--stage $EXPECTED_STAGE: expected upgrade-1 ... upgrade-4, current or control-plane-1.NN (see --help)"
  fi
  setup_kubectl
  HAVE_KUBE=1
  HAVE_AWS=1
  lc_have aws || HAVE_AWS=0
  if ((!HAVE_AWS)) && [[ -z $KUBE_CONTEXT ]]; then
    lc_die "aws (AWS CLI) not found and no --kube-context given: the upgrade needs kubectl access to the cluster. Install the AWS CLI or name a kubeconfig context."
  fi
}

# ---------------------------------------------------------------------------------------
# The upgrade path (written by synth into settings.json, from versions.ts UPGRADE_PATH)
# ---------------------------------------------------------------------------------------
# One line per stage: platform, Karpenter version, karpenter-crd version ("-": none), node
# image family, JupyterHub chart version, title (tab-separated).

PATH_FILE=
PATH_LINES=()

load_path() {
  PATH_FILE="$LC_STATE/upgrade-path"
  if [[ ! -s $PATH_FILE ]]; then
    lc_setting upgradePath >"$PATH_FILE" ||
      lc_die "the synthesized settings have no upgrade path (settings.json: upgradePath); run npm run synth from this checkout."
  fi
  mapfile -t PATH_LINES <"$PATH_FILE"
}

# Field $2 (1-based: 1 platform, 2 karpenter, 3 crd, 4 family, 5 hub, 6 title) of stage $1 (0-based).
stage_field() {
  local IFS=$'\t'
  local -a fields
  read -r -a fields <<<"${PATH_LINES[$1]}"
  printf '%s\n' "${fields[$2 - 1]}"
}
stage_count() { printf '%s\n' "${#PATH_LINES[@]}"; }
stage_index() {
  local i
  for ((i = 0; i < ${#PATH_LINES[@]}; i++)); do
    if [[ ${PATH_LINES[i]%%$'\t'*} == "$1" ]]; then
      printf '%s\n' "$i"
      return 0
    fi
  done
  return 1
}

# The next stage after the recorded platform $1: "<index> <name> <platform>". After the last
# platform stage come the control plane stages (name control-plane-1.NN, platform current).
next_stage() {
  local recorded=$1 index last
  index=$(stage_index "$recorded") ||
    lc_die "jupyterhub.config.json says \"platform\": \"$recorded\", which is not on the upgrade path ($(cut -f1 "$PATH_FILE" | paste -s -d' ' -))."
  last=$(($(stage_count) - 1))
  if ((index < last)); then
    printf '%s %s %s\n' "$((index + 1))" "$(stage_field $((index + 1)) 1)" "$(stage_field $((index + 1)) 1)"
  else
    printf '%s control-plane %s\n' "$((last + 1))" "$(stage_field "$last" 1)"
  fi
}

show_path() {
  local at=$1 i n
  n=$(stage_count)
  for ((i = 0; i < n; i++)); do
    local mark="  "
    if ((i == at)); then mark="->"; elif ((i < at)); then mark="ok"; fi
    lc_say "  $mark $i $(stage_field "$i" 1): $(stage_field "$i" 6)"
  done
  lc_say "  $([[ $at -ge $n ]] && printf -- '->' || printf '  ') $n control plane: one minor version at a time up to $(lc_setting kubernetesTarget)"
}

# ---------------------------------------------------------------------------------------
# The live cluster
# ---------------------------------------------------------------------------------------

# Reads what the stages differ in into LC_STATE/live.*: control plane minor version, Karpenter
# version, the release that manages the CRDs, their stored versions, node image family of the
# Karpenter node classes and of the nodes, JupyterHub chart, notebook pods.
read_live() {
  local json v
  json=$(kube_query get --raw /version) || return
  jq -r '"\(.major).\(.minor | sub("\\+$"; ""))"' <<<"$json" >"$LC_STATE/live.k8s"

  json=$(kube_query get deployment --namespace karpenter -l app.kubernetes.io/name=karpenter -o json) || return
  jq -r '.items[0].metadata.labels["app.kubernetes.io/version"] // "none" | sub("^v"; "")' <<<"$json" >"$LC_STATE/live.karpenter"

  json=$(kube_query get crd "${KARPENTER_CRDS[@]}" -o json) || return
  jq -r '[.items[].metadata.annotations["meta.helm.sh/release-name"] // "none"] | unique | join(",")' <<<"$json" >"$LC_STATE/live.crd-release"
  jq -r '[.items[].status.storedVersions[]] | unique | join(",")' <<<"$json" >"$LC_STATE/live.crd-stored"

  json=$(kube_query get ec2nodeclasses.karpenter.k8s.aws -o json) || return
  jq -r '[.items[] | ((.spec.amiSelectorTerms // []) | map(.alias // empty) | first) // .spec.amiFamily // "AL2"
          | sub("@.*$"; "") | ascii_upcase] | unique | join(",")' <<<"$json" >"$LC_STATE/live.family"

  json=$(kube_query get nodepools.karpenter.sh -o json) || return
  jq -r '[.items[] | select((.spec.template.spec.nodeClassRef.group // "") == "" or
          (.metadata.annotations // {} | has("compatibility.karpenter.sh/v1beta1-kubelet-conversion")))
          | .metadata.name] | join(",")' <<<"$json" >"$LC_STATE/live.nodepools-unmigrated"

  # NodePool name -> expireAfter in seconds (v1beta1: spec.disruption; v1: spec.template.spec).
  jq -c '[.items[] | {key: .metadata.name, value: (.spec.template.spec.expireAfter // .spec.disruption.expireAfter // "Never")}]
         | from_entries | map_values(if . == "Never" then null else
             ([scan("([0-9.]+)(h|m|s)") | (.[0] | tonumber) * ({"h": 3600, "m": 60, "s": 1}[.[1]])] | add) end)' \
    <<<"$json" >"$LC_STATE/live.expire-after"

  json=$(kube_query get nodes -o json) || return
  jq -r '[.items[] | select(.status.nodeInfo.osImage | test("Amazon Linux 2$|Amazon Linux 2 ")) | .metadata.name] | join(",")' \
    <<<"$json" >"$LC_STATE/live.al2-nodes"
  # Karpenter nodes older than their NodePool's expireAfter: Karpenter 1.0 drains them at once.
  jq -r --slurpfile expire "$LC_STATE/live.expire-after" '.items[]
      | (.metadata.labels["karpenter.sh/nodepool"] // "") as $pool
      | select($pool != "" and ($expire[0][$pool] // null) != null)
      | select((now - (.metadata.creationTimestamp | fromdateiso8601)) > $expire[0][$pool])
      | "\(.metadata.name) \($pool) \(.metadata.creationTimestamp)"' <<<"$json" >"$LC_STATE/live.expired"

  json=$(kube_query get deployment hub --namespace jupyterhub -o json --ignore-not-found) || return
  [[ -n $json ]] || json='{}'
  v=$(jq -r '.metadata.labels.chart // "" | sub("^jupyterhub-"; "")' <<<"$json")
  printf '%s\n' "${v:-none}" >"$LC_STATE/live.hub"

  json=$(kube_query get pods --namespace jupyterhub -l "$NOTEBOOK_SELECTOR" -o json) || return
  jq -r '.items[] | select(.status.phase == "Running" or .status.phase == "Pending")
         | "\(.metadata.name) \(.metadata.annotations["hub.jupyter.org/username"] // "-") \(.spec.nodeName // "-")"' \
    <<<"$json" >"$LC_STATE/live.notebooks"
}

live() { printf '%s\n' "$(<"$LC_STATE/live.$1")"; }

describe_live() {
  lc_say "Live cluster: Kubernetes $(live k8s); Karpenter $(live karpenter); CRDs managed by: $(live crd-release), stored as: $(live crd-stored); Karpenter node image: $(live family); JupyterHub chart: $(live hub); notebook servers: $(grep -c . "$LC_STATE/live.notebooks" || true)"
}

# Succeeds when the live cluster shows stage $1 (0-based platform stage).
live_is_stage() {
  local i=$1 crd
  crd=$(stage_field "$i" 3)
  [[ $(live karpenter) == "$(stage_field "$i" 2)" ]] || return 1
  if [[ $crd == - ]]; then [[ $(live crd-release) != karpenter-crd ]] || return 1; else [[ $(live crd-release) == karpenter-crd ]] || return 1; fi
  [[ $(live family) == "$(stage_field "$i" 4)" ]] || return 1
  [[ $(live hub) == "$(stage_field "$i" 5)" ]] || return 1
}

# Each fact of the live cluster is stage $1's or stage $2's (a run of stage $2 may have
# stopped half way); succeeds or says which fact fits neither.
live_between() {
  local a=$1 b=$2 want_a want_b have fact
  for fact in karpenter crd family hub; do
    case $fact in
    karpenter) have=$(live karpenter) want_a=$(stage_field "$a" 2) want_b=$(stage_field "$b" 2) ;;
    crd)
      have=$([[ $(live crd-release) == karpenter-crd ]] && echo karpenter-crd || echo other)
      want_a=$([[ $(stage_field "$a" 3) == - ]] && echo other || echo karpenter-crd)
      want_b=$([[ $(stage_field "$b" 3) == - ]] && echo other || echo karpenter-crd)
      ;;
    family) have=$(live family) want_a=$(stage_field "$a" 4) want_b=$(stage_field "$b" 4) ;;
    hub) have=$(live hub) want_a=$(stage_field "$a" 5) want_b=$(stage_field "$b" 5) ;;
    esac
    if [[ $have != "$want_a" && $have != "$want_b" ]]; then
      printf '%s is %s, but stage %s (%s) has %s and stage %s (%s) has %s' "$fact" "$have" \
        "$a" "$(stage_field "$a" 1)" "$want_a" "$b" "$(stage_field "$b" 1)" "$want_b"
      return 1
    fi
  done
}

# The platform stage the live cluster matches exactly, or nothing.
live_stage() {
  local i n
  n=$(stage_count)
  for ((i = n - 1; i >= 0; i--)); do
    if live_is_stage "$i"; then
      printf '%s' "$i"
      return 0
    fi
  done
  return 1
}

minor() { printf '%s' "${1#*.}"; }

# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------

# Synthesizes with the project's settings and decides the next stage from the recorded platform.
step_choose() {
  local recorded next index name platform
  cd -- "$LC_REPO_ROOT"
  rm -f -- "$LC_SETTINGS_FILE"
  lc_say "+ npm run synth"
  npm run synth
  [[ -f $LC_SETTINGS_FILE ]] || {
    lc_error "npm run synth wrote no $LC_SETTINGS_FILE"
    return 1
  }
  lc_settings_reset
  load_path
  recorded=$(lc_setting platform)
  next=$(next_stage "$recorded")
  read -r index name platform <<<"$next"
  printf '%s\n' "$recorded" >"$LC_STATE/recorded"
  printf '%s %s %s\n' "$index" "$name" "$platform" >"$LC_STATE/next"
  lc_say "Recorded stage (jupyterhub.config.json): $recorded. The upgrade path:"
  show_path "$index"
  if [[ $name == control-plane ]]; then
    lc_note "next: control plane (platform $platform)"
  else
    lc_note "next: stage $index, $name"
  fi
}

next_field() { awk -v f="$1" '{ print $f }' "$LC_STATE/next"; }

step_synth_stage() {
  local platform
  platform=$(next_field 3)
  cd -- "$LC_REPO_ROOT"
  rm -f -- "$LC_SETTINGS_FILE"
  lc_settings_reset
  lc_say "+ JUPYTERHUB_PLATFORM=$platform npm run synth"
  JUPYTERHUB_PLATFORM=$platform npm run synth
  [[ -f $LC_SETTINGS_FILE && $(lc_setting platform) == "$platform" ]] || {
    lc_error "npm run synth did not write the $platform platform set"
    return 1
  }
}

# Reads the live cluster, refuses a stage that does not follow from it, decides the
# eks_cluster_version of the plan and checks the stage's preconditions. Changes nothing.
step_prepare() {
  local index name platform recorded recorded_index exact why target k8s
  read -r index name platform <"$LC_STATE/next"
  recorded=$(<"$LC_STATE/recorded")
  load_path
  read_cluster_from_state || lc_die "the state records no EKS cluster: there is nothing to upgrade (install with scripts/install.sh)."
  kube_ready || lc_die "kubectl cannot reach cluster $CLUSTER (see above)."
  read_live
  describe_live
  k8s=$(live k8s)
  recorded_index=$(stage_index "$recorded")
  exact=$(live_stage || true)

  if [[ $name == control-plane ]]; then
    if [[ $exact != "$recorded_index" ]]; then
      lc_die "the live cluster does not show stage $recorded_index ($recorded), which jupyterhub.config.json records: $(live_between "$recorded_index" "$recorded_index" || true). Finish that stage first (run scripts/upgrade.sh --stage $recorded with the platform before it recorded), or fix the recorded platform."
    fi
    target=$(lc_setting kubernetesTarget)
    if (($(minor "$k8s") >= $(minor "$target"))); then
      lc_say "The control plane runs $k8s, the current default ($target): the upgrade is complete."
      printf 'complete\n' >"$LC_STATE/stage"
      lc_note "complete: Kubernetes $k8s"
      return 0
    fi
    name="control-plane-1.$(($(minor "$k8s") + 1))"
    printf '1.%s\n' "$(($(minor "$k8s") + 1))" >"$LC_STATE/eks-version"
  else
    if [[ -n $exact ]] && ((exact == index)); then
      lc_say "The live cluster already shows stage $index ($name): only the record is missing. The plan below should show no changes."
    elif ! why=$(live_between "$recorded_index" "$index"); then
      local seen="no stage"
      [[ -z $exact ]] || seen="stage $exact ($(stage_field "$exact" 1))"
      lc_die "stage $index ($name) does not follow from the live cluster, which looks like $seen: $why. jupyterhub.config.json records $recorded. If the record is wrong, set \"platform\" to the stage the cluster is at and run again."
    fi
    printf '%s\n' "$k8s" >"$LC_STATE/eks-version"
  fi
  printf '%s\n' "$name" >"$LC_STATE/stage"
  if [[ -n $EXPECTED_STAGE && $EXPECTED_STAGE != "$name" ]]; then
    lc_die "--stage $EXPECTED_STAGE given, but the next stage is $name. Nothing was changed."
  fi
  lc_note "$name; Kubernetes $k8s -> $(<"$LC_STATE/eks-version")"
  lc_say "Next stage: $name. The plan runs with -var eks_cluster_version=$(<"$LC_STATE/eks-version")."

  case $name in
  upgrade-1) lc_say "Before its apply, this stage hands the Karpenter CRDs to the karpenter-crd release (labels and annotations Helm needs)." ;;
  upgrade-2) report_expired_nodes ;;
  upgrade-3) report_notebooks ;;
  upgrade-4) check_v1_migrated ;;
  control-plane-*) check_nodes_for_control_plane ;;
  esac
}

# Stage 1: the CRDs installed by the karpenter chart get the labels and annotations Helm
# needs to let the new karpenter-crd release own them (Karpenter troubleshooting, "Helm
# error when installing the karpenter-crd chart").
adopt_crds() {
  local crd
  lc_say "Handing the Karpenter CRDs to the karpenter-crd release (namespace karpenter):"
  for crd in "${KARPENTER_CRDS[@]}"; do
    kube_change label crd "$crd" app.kubernetes.io/managed-by=Helm --overwrite
    kube_change annotate crd "$crd" meta.helm.sh/release-name=karpenter-crd meta.helm.sh/release-namespace=karpenter --overwrite
  done
}

# Stage 2: Karpenter 1.0 expires nodes forcefully: a node older than its NodePool's
# expireAfter is drained as soon as the controller starts, notebooks included (v1-migration.md,
# "Forceful Expiration"). Says which, and with --wait-for-idle waits until none runs there.
report_expired_nodes() {
  local nodes count
  count=$(grep -c . "$LC_STATE/live.expired" || true)
  if ((count == 0)); then
    lc_say "No Karpenter node is older than its NodePool's expireAfter: Karpenter 1.0's forceful expiration drains none at once."
    return 0
  fi
  lc_warn "$count Karpenter node(s) are older than their NodePool's expireAfter; Karpenter 1.0 drains them as soon as it starts: $(cut -d' ' -f1 "$LC_STATE/live.expired" | paste -s -d' ' -)"
  nodes=$(cut -d' ' -f1 "$LC_STATE/live.expired")
  wait_for_notebooks_off "$nodes" "on those nodes"
}

# Lists the notebook servers running on the nodes $1 (one per line; all nodes when "*") and,
# with --wait-for-idle, waits until none runs there (bounded by --idle-timeout).
wait_for_notebooks_off() {
  local nodes=$1 where=$2 deadline count
  notebooks_on() {
    if [[ $nodes == "*" ]]; then cat -- "$LC_STATE/live.notebooks"; else awk 'NR == FNR { n[$1] = 1; next } ($3 in n)' <(printf '%s\n' "$nodes") "$LC_STATE/live.notebooks"; fi
  }
  count=$(notebooks_on | grep -c . || true)
  if ((count == 0)); then
    lc_say "No notebook server runs $where."
    return 0
  fi
  lc_say "$count notebook server(s) run $where (user, pod, node):"
  notebooks_on | while read -r pod user node; do lc_say "  - $user  $pod  on $node"; done
  if ! lc_flag --wait-for-idle; then
    lc_say "Pass --wait-for-idle to wait until they stop before this stage changes anything."
    return 0
  fi
  deadline=$((SECONDS + IDLE_TIMEOUT))
  while ((count > 0)); do
    if ((LC_DRY_RUN)); then
      lc_say "A real run waits up to ${IDLE_TIMEOUT}s (--idle-timeout) until none runs $where."
      return 0
    fi
    if ((SECONDS >= deadline)); then
      lc_error "still $count notebook server(s) $where after waiting ${IDLE_TIMEOUT}s (--idle-timeout); nothing was changed. Run again later, raise --idle-timeout, or leave out --wait-for-idle."
      return 1
    fi
    lc_say "Waiting for $count notebook server(s) to stop (until ${IDLE_TIMEOUT}s)..."
    sleep "$POLL_INTERVAL"
    read_live
    count=$(notebooks_on | grep -c . || true)
  done
  lc_say "No notebook server runs $where any more."
}

# Stage 3: new node images mark every Karpenter node as drifted. The NodePools' drift budget
# (nodes "0" for Drifted) keeps nodes under running notebooks; they are replaced once empty.
report_notebooks() {
  lc_say "This stage moves every node to Amazon Linux 2023. Karpenter marks its nodes as drifted; the NodePools' budget keeps drifted nodes that still run notebooks until they are empty, so running notebooks keep running and their nodes are replaced after the servers stop. The core node group is replaced (a new group first, then the old one drained): the hub and the add-ons restart on the new nodes."
  wait_for_notebooks_off "*" "on nodes that become drifted"
}

# Stage 4: Karpenter 1.1+ serves only v1: every object must be stored as v1 and every
# NodePool must name its node class group and kind (v1-migration.md, "Before Upgrading to v1.1.0").
check_v1_migrated() {
  local stored unmigrated
  stored=$(live crd-stored)
  unmigrated=$(live nodepools-unmigrated)
  if [[ $stored != v1 ]]; then
    lc_die "the Karpenter CRDs still store $stored; Karpenter 1.1+ needs v1 only. Karpenter 1.0.6+ migrates them by itself within minutes: wait, check with kubectl get crd ${KARPENTER_CRDS[*]} -o jsonpath='{.items[*].status.storedVersions}', then run again."
  fi
  if [[ -n $unmigrated ]]; then
    lc_die "NodePools without nodeClassRef.group/kind or with the v1beta1 kubelet compatibility annotation: $unmigrated. Karpenter 1.1+ cannot use them (v1-migration.md). Fix them, then run again."
  fi
}

check_nodes_for_control_plane() {
  local al2
  al2=$(live al2-nodes)
  if [[ -n $al2 ]]; then
    lc_warn "nodes still run Amazon Linux 2 (no images exist for Kubernetes 1.33+; they keep their kubelet and are replaced once empty): $al2"
  fi
}

step_apply() {
  local plan="$LC_STATE/stage.tfplan" rc=0 version name
  name=$(<"$LC_STATE/stage")
  if [[ $name == "complete" ]]; then
    lc_skip "the upgrade is complete"
    return 0
  fi
  version=$(<"$LC_STATE/eks-version")
  if [[ $LC_PHASE == prepare ]]; then
    if ((LC_DRY_RUN)); then
      if [[ $name == upgrade-1 ]]; then adopt_crds; fi
      lc_terraform apply -input=false "${LC_TF_ARGS[@]}" "-var=eks_cluster_version=$version"
      return 0
    fi
    lc_say "+ $(lc_render terraform "-chdir=$LC_STACK_DIR" plan -input=false -detailed-exitcode "-out=$plan" "${LC_TF_ARGS[@]}" "-var=eks_cluster_version=$version")"
    terraform "-chdir=$LC_STACK_DIR" plan -input=false -detailed-exitcode "-out=$plan" "${LC_TF_ARGS[@]}" "-var=eks_cluster_version=$version" || rc=$?
    case $rc in
    0) lc_note "no changes" ;;
    2)
      if lc_flag --plan-only; then
        lc_note "planned (--plan-only)"
      else
        lc_ask "Apply the plan above (stage $name)?"
      fi
      ;;
    *) return "$rc" ;;
    esac
    return 0
  fi
  if [[ $name == upgrade-1 ]]; then adopt_crds; fi
  lc_terraform apply -input=false "$plan"
}

# The inputs check, with the eks_cluster_version the plan will get.
step_check_stage_inputs() {
  if [[ $(<"$LC_STATE/stage") == "complete" ]]; then
    lc_skip "the upgrade is complete"
    return 0
  fi
  LC_VAR_ARGS+=("-var=eks_cluster_version=$(<"$LC_STATE/eks-version")")
  step_check_inputs
}

# Waits until the live cluster shows the stage just applied.
step_verify() {
  local name deadline index want
  name=$(<"$LC_STATE/stage")
  if [[ $name == "complete" ]]; then
    lc_skip "the upgrade is complete"
    return 0
  fi
  if ((LC_DRY_RUN)) || lc_flag --plan-only; then
    lc_skip "nothing was applied"
    return 0
  fi
  load_path
  deadline=$((SECONDS + ROLLOUT_TIMEOUT))
  while :; do
    read_live
    case $name in
    control-plane-*)
      want=${name#control-plane-}
      [[ $(live k8s) == "$want" ]] && break
      ;;
    *)
      index=$(stage_index "$name")
      if live_is_stage "$index"; then
        # Stage 3 is complete when Karpenter has migrated the stored objects to v1 too,
        # which stage 4 needs.
        [[ $name != upgrade-3 || $(live crd-stored) == v1 ]] && break
      fi
      ;;
    esac
    if ((SECONDS >= deadline)); then
      describe_live
      lc_error "the cluster does not show stage $name after ${ROLLOUT_TIMEOUT}s (--rollout-timeout). The apply succeeded; check the rollout (kubectl get pods -n karpenter, -n jupyterhub), then run again: a repeated stage plans no changes and checks again."
      return 1
    fi
    sleep "$POLL_INTERVAL"
  done
  describe_live
  lc_say "The cluster shows stage $name."
}

# Writes the stage into the project file, so that later synths (install.sh, cdktf deploy)
# keep what is deployed.
step_record() {
  local name platform file
  name=$(<"$LC_STATE/stage")
  if [[ $name == "complete" || $name == control-plane-* ]]; then
    if [[ $name == control-plane-* ]] && ((!LC_DRY_RUN)) && ! lc_flag --plan-only; then
      lc_say "Set eks_cluster_version = \"${name#control-plane-}\" in your tfvars (or leave it unset once the control plane reaches the default): later plans must not move it back."
    fi
    lc_skip "nothing to record in jupyterhub.config.json"
    return 0
  fi
  if lc_flag --plan-only; then
    lc_skip "nothing was applied"
    return 0
  fi
  platform=$(next_field 3)
  file=$(lc_setting configFile)
  lc_say "+ set \"platform\": \"$platform\" in $file"
  if ((LC_DRY_RUN)); then return 0; fi
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const fs = require("fs");
    const [file, platform] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    config.platform = platform;
    fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
  ' "$file" "$platform"
  lc_say "Recorded \"platform\": \"$platform\" in $file: commit it. Run scripts/upgrade.sh again for the next stage."
}

main() {
  lc_parse_args "$@"
  load_settings
  lc_require terraform node npm kubectl jq timeout
  if ! lc_flag --plan-only; then lc_require_confirmation_path "--plan-only to plan without applying"; fi
  lc_lock

  lc_step "Synthesize as configured and find the next stage" step_choose
  lc_step "Synthesize the next stage" step_synth_stage
  lc_step "Initialize Terraform in the stack directory" step_init
  lc_step "Read the cluster and check that the stage follows from it" step_prepare
  lc_step "Check the settings and every input (npm run validate)" step_check_stage_inputs
  lc_step "Plan and apply the stage" step_apply
  lc_step "Wait until the cluster shows the stage" step_verify
  lc_step "Record the stage in jupyterhub.config.json" step_record
  lc_run_steps
}

main "$@"
