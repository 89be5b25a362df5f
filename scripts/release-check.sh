#!/usr/bin/env bash
# The release check CI runs after `./mvnw verify` (.ci/run). It
#   1. rebuilds the shipped modules and the parent POM from clean (no tests) and deploys them,
#      as a release would, into target/staging-repo (CI reaches no real repository);
#   2. compares that build with the one before it: every shipped jar (the shaded CLI too), SBOM,
#      flattened BOM and the generated sources of poa-auth-api must be byte-identical;
#   3. checks the staged bundle: every shipped module has its POM, main jar, sources jar, Javadoc
#      jar and CycloneDX SBOM; every POM has (itself or through the staged parent) name,
#      description, url, license, developers and scm; the BOM manages exactly the shipped
#      modules; nothing else is staged;
#   4. builds a throwaway project that imports the staged BOM and uses poa-auth-client, with
#      Maven's local repository empty and no repositories but the staging directory and a
#      copy-free view of the local repository without io/github/poaauth: the staged POMs must
#      resolve without the reactor.
# Signatures are not checked: CI has no signing key (profile release signs; RELEASING.md).
#
#   scripts/release-check.sh               uses the artifacts the previous build left in */target
#   scripts/release-check.sh --two-builds  makes that first build itself (clean package, no tests)
#
# Writes target/release-check/ (summary.txt, bundle-files.txt, reproducibility.txt) and never
# touches tracked files.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$SECONDS
failures=0
fail() { echo "release-check: FAIL: $*" >&2; failures=$((failures + 1)); }
step() { echo; echo "release-check: [$((SECONDS - start))s] $*"; }
passed=0; failed=0; mark=0
check_begin() { mark=$failures; }
check_end() { if [[ $failures -eq $mark ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }

mvn_flags=(-B -ntp)
version=$(sed -n '0,/<version>/s#.*<version>\(.*\)</version>.*#\1#p' pom.xml | head -1)
mapfile -t shipped < <(scripts/shipped-modules.sh)
modules=".,$(IFS=,; echo "${shipped[*]}")"
work=$(mktemp -d "${TMPDIR:-/tmp}/poa-release-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
staging="$root/target/staging-repo"
out="$root/target/release-check"

# Build outputs compared between the two builds, per shipped module.
collect() { # $1: destination
  local module
  for module in "${shipped[@]}"; do
    mkdir -p "$1/$module"
    find "$module/target" -maxdepth 1 -type f \( -name '*.jar' -o -name 'bom.json' -o -name 'flattened-pom.xml' \) \
      -exec cp {} "$1/$module/" \; 2>/dev/null || true
    if [[ -d $module/target/generated-sources ]]; then
      cp -r "$module/target/generated-sources" "$1/$module/generated-sources"
    fi
  done
}

if [[ ${1:-} == --two-builds ]]; then
  step "build 1: clean package of $modules (no tests)"
  ./mvnw "${mvn_flags[@]}" -q clean package -DskipTests -pl "$modules"
fi
step "saving build 1's artifacts"
collect "$work/build1"
if [[ -z $(find "$work/build1" -name '*.jar' | head -1) ]]; then
  echo "release-check: no jars from a previous build in */target: run ./mvnw verify first, or pass --two-builds" >&2
  exit 2
fi

step "build 2: clean deploy of $modules (no tests) into target/staging-repo"
build2_start=$SECONDS
./mvnw "${mvn_flags[@]}" -q clean deploy -DskipTests -pl "$modules" \
  -DaltDeploymentRepository="staging::file://$staging"
build2_seconds=$((SECONDS - build2_start))
mkdir -p "$out"
collect "$work/build2"

step "reproducibility: build 1 against build 2"
check_begin
{
  echo "Shipped build outputs of two clean builds of $(git rev-parse --short HEAD 2>/dev/null || echo 'this tree'), compared byte for byte:"
  identical=0
  while IFS= read -r file; do
    rel=${file#"$work/build1/"}
    if [[ ! -f $work/build2/$rel ]]; then
      echo "  MISSING in build 2  $rel"; echo "x" >> "$work/repro-fail"
    elif cmp -s "$file" "$work/build2/$rel"; then
      identical=$((identical + 1))
      [[ $rel == */generated-sources/* ]] || printf '  identical  %-70s sha256 %s\n' "$rel" "$(sha256sum "$file" | cut -c1-16)"
    else
      echo "  DIFFERENT  $rel"; echo "x" >> "$work/repro-fail"
      if [[ $rel == *.jar ]]; then
        diff <(unzip -Z -v "$file" | grep -E '^(Central directory entry|  file last modified|  32-bit CRC)' ) \
             <(unzip -Z -v "$work/build2/$rel" | grep -E '^(Central directory entry|  file last modified|  32-bit CRC)') \
          | head -20 | sed 's/^/      /' || true
      fi
    fi
  done < <(find "$work/build1" -type f | sort)
  generated=$(find "$work/build1" -path '*/generated-sources/*' -type f | wc -l)
  echo "  identical  $generated generated source files (poa-auth-api/target/generated-sources)"
  echo "  $identical files identical"
} | tee "$out/reproducibility.txt"
if [[ -f $work/repro-fail ]]; then
  fail "the two builds differ (target/release-check/reproducibility.txt)"
fi
check_end

step "the staged bundle"
check_begin
# SNAPSHOT deployments carry a timestamp in each file name; the listing shows them as -SNAPSHOT.
(cd "$staging" && find . -type f ! -name 'maven-metadata*' ! -name '*.md5' ! -name '*.sha1' ! -name '*.sha256' ! -name '*.sha512' \
  | sed -E 's#^\./##; s#-[0-9]{8}\.[0-9]{6}-[0-9]+#-SNAPSHOT#' | sort) > "$out/bundle-files.txt"
sed 's/^/  /' "$out/bundle-files.txt"
group_dir=io/github/poaauth
staged_ids=$(sed -E "s#^$group_dir/([^/]+)/.*#\1#" "$out/bundle-files.txt" | sort -u)
expected_ids=$(printf '%s\n' poa-auth-parent "${shipped[@]}" | sort -u)
if [[ $staged_ids != "$expected_ids" ]]; then
  fail "staged artifacts differ from the shipped modules: $(diff <(echo "$expected_ids") <(echo "$staged_ids") | grep '^[<>]' | tr '\n' ' ')"
fi
for dir in */; do
  module=${dir%/}
  [[ -f $module/pom.xml ]] || continue
  if ! printf '%s\n' "${shipped[@]}" | grep -qx "$module" && grep -q "^$group_dir/$module/" "$out/bundle-files.txt"; then
    fail "module $module is not shipped but is in the bundle"
  fi
done

has() { grep -qx "$group_dir/$1/$version/$1-$version$2" "$out/bundle-files.txt" || fail "$1: no $1-$version$2 in the bundle"; }
staged_file() { # the staged file behind a listed name
  find "$staging/$group_dir/$1/$version" -name "$(echo "$1-$version$2" | sed "s/-SNAPSHOT/-*/")" ! -name '*.md5' ! -name '*.sha1' | sort | tail -1
}
has poa-auth-parent .pom
for module in "${shipped[@]}"; do
  has "$module" .pom
  packaging=$(sed -n 's#^  <packaging>\(.*\)</packaging>#\1#p' "$module/pom.xml")
  if [[ ${packaging:-jar} == jar ]]; then
    for suffix in .jar -sources.jar -javadoc.jar -cyclonedx.json; do has "$module" "$suffix"; done
    # (grep reads a whole listing: grep -q in a pipe would end unzip early, failing pipefail.)
    grep -q '\.java$' <<<"$(unzip -l "$(staged_file "$module" -sources.jar)")" || fail "$module: sources jar has no .java file"
    grep -q ' index.html$' <<<"$(unzip -l "$(staged_file "$module" -javadoc.jar)")" || fail "$module: Javadoc jar has no index.html"
    grep -q '"bomFormat" : "CycloneDX"' "$(staged_file "$module" -cyclonedx.json)" || fail "$module: SBOM is not CycloneDX"
  fi
done

check_end

# Central's POM rules: name and description in each POM; url, licenses, developers and scm in
# it or in its (staged) parent.
check_begin
parent_pom=$(staged_file poa-auth-parent .pom)
for id in poa-auth-parent "${shipped[@]}"; do
  pom=$(staged_file "$id" .pom)
  [[ -n $pom ]] || continue
  for element in name description; do
    grep -q "^  <$element>" "$pom" || fail "$id: the staged POM has no <$element>"
  done
  for element in url licenses developers scm; do
    if ! grep -q "^  <$element[ >]" "$pom"; then
      grep -q '^  <parent>' "$pom" && grep -q "^  <$element[ >]" "$parent_pom" || fail "$id: no <$element> in the POM or its parent"
    fi
  done
  grep -q '<license>' "$pom" "$parent_pom" || fail "$id: no license"
done
bom=$(staged_file poa-auth-bom .pom)
if grep -q '<parent>' "$bom"; then fail "poa-auth-bom: the staged BOM names a parent (its dependencyManagement would leak)"; fi
managed=$(sed -n 's#.*<artifactId>\(.*\)</artifactId>.*#\1#p' "$bom" | grep -vx poa-auth-bom | sort)
jar_modules=$(for m in "${shipped[@]}"; do [[ $m == poa-auth-bom ]] || echo "$m"; done | sort)
if [[ $managed != "$jar_modules" ]]; then
  fail "poa-auth-bom manages [$(echo $managed)] but the shipped modules are [$(echo $jar_modules)]: add a <dependency> to poa-auth-bom/pom.xml"
fi
if grep -q '<groupId>' <(sed -n '/<dependencyManagement>/,/<\/dependencyManagement>/p' "$bom" | grep -v 'io.github.poaauth'); then
  fail "poa-auth-bom manages something other than poa-auth modules"
fi

check_end

step "throwaway project: staged BOM and client, no reactor, empty local repository"
check_begin
local_repo=$(./mvnw -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || echo "$HOME/.m2/repository")
third_party="$work/third-party"
mkdir -p "$third_party/io/github"
for entry in "$local_repo"/*; do [[ $(basename "$entry") == io ]] || ln -s "$entry" "$third_party/"; done
for entry in "$local_repo"/io/*; do [[ $(basename "$entry") == github ]] || ln -s "$entry" "$third_party/io/"; done
for entry in "$local_repo"/io/github/*; do [[ $(basename "$entry") == poaauth ]] || ln -s "$entry" "$third_party/io/github/"; done
consumer="$work/consumer"
mkdir -p "$consumer/src/main/java/example"
prop() { sed -n "s#.*<$1>\(.*\)</$1>.*#\1#p" pom.xml | head -1; }
cat > "$consumer/settings.xml" <<XML
<settings>
  <localRepository>$work/consumer-m2</localRepository>
  <mirrors>
    <mirror><id>third-party</id><mirrorOf>*,!poa-staging</mirrorOf><url>file://$third_party</url></mirror>
  </mirrors>
  <profiles><profile><id>staging</id>
    <repositories><repository><id>poa-staging</id><url>file://$staging</url>
      <snapshots><enabled>true</enabled></snapshots></repository></repositories>
  </profile></profiles>
  <activeProfiles><activeProfile>staging</activeProfile></activeProfiles>
</settings>
XML
cat > "$consumer/pom.xml" <<XML
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>partner-app</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.github.poaauth</groupId>
        <artifactId>poa-auth-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.github.poaauth</groupId>
      <artifactId>poa-auth-client</artifactId>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><artifactId>maven-resources-plugin</artifactId><version>$(prop maven-resources-plugin.version)</version></plugin>
      <plugin><artifactId>maven-compiler-plugin</artifactId><version>$(prop maven-compiler-plugin.version)</version></plugin>
      <plugin><artifactId>maven-dependency-plugin</artifactId><version>$(prop maven-dependency-plugin.version)</version></plugin>
    </plugins>
  </build>
</project>
XML
cat > "$consumer/src/main/java/example/PartnerApp.java" <<'JAVA'
package example;

import io.github.poaauth.api.model.TokenResponse;
import io.github.poaauth.client.PoaTokenProvider;

/** Compiles only if the staged client and its transitive API resolve. */
public final class PartnerApp {
  public static void main(String[] args) {
    System.out.println(PoaTokenProvider.class.getName() + " " + TokenResponse.class.getName());
  }
}
JAVA
if (cd "$consumer" && "$root/mvnw" -B -s settings.xml compile dependency:list -DincludeScope=compile \
      -DoutputFile="$out/throwaway-dependencies.txt" > "$out/throwaway-build.log" 2>&1); then
  echo "  throwaway project compiled; its compile classpath (target/release-check/throwaway-dependencies.txt):"
  grep -E '^ +[a-z]' "$out/throwaway-dependencies.txt" | sed 's/^ */    /'
  echo "  files fetched into its empty local repository, by repository:"
  grep -oE 'Downloaded from [a-z-]+' "$out/throwaway-build.log" | sort | uniq -c | sed 's/^/    /'
  if grep -E 'Downloaded from third-party: .*/io/github/poaauth/' "$out/throwaway-build.log"; then
    fail "the throwaway project got io.github.poaauth from elsewhere than the staging directory"
  fi
  if grep -E 'Download(ing|ed) from poa-staging' "$out/throwaway-build.log" | grep -q 'poaauth'; then
    echo "  io.github.poaauth came from the staging directory only:"
    grep -oE 'Downloaded from poa-staging: .*io/github/poaauth/[^ ]+' "$out/throwaway-build.log" | sed -E 's#.*io/github/poaauth/#    #' | grep -v metadata
  fi
else
  tail -30 "$out/throwaway-build.log" >&2
  fail "the throwaway project did not build against the staged bundle (target/release-check/throwaway-build.log)"
fi

check_end

{
  echo "release check of poa-auth $version: shipped modules ${shipped[*]}"
  echo "bundle: $(wc -l < "$out/bundle-files.txt") files (target/release-check/bundle-files.txt)"
  echo "build 2 (clean deploy, no tests): ${build2_seconds}s; whole check: $((SECONDS - start))s"
  echo "failures: $failures"
} | tee "$out/summary.txt"
# The four checks: reproducibility, bundle contents, POM metadata and BOM, throwaway build.
echo "release-check: $passed passed, $failed failed"
[[ $failures -eq 0 ]] || exit 1
