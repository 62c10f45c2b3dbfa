#!/bin/sh
# Active health check for the load balancer's upstreams (open-source nginx checks only passively).
# Asks each instance's /readyz; prints one line per instance and exits 1 when any is not ready, so cron
# mails it, a systemd timer's OnFailure= alerts, or a monitoring agent picks it up.
#   usage: check-readyz.sh http://10.0.0.21:8080 http://10.0.0.22:8080 http://10.0.0.11:8080
set -u
status=0
for base in "$@"; do
    body=$(curl -fsS --max-time 3 "$base/readyz" 2>&1) && echo "ready     $base" || { echo "NOT READY $base $body"; status=1; }
done
exit $status
