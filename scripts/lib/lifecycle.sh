# shellcheck shell=bash
# Shared machinery for scripts/install.sh and scripts/cleanup.sh: argument checking, the
# settings and inputs checks, the one-run-at-a-time lock, signal forwarding, timeouts, and
# the numbered step runner with its plan/confirm/apply phases and summary. Sourced, never
# executed.
#
# A script using it sets LC_SCRIPT (its name), defines `lc_usage` (prints --help), lists its
# own options in LC_FLAG_OPTIONS (no value) and LC_VALUE_OPTIONS (one value), then calls
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
# Written by every synth beside cdk.tf.json (config.ts, SETTINGS_FILE).
LC_SETTINGS_FILE="$LC_STACK_DIR/settings.json"
LC_LOCK_DIR="$LC_REPO_ROOT/.lifecycle.lock"

# The cdktf CLI phones home unless told not to; Terraform shortens its hints for automation.
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
export TF_IN_AUTOMATION="${TF_IN_AUTOMATION:-1}"

# fd 3 is the user's stdout, so that commands echoed inside $(...) still reach the user.
exec 3>&1

LC_STATE=$(mktemp -d "${TMPDIR:-/tmp}/jupyterhub-${LC_SCRIPT:-lifecycle}.XXXXXX")
LC_LOCKED=0
lc_cleanup() {
  if ((LC_LOCKED)); then rm -rf -- "$LC_LOCK_DIR"; fi
  rm -rf -- "$LC_STATE"
}
trap lc_cleanup EXIT

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
# --dry-run runs the same code as a real run. Commands that only read (terraform output and
# plan, kubectl get, aws describe-*) and the local preparation (synth, the inputs check,
# terraform init, a temporary kubeconfig) run; every command that would change the
# deployment goes through lc_run, which prints it and, in a dry run, does not execute it.

# A command that changes something: always echoed, executed unless --dry-run.
lc_run() {
  lc_say "+ $(lc_render "$@")"
  if ((LC_DRY_RUN)); then return 0; fi
  "$@"
}

# Runs a command with the call timeout (--call-timeout): a hung API call ends the step
# instead of the run waiting forever. --foreground keeps the command in the step's process
# group, so that Ctrl-C and SIGTERM reach it too.
lc_timed() {
  local rc=0
  timeout --foreground --kill-after=10 "$LC_CALL_TIMEOUT" "$@" || rc=$?
  if ((rc == 124 || rc == 137)); then
    lc_error "timed out after ${LC_CALL_TIMEOUT}s (--call-timeout): $(lc_render "$@")"
  fi
  return "$rc"
}

# A change through kubectl or the AWS CLI: echoed, executed with the call timeout unless --dry-run.
lc_change() {
  lc_say "+ $(lc_render "$@")"
  if ((LC_DRY_RUN)); then return 0; fi
  lc_timed "$@"
}

# terraform, always in the synthesized stack directory.
lc_terraform() { lc_run terraform "-chdir=$LC_STACK_DIR" "$@"; }

# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------

LC_DRY_RUN=0
LC_SKIP_SYNTH=0
LC_YES=0
LC_ORIGINAL_ARGS=()
LC_TF_ARGS=()  # for every terraform plan / apply / destroy
LC_VAR_ARGS=() # only the -var / -var-file ones, for the inputs check
LC_CALL_TIMEOUT=60
declare -A LC_OPT=()

