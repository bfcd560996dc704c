#!/usr/bin/env bash
# Installs the real Datadog Python tracer (ddtrace) into a virtualenv for the
# real-tracer-payload test (tests/tests/real_tracer_payloads.rs) and prints the
# virtualenv's python, e.g.:
#
#   APM_DOCTOR_PYTHON="$(bash tests/setup-real-tracer.sh)" \
#   APM_DOCTOR_REQUIRE_REAL_TRACER=1 \
#   cargo test -p apm-doctor-tests --test real_tracer_payloads
#
# The venv goes to ${APM_DOCTOR_VENV:-target/ddtrace-venv} (relative to the repository root).
# Progress goes to stderr; stdout holds only the python path.
set -euo pipefail
cd "$(dirname "$0")/.."

DDTRACE_VERSION="4.16.0"
venv="${APM_DOCTOR_VENV:-target/ddtrace-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "creating virtualenv $venv" >&2
  if ! "$python" -m venv "$venv" >&2; then
    echo "python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
fi

if ! "$venv/bin/python" -c "import ddtrace, sys; sys.exit(0 if ddtrace.__version__ == '$DDTRACE_VERSION' else 1)" 2>/dev/null; then
  echo "installing ddtrace==$DDTRACE_VERSION into $venv" >&2
  "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "ddtrace==$DDTRACE_VERSION" >&2
fi

"$venv/bin/python" -c "import ddtrace; print('ddtrace', ddtrace.__version__)" >&2
echo "$(cd "$(dirname "$venv/bin/python")" && pwd)/python"
