#!/usr/bin/env bash
# Shows the Java API check (japicmp against compat/baseline/java) catching breaking changes:
# each case mutates AccessToken in a throwaway copy of this tree, builds poa-auth-api and
# poa-auth-client there (verify, tests not compiled) and reports whether the build failed and
# japicmp's message. Nothing in this tree is changed. About 40 s per case; not part of CI
# (the spec check's mutations are: poa-auth-compat-tests).
#
#   scripts/api-compat-demo.sh        writes target/api-compat-demo.txt as well
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/poa-api-demo.XXXXXX")
trap '[[ -n ${KEEP:-} ]] || rm -rf "$work"' EXIT
report="$root/target/api-compat-demo.txt"
mkdir -p "$root/target"
: > "$report"
token=poa-auth-client/src/main/java/io/github/poaauth/client/AccessToken.java

run_case() { # $1: name, $2: expected (fail|pass), $3: python mutation of AccessToken.java, $4: version (optional)
  local dir="$work/$(echo "$1" | tr -c 'a-z0-9' '-')"
  mkdir -p "$dir"
  git ls-files -z | xargs -0 tar c | tar x -C "$dir"
  MUTATION="$3" python3 - "$dir/$token" <<'PY'
import os, sys
path = sys.argv[1]
s = open(path).read()
exec(os.environ["MUTATION"])
open(path, "w").write(s)
PY
  if [[ -n ${4:-} ]]; then
    find "$dir" -name pom.xml -exec sed -i "s#<version>0\.1\.0-SNAPSHOT</version>#<version>$4</version>#" {} +
  fi
  local result
  if (cd "$dir" && ./mvnw -B -ntp -o verify -Dmaven.test.skip=true -pl poa-auth-api,poa-auth-client > build.log 2>&1); then
    result=pass
  else
    result=fail
  fi
  {
    echo "case: $1"
    echo "  expected: $expected_word$2, build: $result $( [[ $result == "$2" ]] && echo '(as expected)' || echo '(UNEXPECTED)')"
    grep -E 'API compatibility: poa-auth-client' "$dir/build.log" | sed -E 's/^\[INFO\] +\[echo\] /  /' || true
    grep -E '^\[ERROR\] (Incompatibility|Failed to execute goal com.github.siom79)|Incompatibility detected' "$dir/build.log" | sed 's/^/  /' | head -8 || true
    grep -E '^\*\*\*!|^\*\*\*|^\+\+\+|^---!' "$dir/poa-auth-client/target/japicmp/java-api-compatibility.diff" 2>/dev/null | sed 's/^/  japicmp: /' | head -8 || true
    echo
  } | tee -a "$report"
  [[ $result == "$2" ]] || unexpected=$((unexpected + 1))
}
expected_word=""
unexpected=0

remove_token_type='
start = s.index("  /** @return the token type as the endpoint sent it")
end = s.index("  }\n", start) + 4
s = s[:start] + s[end:]
'
run_case "remove public method AccessToken.tokenType()" fail "$remove_token_type"
run_case "change return type of AccessToken.scope() from Optional<String> to String" fail '
s = s.replace("public Optional<String> scope() {\n    return Optional.ofNullable(scope);", "public String scope() {\n    return scope;")
'
run_case "add public method AccessToken.isBearer()" pass '
s = s.replace("  @Override\n  public boolean equals", "  /** @return whether the token type is Bearer */\n  public boolean isBearer() {\n    return \"Bearer\".equalsIgnoreCase(tokenType);\n  }\n\n  @Override\n  public boolean equals", 1)
'
run_case "remove AccessToken.tokenType() in version 0.2.0-SNAPSHOT (new major line)" pass "$remove_token_type" 0.2.0-SNAPSHOT

echo "api-compat-demo: $((4 - unexpected)) passed, $unexpected failed (target/api-compat-demo.txt)"
[[ $unexpected -eq 0 ]]