# Makes a relative path absolute against the caller's working directory.
lc_absolute() {
  case $1 in
  /*) printf '%s' "$1" ;;
  *) printf '%s/%s' "$PWD" "$1" ;;
  esac
}

lc_var_file() {
  local file
  file=$(lc_absolute "$1")
  [[ -e $file ]] || lc_die "-var-file $1: no such file ($file). Nothing was run."
  [[ -f $file && -r $file ]] || lc_die "-var-file $1: not a readable file ($file). Nothing was run."
  LC_TF_ARGS+=("-var-file=$file")
  LC_VAR_ARGS+=("-var-file=$file")
}

lc_var() {
  [[ $1 == ?*=* ]] || lc_die "-var $1: expected NAME=VALUE, e.g. -var region=eu-west-1"
  LC_TF_ARGS+=("-var=$1")
  LC_VAR_ARGS+=("-var=$1")
}

lc_is_option() { # <option> <list...>
  local want=$1 option
  shift
  for option in "$@"; do [[ $option == "$want" ]] && return 0; done
  return 1
}

lc_parse_args() {
  LC_ORIGINAL_ARGS=("$@")
  local arg name
  while (($# > 0)); do
    arg=$1
    shift
    case $arg in
    -h | --help)
      lc_usage
      exit 0
      ;;
    --dry-run) LC_DRY_RUN=1 ;;
    --skip-synth) LC_SKIP_SYNTH=1 ;;
    --yes | -auto-approve | --auto-approve) LC_YES=1 ;;
    -var | --var)
      (($# > 0)) || lc_die "$arg needs NAME=VALUE"
      lc_var "$1"
      shift
      ;;
    -var=* | --var=*) lc_var "${arg#*=}" ;;
    -var-file | --var-file)
      (($# > 0)) || lc_die "$arg needs a file name"
      lc_var_file "$1"
      shift
      ;;
    -var-file=* | --var-file=*) lc_var_file "${arg#*=}" ;;
    -parallelism=*)
      [[ ${arg#*=} =~ ^[1-9][0-9]*$ ]] || lc_die "$arg: -parallelism needs a positive number, e.g. -parallelism=5"
      LC_TF_ARGS+=("$arg")
      ;;
    -lock-timeout=*)
      [[ ${arg#*=} =~ ^[0-9]+(ms|s|m|h)$ ]] || lc_die "$arg: -lock-timeout needs a duration, e.g. -lock-timeout=5m"
      LC_TF_ARGS+=("$arg")
      ;;
    -no-color | -compact-warnings) LC_TF_ARGS+=("$arg") ;;
    --*=*)
      name=${arg%%=*}
      if lc_is_option "$name" "${LC_VALUE_OPTIONS[@]}"; then
        LC_OPT[$name]=${arg#*=}
      else
        lc_unknown "$name"
      fi
      ;;
    *)
      if lc_is_option "$arg" "${LC_VALUE_OPTIONS[@]}"; then
        (($# > 0)) || lc_die "$arg needs a value (see --help)"
        LC_OPT[$arg]=$1
        shift
      elif lc_is_option "$arg" "${LC_FLAG_OPTIONS[@]}"; then
        LC_OPT[$arg]=1
      else
        lc_unknown "$arg"
      fi
      ;;
    esac
  done
  LC_CALL_TIMEOUT=$(lc_option --call-timeout JH_CALL_TIMEOUT 60)
  [[ $LC_CALL_TIMEOUT =~ ^[1-9][0-9]*$ ]] ||
    lc_die "--call-timeout / JH_CALL_TIMEOUT must be a number of seconds (1 or more), got '$LC_CALL_TIMEOUT'"
  lc_check_tf_cli_args
}

lc_unknown() {
  case $1 in
  -target* | --target* | -chdir* | --chdir* | -replace* | -state* | -backend-config* | -lock=*)
    lc_die "$1 is not allowed: $LC_SCRIPT chooses targets, directory, state and locking itself (see --help)"
    ;;
  -*) lc_die "unknown option: $1 (see $LC_SCRIPT --help for what is accepted)" ;;
  *) lc_die "unexpected argument: $1 ($LC_SCRIPT takes no positional arguments; see --help)" ;;
  esac
}

# TF_CLI_ARGS and TF_CLI_ARGS_<command> add arguments behind the script's back: inputs that
# the inputs check never saw, another state, other targets. Those are refused; harmless
# ones (-no-color, -parallelism=N, ...) pass.
lc_check_tf_cli_args() {
  local name value word
  for name in TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_plan TF_CLI_ARGS_apply TF_CLI_ARGS_destroy TF_CLI_ARGS_output; do
    value=${!name:-}
    [[ -n $value ]] || continue
    for word in $value; do
      case $word in
      -var* | --var* | -target* | --target* | -state* | -backend-config* | -chdir* | -replace* | -destroy | -lock=*)
        lc_die "$name contains $word, which $LC_SCRIPT cannot check: give -var and -var-file on the command line instead and unset $name. Nothing was run."
        ;;
      esac
    done
  done
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

lc_flag() { [[ -n ${LC_OPT[$1]+set} ]]; }

# A run that changes the deployment needs a yes: typed on a terminal, or --yes up front.
# Without a terminal and without --yes it stops here, before anything runs.
lc_require_confirmation_path() {
  if ((!LC_DRY_RUN && !LC_YES)) && [[ ! -t 0 ]]; then
    lc_die "$LC_SCRIPT asks before it changes anything, and there is no terminal to ask on: pass --yes (or -auto-approve) to go ahead without asking${1:+, or $1}. Nothing was run."
  fi
}

# ---------------------------------------------------------------------------------------
# One run at a time
# ---------------------------------------------------------------------------------------

# Takes the per-stack lock (a directory beside cdktf.out) or stops, naming the run that
# holds it. A lock whose process is gone is taken over with a warning.
lc_lock() {
  local owner pid
  if ! mkdir -- "$LC_LOCK_DIR" 2>/dev/null; then
    owner=$(cat -- "$LC_LOCK_DIR/owner" 2>/dev/null || true)
    pid=${owner%% *}
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      lc_die "another run on this stack is in progress: ${owner#* } (PID $pid). Wait for it to end, or stop it (kill $pid), then run again. Nothing was run."
    fi
    lc_warn "taking over the lock of a run that is gone (${owner:-no owner recorded}; $LC_LOCK_DIR)."
    rm -rf -- "$LC_LOCK_DIR"
    mkdir -- "$LC_LOCK_DIR" || lc_die "could not take the lock $LC_LOCK_DIR"
  fi
  LC_LOCKED=1
  printf '%s %s, started %s\n' "$$" "$LC_SCRIPT" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$LC_LOCK_DIR/owner"
}

# ---------------------------------------------------------------------------------------
# Common steps
# ---------------------------------------------------------------------------------------

lc_require() {
  local tool missing=()
  for tool in "$@"; do lc_have "$tool" || missing+=("$tool"); done
  ((${#missing[@]} == 0)) && return 0
  lc_error "not found on PATH: ${missing[*]}. Install it and re-run."
  exit 2
}

lc_check_stack() {
  if ((LC_SKIP_SYNTH)) && [[ ! -f $LC_STACK_DIR/cdk.tf.json || ! -f $LC_SETTINGS_FILE ]]; then
    lc_error "--skip-synth given but there is no synthesized stack (cdk.tf.json and settings.json) in $LC_STACK_DIR; run without --skip-synth."
    exit 2
  fi
}

# A field of the settings that synth recorded: lc_setting description. The file is read
# once per run (one node start), after the synth step; each field is kept in LC_STATE.
lc_setting() {
  if [[ ! -f $LC_STATE/settings.loaded ]]; then
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e '
      const fs = require("fs"), path = require("path");
      const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      for (const [k, v] of Object.entries(s)) {
        fs.writeFileSync(path.join(process.argv[2], `setting.${k}`), Array.isArray(v) ? v.join("\n") : String(v));
      }
    ' "$LC_SETTINGS_FILE" "$LC_STATE" || return
    touch "$LC_STATE/settings.loaded"
  fi
  [[ -f $LC_STATE/setting.$1 ]] || return 1
  cat -- "$LC_STATE/setting.$1"
}

# Forgets the settings read so far (after a new synth).
lc_settings_reset() { rm -f -- "$LC_STATE"/setting.* "$LC_STATE/settings.loaded"; }

step_synth() {
  cd -- "$LC_REPO_ROOT"
  rm -f -- "$LC_SETTINGS_FILE"
  lc_say "+ npm run synth"
  npm run synth
  if [[ ! -f $LC_STACK_DIR/cdk.tf.json || ! -f $LC_SETTINGS_FILE ]]; then
    lc_error "npm run synth succeeded but wrote no $LC_STACK_DIR/cdk.tf.json and settings.json"
    return 1
  fi
}

# Says which platform set and which state this run uses, then checks every input offline
# (npm run validate: the variables' own rules through terraform, and names no variable
# declares). Any problem stops the run here.
step_check_inputs() {
  local platform description overrides
  platform=$(lc_setting platform)
  description=$(lc_setting description)
  overrides=$(lc_setting overrides || true)
  lc_say "Platform set: $platform"
  lc_say "State: $description"
  if [[ -n $overrides ]]; then lc_say "Environment overrides of jupyterhub.config.json: ${overrides//$'\n'/, }"; fi
  lc_note "$platform; $description"
  cd -- "$LC_REPO_ROOT"
  lc_say "+ $(lc_render npm run --silent validate -- "${LC_VAR_ARGS[@]}")"
  npm run --silent validate -- "${LC_VAR_ARGS[@]}"
}

step_init() {
  local -a init_args=()
  mapfile -t init_args < <(lc_setting initArgs || true)
  lc_say "+ $(lc_render terraform "-chdir=$LC_STACK_DIR" init -input=false "${init_args[@]}")"
  terraform "-chdir=$LC_STACK_DIR" init -input=false "${init_args[@]}"
}

# Registers the synth step (unless --skip-synth), the inputs check and terraform init.
lc_common_steps() {
  if ((!LC_SKIP_SYNTH)); then
    lc_step "Synthesize the Terraform JSON (npm run synth)" step_synth
  fi
  lc_step "Check the settings and every input (npm run validate)" step_check_inputs
  lc_step "Initialize Terraform in the stack directory" step_init
}

# ---------------------------------------------------------------------------------------
# Steps: registration, execution, confirmation, summary
# ---------------------------------------------------------------------------------------
# Each step runs as a background job in its own process group, and the runner waits for
# it: SIGINT and SIGTERM reach the runner at once, which forwards them to the whole step
# (terraform stops gracefully, writes its state and releases its lock), waits for it,
# prints the summary and the resume command, and exits 130 / 143.
#
# A step that wants a yes before it changes something calls `lc_ask "<question>"` and
# returns; the runner asks on the terminal (or takes --yes) and then runs the same step
# again with LC_PHASE=apply. The first run has LC_PHASE=prepare.

LC_STEP_DESC=()
LC_STEP_FN=()
LC_STEP_ARG=()
LC_STEP_STATUS=()
LC_STEP_TIME=()
LC_STEP_INDEX=0
# Read by the step functions of the scripts.
# shellcheck disable=SC2034
LC_PHASE=prepare
LC_JOB=
LC_SIGNAL=

# lc_step "<what it does>" <function> [<one argument>]
lc_step() {
  LC_STEP_DESC+=("$1")
  LC_STEP_FN+=("$2")
  LC_STEP_ARG+=("${3:-}")
}

lc_ask() { printf '%s\n' "$*" >"$LC_STATE/ask.$LC_STEP_INDEX"; }

lc_on_signal() {
  LC_SIGNAL=$1
  printf '\n' >&2
  lc_error "received SIG$1: stopping the current step (terraform finishes what it is doing, saves its state and releases its lock)..."
  if [[ -n $LC_JOB ]]; then kill -s "$1" -- "-$LC_JOB" 2>/dev/null || true; fi
}

# Runs one phase of step $1 (0-based) as a job; returns its exit status. Call it with
# errexit off (set +e), never inside `if`, `||` or `&&`: bash ignores errexit in everything
# started from such a context, the step's own `set -e` included.
lc_run_phase() {
  local i=$1 rc
  set -m
  (
    # The signal reaches every process of the step; bash runs these traps once the
    # command it waits for (terraform) has ended, so the step ends after terraform does.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    set -e
    "${LC_STEP_FN[i]}" "${LC_STEP_ARG[i]}"
  ) &
  LC_JOB=$!
  set +m
  while :; do
    wait "$LC_JOB"
    rc=$?
    # A signal interrupts `wait`; wait again until the step has really ended.
    if kill -0 "$LC_JOB" 2>/dev/null; then continue; fi
    break
  done
  LC_JOB=
  return "$rc"
}

# Asks the question the step left, on the terminal; --yes answers it.
lc_confirm() {
  local question=$1 answer
  lc_say ""
  if ((LC_YES)); then
    lc_say "$question yes (--yes)"
    return 0
  fi
  printf '%s Only "yes" goes ahead: ' "$question" >&3
  if ! read -r answer; then answer=""; fi
  [[ $answer == yes ]]
}

lc_run_steps() {
  local total=${#LC_STEP_DESC[@]} i rc start elapsed run_start=$SECONDS question
  trap 'lc_on_signal INT' INT
  trap 'lc_on_signal TERM' TERM
  if ((LC_DRY_RUN)); then
    lc_say "Dry run: read-only commands run; every command that would change the deployment is printed, not run."
  fi
  for ((i = 0; i < total; i++)); do
    LC_STEP_INDEX=$((i + 1))
    lc_say ""
    lc_say "==> Step $LC_STEP_INDEX of $total: ${LC_STEP_DESC[i]}"
    start=$SECONDS
    LC_PHASE=prepare
    # Not `lc_run_phase || ...`: errexit would then be ignored inside the whole step.
    set +e
    lc_run_phase "$i"
    rc=$?
    set -e
    if ((rc == 0)) && [[ -z $LC_SIGNAL && -f $LC_STATE/ask.$LC_STEP_INDEX ]]; then
      question=$(<"$LC_STATE/ask.$LC_STEP_INDEX")
      if lc_confirm "$question"; then
        # shellcheck disable=SC2034 # read by the step in its apply phase
        LC_PHASE=apply
        set +e
        lc_run_phase "$i"
        rc=$?
        set -e
      else
        LC_STEP_TIME[i]=$((SECONDS - start))
        LC_STEP_STATUS[i]="declined"
        lc_error "not confirmed: step $LC_STEP_INDEX of $total changed nothing, and nothing after it was run."
        lc_summary "$run_start"
        lc_resume_hint "$LC_STEP_INDEX"
        exit 1
      fi
    fi
    elapsed=$((SECONDS - start))
    LC_STEP_TIME[i]=$elapsed
    if [[ -n $LC_SIGNAL ]]; then
      LC_STEP_STATUS[i]="stopped"
      lc_error "step $LC_STEP_INDEX of $total was stopped by SIG$LC_SIGNAL after $(lc_duration "$elapsed"): ${LC_STEP_DESC[i]}"
      lc_summary "$run_start"
      lc_resume_hint "$LC_STEP_INDEX"
      if [[ $LC_SIGNAL == INT ]]; then exit 130; else exit 143; fi
    fi
    if ((rc != 0)); then
      LC_STEP_STATUS[i]="FAILED"
      lc_error "step $LC_STEP_INDEX of $total failed (exit $rc) after $(lc_duration "$elapsed"): ${LC_STEP_DESC[i]}"
      lc_summary "$run_start"
      lc_resume_hint "$LC_STEP_INDEX"
      exit "$rc"
    fi
    if [[ -f $LC_STATE/skipped.$LC_STEP_INDEX ]]; then
      LC_STEP_STATUS[i]="skipped"
    elif ((LC_DRY_RUN)); then
      LC_STEP_STATUS[i]="dry-run"
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
    lc_say "Summary of $LC_SCRIPT (dry run: nothing was changed):"
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
