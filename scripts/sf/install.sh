#!/usr/bin/env bash
# Installs a version of the package into an org, or upgrades the installed one (same command: an unlocked
# package upgrade keeps the org's data and settings). Assigns the permission sets to the running user.
#   scripts/sf/install.sh <package-version: 04t... or "MSI Actions@1.0.0-1"> <target-org alias or username>
# Upgrade type Mixed deletes metadata the new version removed only when nothing in the org depends on it.
source "$(dirname "$0")/common.sh"
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <package-version> <target-org>" >&2
  exit 2
fi
VERSION="$1"
TARGET="$2"

echo "Installed before:"
"$SF" package installed list --target-org "$TARGET" || true
"$SF" package install --package "$VERSION" --target-org "$TARGET" --security-type AdminsOnly \
  --upgrade-type Mixed --apex-compile package --wait 30 --publish-wait 10 --no-prompt
for permission_set in "${PERMISSION_SETS[@]}"; do
  # Already assigned after an upgrade: that is fine.
  "$SF" org assign permset --name "$permission_set" --target-org "$TARGET" || true
done
echo "Installed now:"
"$SF" package installed list --target-org "$TARGET"
print_after_install_steps
