# shellcheck shell=bash
# Shared machinery for scripts/install.sh and scripts/cleanup.sh: argument parsing,
# Terraform argument handling, the numbered step runner with timing and summary, and
# the dry-run aware command helpers. Sourced, never executed.
#
# A script using it sets LC_SCRIPT (its name), defines `lc_usage` (prints --help) and may
# list extra options that take a value in LC_VALUE_OPTIONS; then it calls
# `lc_parse_args "$@"`, registers its steps with `lc_step` and calls `lc_run_steps`.

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  printf 'ERROR: bash 4.4 or newer is needed (this is %s)\n' "$BASH_VERSION" >&2
  exit 2
fi

# ---------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------

LC_REPO_ROOT=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
LC_STACK_DIR="$LC_REPO_ROOT/cdktf.out/stacks/jupyterhub"

# The cdktf CLI phones home unless told not to; Terraform shortens its hints for automation.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
export TF_IN_AUTOMATION="${TF_IN_AUTOMATION:-1}"

# fd 3 is the user's stdout, so that commands echoed inside $(...) still reach the user.
exec 3>&1

LC_STATE=$(mktemp -d "${TMPDIR:-/tmp}/jupyterhub-${LC_SCRIPT:-lifecycle}.XXXXXX")
trap 'rm -rf -- "$LC_STATE"' EXIT

# ---------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------

lc_say() { printf '%s\n' "$*" >&3; }
lc_warn() {
  printf 'WARNING: %s\n' "$*" >&2
  printf '%s\n' "$*" >>"$LC_STATE/warnings"
}
lc_error() { printf 'ERROR: %s\n' "$*" >&2; }
lc_die() {
  lc_error "$*"
  exit 2
}

# Records a short remark shown next to the current step in the summary.
lc_note() { printf '%s\n' "$*" >"$LC_STATE/note.$LC_STEP_INDEX"; }

# Marks the current step as skipped (it still succeeds), with the reason.
lc_skip() {
  lc_note "$*"
  touch "$LC_STATE/skipped.$LC_STEP_INDEX"
  lc_say "Skipped: $*"
}

lc_have() { command -v "$1" >/dev/null 2>&1; }

# "1m 05s" style duration.
lc_duration() { printf '%dm %02ds' $(($1 / 60)) $(($1 % 60)); }

# Shell-quoted rendering of a command, exactly as it runs.
lc_render() {
  local out
  printf -v out '%q ' "$@"
  printf '%s' "${out% }"
}

# ---------------------------------------------------------------------------------------
# Running commands
# ---------------------------------------------------------------------------------------

# A command that changes something: always echoed, executed unless --dry-run.
lc_run() {
  lc_say "+ $(lc_render "$@")"
  if ((LC_DRY_RUN)); then return 0; fi
  "$@"
}

# A read-only query: executed silently; with --dry-run it is echoed and not executed
# (its output is then empty, so nothing depends on it).
lc_query() {
  if ((LC_DRY_RUN)); then
    lc_say "+ $(lc_render "$@")"
    return 0
  fi
  "$@"
}

# terraform, always in the synthesized stack directory.
lc_terraform() { lc_run terraform "-chdir=$LC_STACK_DIR" "$@"; }

# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------

LC_DRY_RUN=0
LC_SKIP_SYNTH=0
LC_ORIGINAL_ARGS=()
LC_TF_ARGS=()
declare -A LC_OPT=()

