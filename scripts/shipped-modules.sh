#!/usr/bin/env bash
# Prints the directories of the shipped modules, one a line: those whose POM says
# <poa.release.skip>false</poa.release.skip> (the one line that ships a module; RELEASING.md).
# Module directories are named after their artifactIds.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -l '<poa.release.skip>false</poa.release.skip>' -- */pom.xml | sed 's#/pom.xml$##' | sort
