# Shared by the scripts in scripts/sf: run from anywhere, fail on the first error, find the sf CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# No telemetry, no update checks: these scripts must not start background `sf update` processes.
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_DISABLE_AUTOUPDATE=true SF_SKIP_NEW_VERSION_CHECK=true

SF="${SF:-sf}"
if ! command -v "$SF" >/dev/null 2>&1; then
  echo "The Salesforce CLI (sf) is not on PATH. Install it with 'npm install --global @salesforce/cli'" >&2
  echo "(on Node 20 add the undici 7 override, see README), or set SF=/path/to/sf." >&2
  exit 1
fi

PACKAGE_NAME="MSI Actions"
PERMISSION_SETS=(MSI_Actions_Admin MSI_Actions_User)
SETUP_PAGE="/lightning/n/MSI_Actions_Setup"

# After an install, the two Named Credentials and the token URL still point at the placeholder host.
print_after_install_steps() {
  cat <<STEPS

Next, in Setup > Named Credentials:
  1. Named Credentials: set the URL of MSI_Actions and MSI_Actions_Public to the MSI Actions service address.
  2. External Credentials > MSI Actions (MSI_Actions_OAuth): set the token URL to <service address>/oauth/token.
  3. Open ${SETUP_PAGE}: invite the first administrators; the Client ID and Client Secret arrive after activation.
STEPS
}