# Makes a relative path absolute against the caller's working directory.
lc_absolute() {
  case $1 in
  /*) printf '%s' "$1" ;;
  *) printf '%s/%s' "$PWD" "$1" ;;
  esac
}

lc_parse_args() {
  LC_ORIGINAL_ARGS=("$@")
  local arg name own_options=1
  while (($# > 0)); do
    arg=$1
    shift
    if ((own_options)); then
      case $arg in
      -h | --help)
        lc_usage
        exit 0
        ;;
      --dry-run)
        LC_DRY_RUN=1
        continue
        ;;
      --skip-synth)
        LC_SKIP_SYNTH=1
        continue
        ;;
      --)
        own_options=0
        continue
        ;;
      --*=*)
        name=${arg%%=*}
        if lc_is_value_option "$name"; then
          LC_OPT[$name]=${arg#*=}
          continue
        fi
        ;;
      --*)
        if lc_is_value_option "$arg"; then
          (($# > 0)) || lc_die "$arg needs a value (see --help)"
          LC_OPT[$arg]=$1
          shift
          continue
        fi
        ;;
      esac
    fi
    # Everything else belongs to terraform.
    case $arg in
    -var-file | --var-file)
      (($# > 0)) || lc_die "$arg needs a file name"
      LC_TF_ARGS+=("-var-file=$(lc_absolute "$1")")
      shift
      ;;
    -var-file=* | --var-file=*)
      LC_TF_ARGS+=("-var-file=$(lc_absolute "${arg#*=}")")
      ;;
    -target | -target=* | --target | --target=* | -chdir=* | --chdir=*)
      lc_die "$arg is not allowed: $LC_SCRIPT chooses the targets and the directory itself"
      ;;
    *)
      LC_TF_ARGS+=("$arg")
      ;;
    esac
  done
}

lc_is_value_option() {
  local option
  for option in "${LC_VALUE_OPTIONS[@]}"; do
    [[ $option == "$1" ]] && return 0
  done
  return 1
}

# Value of a script option given on the command line, else of an environment variable,
# else a default: lc_option --lb-timeout JH_LB_TIMEOUT 600
lc_option() {
  if [[ -n ${LC_OPT[$1]+set} ]]; then
    printf '%s' "${LC_OPT[$1]}"
  elif [[ -n ${!2:-} ]]; then
    printf '%s' "${!2}"
  else
    printf '%s' "$3"
  fi
}

# The value Terraform will use for a string variable, following its precedence:
# default < TF_VAR_<name> < -var / -var-file in the order given (the later wins).
# Var files are read for simple `name = "value"` lines (or JSON keys with jq).
lc_tf_var() {
  local want=$1 value=$2 env="TF_VAR_$1" arg pair found i
  if [[ -n ${!env+set} ]]; then value=${!env}; fi
  for ((i = 0; i < ${#LC_TF_ARGS[@]}; i++)); do
    arg=${LC_TF_ARGS[i]}
    pair=
    case $arg in
    -var=* | --var=*) pair=${arg#*=} ;;
    -var | --var)
      i=$((i + 1))
      pair=${LC_TF_ARGS[i]:-}
      ;;
    -var-file=*)
      if found=$(lc_var_from_file "${arg#*=}" "$want"); then value=$found; fi
      ;;
    esac
    if [[ $pair == "$want="* ]]; then value=${pair#*=}; fi
  done
  printf '%s' "$value"
}

lc_var_from_file() {
  local file=$1 want=$2 found
  [[ -r $file ]] || return 1
  if [[ $file == *.json ]]; then
    lc_have jq || return 1
    found=$(jq -r --arg k "$want" '.[$k] // empty | strings' "$file") || return 1
  else
    found=$(sed -n -E "s/^[[:space:]]*${want}[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\\1/p" "$file" | tail -n 1)
  fi
  [[ -n $found ]] || return 1
  printf '%s' "$found"
}

# ---------------------------------------------------------------------------------------
# Common steps
# ---------------------------------------------------------------------------------------

lc_require() {
  local tool missing=()
  for tool in "$@"; do lc_have "$tool" || missing+=("$tool"); done
  ((${#missing[@]} == 0)) && return 0
  if ((LC_DRY_RUN)); then
    lc_warn "not found on PATH: ${missing[*]} (a real run needs it)"
    return 0
  fi
  lc_error "not found on PATH: ${missing[*]}. Install it and re-run."
  exit 2
}

lc_check_stack() {
  if ((!LC_DRY_RUN && LC_SKIP_SYNTH)) && [[ ! -f $LC_STACK_DIR/cdk.tf.json ]]; then
    lc_error "--skip-synth given but there is no synthesized stack at $LC_STACK_DIR/cdk.tf.json; run without --skip-synth."
    exit 2
  fi
}

step_synth() {
  cd -- "$LC_REPO_ROOT"
  lc_run npm run synth
  if ((!LC_DRY_RUN)) && [[ ! -f $LC_STACK_DIR/cdk.tf.json ]]; then
    lc_error "npm run synth succeeded but wrote no $LC_STACK_DIR/cdk.tf.json"
    return 1
  fi
}

step_init() { lc_terraform init -input=false; }

# Registers the synth step (unless --skip-synth) and terraform init.
lc_common_steps() {
  if ((!LC_SKIP_SYNTH)); then
    # The platform set is chosen at synth time (versions.ts); say which one this run writes.
    lc_step "Synthesize the Terraform JSON (npm run synth; platform set ${JUPYTERHUB_PLATFORM:-current})" step_synth
  fi
  lc_step "Initialize Terraform in the stack directory" step_init
}

# ---------------------------------------------------------------------------------------
# Steps: registration, execution, summary
# ---------------------------------------------------------------------------------------

LC_STEP_DESC=()
LC_STEP_FN=()
LC_STEP_ARG=()
LC_STEP_STATUS=()
LC_STEP_TIME=()
LC_STEP_INDEX=0

# lc_step "<what it does>" <function> [<one argument>]
lc_step() {
  LC_STEP_DESC+=("$1")
  LC_STEP_FN+=("$2")
  LC_STEP_ARG+=("${3:-}")
}

lc_run_steps() {
  local total=${#LC_STEP_DESC[@]} i rc start elapsed run_start=$SECONDS
  if ((LC_DRY_RUN)); then
    lc_say "Dry run: printing the commands of each step; nothing is executed."
  fi
  for ((i = 0; i < total; i++)); do
    LC_STEP_INDEX=$((i + 1))
    lc_say ""
    lc_say "==> Step $LC_STEP_INDEX of $total: ${LC_STEP_DESC[i]}"
    start=$SECONDS
    # The step runs in a subshell with errexit, so any failing command ends it; the
    # runner itself keeps going to report.
    set +e
    (
      set -e
      "${LC_STEP_FN[i]}" "${LC_STEP_ARG[i]}"
    )
    rc=$?
    set -e
    elapsed=$((SECONDS - start))
    LC_STEP_TIME[i]=$elapsed
    if ((rc != 0)); then
      LC_STEP_STATUS[i]="FAILED"
      lc_error "step $LC_STEP_INDEX of $total failed (exit $rc) after $(lc_duration "$elapsed"): ${LC_STEP_DESC[i]}"
      lc_summary "$run_start"
      lc_resume_hint "$LC_STEP_INDEX"
      exit "$rc"
    fi
    if ((LC_DRY_RUN)); then
      LC_STEP_STATUS[i]="printed"
    elif [[ -f $LC_STATE/skipped.$LC_STEP_INDEX ]]; then
      LC_STEP_STATUS[i]="skipped"
    else
      LC_STEP_STATUS[i]="done"
    fi
    lc_say "<== Step $LC_STEP_INDEX of $total ${LC_STEP_STATUS[i]} in $(lc_duration "$elapsed")"
  done
  lc_summary "$run_start"
}

lc_summary() {
  local run_start=$1 total=${#LC_STEP_DESC[@]} i status time note
  lc_say ""
  if ((LC_DRY_RUN)); then
    lc_say "Summary of $LC_SCRIPT (dry run, nothing was executed):"
  else
    lc_say "Summary of $LC_SCRIPT:"
  fi
  for ((i = 0; i < total; i++)); do
    status=${LC_STEP_STATUS[i]:-not run}
    time=""
    if [[ -n ${LC_STEP_TIME[i]:-} ]]; then time=$(lc_duration "${LC_STEP_TIME[i]}"); fi
    note=""
    if [[ -f $LC_STATE/note.$((i + 1)) ]]; then note=" ($(<"$LC_STATE/note.$((i + 1))"))"; fi
    lc_say "$(printf '  %2d/%d  %-8s %8s  %s%s' $((i + 1)) "$total" "$status" "$time" "${LC_STEP_DESC[i]}" "$note")"
  done
  if [[ -s $LC_STATE/warnings ]]; then
    lc_say "Warnings:"
    while IFS= read -r note; do lc_say "  - $note"; done <"$LC_STATE/warnings"
  fi
  lc_say "Total time: $(lc_duration $((SECONDS - run_start)))"
}

lc_resume_hint() {
  local failed=$1 cmd
  cmd=$(lc_render "$0" "${LC_ORIGINAL_ARGS[@]}")
  lc_error "Nothing after step $failed was run. Fix the cause above, then resume by running the same command again:"
  lc_error "  $cmd"
  if ((!LC_SKIP_SYNTH && failed > 1)); then
    lc_error "Every step is safe to repeat; add --skip-synth to reuse the stack synthesized in step 1."
  else
    lc_error "Every step is safe to repeat."
  fi
}
