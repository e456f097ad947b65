# tests/supervisor/py_cases.sh — sourced after tests/lib.sh by the suites
# whose Python drivers use tests/supervisor/vyomad_client.py (the supervisor
# suite, tests/display/screen.sh): what lib.sh lacks to count their cases.
#
#   py_cases CASE < <(python3 DRIVER ... 2>&1)
#                      each "pass NAME" / "fail NAME WHY" line of the driver
#                      becomes lib.sh's pass/fail; its other lines (detail,
#                      a traceback) are shown as detail.  A driver that stops
#                      before its last line "end" (it crashed) fails CASE,
#                      so that the cases it did not reach cannot go unseen.
py_cases() {
  local line ended=0
  while IFS= read -r line; do
    case $line in
      "pass "*) pass "${line#pass }" ;;
      "fail "*) line=${line#fail }; fail "${line%% *}" "${line#* }" ;;
      end) ended=1 ;;
      *) printf '    | %s\n' "$line" ;;
    esac
  done
  [ $ended = 1 ] || fail "$1" "its Python driver stopped before the end"
}
