#!/usr/bin/env bash
# Makes compat/baseline the compatibility baseline: the spec and the main jars of the shipped
# library modules as they are in this working tree, labelled with a released version.
#
#   scripts/update-api-baseline.sh [VERSION]
#
# Run it on the release commit (RELEASING.md), where the project version is the release's and
# VERSION can be left out; give VERSION to label another tree (0.1.0 was made this way from the
# pre-release code). Then commit compat/baseline. The japicmp check of every shipped module
# (root pom.xml) and poa-auth-compat-tests read these files.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

project_version=$(sed -n '0,/<version>/s#.*<version>\(.*\)</version>.*#\1#p' pom.xml | head -1)
version=${1:-${project_version%-SNAPSHOT}}
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "update-api-baseline: '$version' is not a release version (x.y.z)" >&2
  exit 2
fi

mapfile -t shipped < <(scripts/shipped-modules.sh)
modules=$(IFS=,; echo "${shipped[*]}")
echo "update-api-baseline: building $modules at $project_version (no tests, no API check)"
./mvnw -B -ntp -q package -DskipTests -Dpoa.japicmp.skip=true -pl "$modules" -am

baseline="$root/compat/baseline"
rm -rf "$baseline/java" "$baseline/openapi"
mkdir -p "$baseline/java" "$baseline/openapi"
cp openapi/poa-auth.yaml "$baseline/openapi/poa-auth.yaml"
for module in "${shipped[@]}"; do
  # The CLI opts out of the Java API check (its contract is its command line); a POM module
  # (the BOM) has no jar.
  if grep -q '<poa.japicmp.skip>true</poa.japicmp.skip>' "$module/pom.xml"; then continue; fi
  jar="$module/target/$module-$project_version.jar"
  [[ -f $jar ]] || continue
  cp "$jar" "$baseline/java/$module.jar"
done
printf '# The release the compatibility checks compare with (scripts/update-api-baseline.sh writes it).\nversion=%s\n' "$version" \
  > "$baseline/baseline.properties"

echo "update-api-baseline: compat/baseline is now release $version:"
(cd "$baseline" && find . -type f | sort | xargs ls -l | awk '{print "  " $5 "\t" $9}')
