# Shared by the shell tests of tests/ops: `check NAME COMMAND...` runs one check and reports it;
# `finish` prints the closing "N passed, N failed" line and exits non-zero when any check failed.
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
