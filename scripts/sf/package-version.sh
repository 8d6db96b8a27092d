#!/usr/bin/env bash
# Creates a new version of the unlocked package "MSI Actions" (and the package itself the first time),
# with code coverage so it can be promoted. Needs a Dev Hub with packaging enabled.
#   scripts/sf/package-version.sh [dev-hub-alias]
# Promote a tested version with: sf package version promote --package "MSI Actions@1.0.0-1"
source "$(dirname "$0")/common.sh"
DEV_HUB=(); [[ -n "${1:-}" ]] && DEV_HUB=(--target-dev-hub "$1")

# sfdx-project.json lists the package id under packageAliases once it exists.
if ! node -e "process.exit(require('./sfdx-project.json').packageAliases?.['${PACKAGE_NAME}'] ? 0 : 1)"; then
  "$SF" package create --name "$PACKAGE_NAME" --package-type Unlocked --path force-app --no-namespace \
    --description "MSI Actions for Salesforce: setup pages and the rep's person view" "${DEV_HUB[@]}"
fi
"$SF" package version create --package "$PACKAGE_NAME" --installation-key-bypass --code-coverage \
  --definition-file config/project-scratch-def.json --wait 60 "${DEV_HUB[@]}"
echo "The new version (04t...) is now in sfdx-project.json under packageAliases; commit that file."
"$SF" package version list --packages "$PACKAGE_NAME" --order-by CreatedDate "${DEV_HUB[@]}" | tail -n 5
