#!/usr/bin/env bash
# Measures the everyday commands: median wall time and peak memory (max RSS) of N runs.
# Usage: npm run bench [-- RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1 CI=true
if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is missing (Debian: apt-get install -y time)" >&2
  exit 1
fi
out_dir=".bench"
mkdir -p "$out_dir"

measure() {
  local label="$1"
  shift
  local file="$out_dir/${label// /_}.txt"
  : >"$file"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -a -o "$file" "$@" >/dev/null 2>&1 || {
      echo "bench: '$*' failed" >&2
      exit 1
    }
  done
  sort -n -k1,1 "$file" | awk -v label="$label" -v n="$runs" '
    { t[NR] = $1; if ($2 > m) m = $2 }
    END { printf "%-28s median %6.2f s   peak %6.0f MB   (%d runs)\n", label, t[int((n + 1) / 2)], m / 1024, n }'
}

measure "floor: require(cdktf)" node -e 'require("cdktf")'
measure "npm run synth" npm run --silent synth
measure "cdktf synth" npx cdktf synth
# validate reads the stack synthesized above; the var file makes it load the HCL parser too.
printf 'region = "eu-west-1"\n' >"$out_dir/validate.tfvars"
measure "npm run validate" npm run --silent validate -- -var-file="$out_dir/validate.tfvars"
measure "validate (node directly)" node --require tsx/cjs scripts/validate.ts -var-file="$out_dir/validate.tfvars"
measure "npm run typecheck" npm run --silent typecheck
measure "npm run lint" npm run --silent lint
measure "npm test" npm test --silent
measure "npm run test:e2e" npm run --silent test:e2e
