#!/bin/sh
# Jamf Pro extension attribute: the worst verdict Launchwatch finds on this Mac in a minute of watching,
# and the items it flagged, e.g. "<result>mining: com.apple.rig2 (mining)</result>". Add it in Jamf Pro
# (Settings > Computer Management > Extension Attributes, input type Script); Jamf runs it as root at
# inventory, so root processes' sockets are seen too. It needs Launchwatch in /Applications.
#
# LW_LAUNCHWATCH replaces the path to the headless scanner (tests).

launchwatch=${LW_LAUNCHWATCH:-/Applications/Launchwatch.app/Contents/Resources/launchwatch}
if [ ! -x "$launchwatch" ]; then
  echo "<result>not installed</result>"
  exit 0
fi
# --summary prints one line with no <, > or &; --no-history: an inventory run adds nothing to the Mac.
summary=$("$launchwatch" scan --duration 60 --interval 5 --summary --no-history 2>/dev/null | head -n 1)
[ -n "$summary" ] || summary="error: the scan printed nothing"
echo "<result>$summary</result>"
exit 0
