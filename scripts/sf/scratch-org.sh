#!/usr/bin/env bash
# Creates a scratch org from config/project-scratch-def.json, deploys force-app, assigns the permission sets
# to the admin user and opens the setup page. Needs a Dev Hub: sf org login web --set-default-dev-hub.
#   scripts/sf/scratch-org.sh [alias] [days]
source "$(dirname "$0")/common.sh"
ALIAS="${1:-msi-actions}"
DAYS="${2:-7}"

"$SF" org create scratch --definition-file config/project-scratch-def.json --alias "$ALIAS" \
  --set-default --duration-days "$DAYS" --wait 15
"$SF" project deploy start --source-dir force-app --target-org "$ALIAS" --wait 30
for permission_set in "${PERMISSION_SETS[@]}"; do
  "$SF" org assign permset --name "$permission_set" --target-org "$ALIAS"
done
"$SF" apex run test --target-org "$ALIAS" --test-level RunLocalTests --code-coverage --result-format human --wait 20
print_after_install_steps
"$SF" org open --target-org "$ALIAS" --path "$SETUP_PAGE"
