#!/usr/bin/env bash
# npm run lint: the repository's linters, each a function lint_<name> listed in LINTERS at
# the end. All of them run even when one fails, and the script fails if any did. It runs
# from the repository root wherever it is invoked, and lints the files git tracks plus new
# ones it does not ignore, so a script is linted before it is committed.
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

# The tools come from Debian/Ubuntu packages of the same name; a missing one fails its
# linter and says how to install it.
need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "lint: $1 is not installed; install it with: apt-get install -y $1" >&2
  return 1
}

# Files of ours: vendored fixtures (the blueprint's HCL, states, chart values, module facts)
# keep their bytes as fetched and are left out, and so is the lockfile npm writes. The fakes
# under test/fixtures/fakebin are ours.
FILES=()
mapfile -d '' -t listed < <(git ls-files -z --cached --others --exclude-standard)
if ! wait "$!"; then
  echo "lint: git ls-files failed" >&2
  exit 1
fi
for file in "${listed[@]}"; do
  [[ -f $file && ! -L $file ]] || continue
  case $file in
  test/fixtures/fakebin/*) ;;
  test/fixtures/* | package-lock.json) continue ;;
  esac
  FILES+=("$file")
done

# The shell scripts among them: by extension, by a shebang naming sh, bash, dash or ksh
# (directly or through env), or by a `# shellcheck shell=` line opening a sourced library.
SHELL_FILES=()
shebang='^#!.*[/[:space:]](ba|da|k)?sh([[:space:]]|$)'
directive='^#[[:space:]]*shellcheck[[:space:]]+shell='
for file in "${FILES[@]}"; do
  if [[ $file == *.sh || $file == *.bash ]]; then
    SHELL_FILES+=("$file")
    continue
  fi
  first=
  IFS= read -r first <"$file" || true
  if [[ $first =~ $shebang || $first =~ $directive ]]; then SHELL_FILES+=("$file"); fi
done

lint_shellcheck() {
  need shellcheck || return
  # -x follows `source` into scripts/lib; the scripts' source= directives name the files.
  shellcheck -x -- "${SHELL_FILES[@]}"
}

lint_shfmt() {
  need shfmt || return
  # No formatting flags here: given any, shfmt ignores .editorconfig, which holds the options.
  shfmt -d -- "${SHELL_FILES[@]}" && return
  echo "lint: shfmt -w FILE... rewrites the files above in the style of .editorconfig" >&2
  return 1
}

# The .editorconfig basics for every file, whatever its type: no trailing whitespace, no
# carriage return, and a newline at the end.
lint_whitespace() {
  local file last status=0
  # -I skips binary files; grep exits 1 when nothing matches, which is the good outcome.
  grep -n -I -H -E $'[ \t\r]+$' -- "${FILES[@]}" | sed 's/$/  <- trailing whitespace/' && status=1
  for file in "${FILES[@]}"; do
    # Empty files and binary ones (grep -I matches nothing in them) have no last line.
    if [[ ! -s $file ]] || ! grep -q -I '' -- "$file"; then continue; fi
    last=$(tail -c 1 -- "$file")
    if [[ -n $last ]]; then
      echo "$file: no newline at the end"
      status=1
    fi
  done
  return "$status"
}

# TypeScript, JavaScript and JSON: Biome's formatter (line width 120), linter and import order,
# configured in biome.jsonc. `biome ci` changes nothing; `npm run format` applies the fixes.
lint_biome() {
  if [[ ! -x node_modules/.bin/biome ]]; then
    echo "lint: node_modules/.bin/biome is missing; run npm ci" >&2
    return 1
  fi
  node_modules/.bin/biome ci --colors=off . && return
  echo "lint: npm run format applies the formatting and the safe fixes" >&2
  return 1
}

# One file header style: every TypeScript file opens with a /** ... */ block that says what it
# is, so a reader (and the docs' links) land on the purpose first.
lint_headers() {
  local file first status=0
  for file in "${FILES[@]}"; do
    [[ $file == *.ts || $file == *.mts ]] || continue
    IFS= read -r first <"$file" || true
    if [[ $first != "/**"* ]]; then
      echo "$file: the file does not open with a /** ... */ header saying what it is"
      status=1
    fi
  done
  return "$status"
}

LINTERS=(shellcheck shfmt whitespace biome headers)

failed=()
for linter in "${LINTERS[@]}"; do
  echo "lint: $linter"
  "lint_$linter" || failed+=("$linter")
done
if ((${#failed[@]} > 0)); then
  echo "lint: failed: ${failed[*]}" >&2
  exit 1
fi
echo "lint: ${#LINTERS[@]} linters passed (${#SHELL_FILES[@]} shell scripts, ${#FILES[@]} files)"
