#!/usr/bin/env bash
# Compare apm-doctor with its peers on generated monorepos of 10k, 100k and 1M lines.
#
#   bash benches/compare.sh [--sizes 10k,100k,1M] [--runs 3] [--no-install]
#
# 1. builds apm-doctor and gen-monorepo (release);
# 2. generates the trees into target/bench-trees/<size> (kept between runs, regenerated when
#    the generator's sources change);
# 3. installs the peers when they are missing and can be installed (ripgrep from Debian or
#    crates.io, ast-grep from npm or crates.io, semgrep from PyPI in a venv under target/),
#    skipping a peer with a note when it cannot be had;
# 4. times on each tree, with `/usr/bin/time -f "%e %M"` (median of --runs runs):
#      apm-doctor, full rule pack          apm-doctor, audit pack only (`[rules] disable`)
#      apm-doctor, 10 rules (`--rule` x10) ripgrep, regexes of the audit rules (the floor)
#      ast-grep, semgrep: the structural subset (benches/compare/ast-grep, semgrep.yml)
#      apm-doctor, full pack re-scanning the unchanged tree with a warm `--cache`
# 5. prints a Markdown table (also written to target/bench-compare/table.md) with the ratios
#    to the ripgrep floor, the scaling across sizes, the 10-rules-versus-all check and the
#    re-scan-versus-cold ratio.
set -euo pipefail

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

SIZES="10k,100k,1M"
RUNS=3
INSTALL=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="${2:?--sizes needs a list such as 10k,100k}"; shift 2 ;;
        --sizes=*) SIZES="${1#--sizes=}"; shift ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --runs=*) RUNS="${1#--runs=}"; shift ;;
        --no-install) INSTALL=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "compare.sh: --runs must be a positive number" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
TREES="$TARGET/bench-trees"
TOOLS="$TARGET/bench-tools"
OUT="$TARGET/bench-compare"
COMPARE="$ROOT/benches/compare"
mkdir -p "$TREES" "$TOOLS" "$OUT"
: > "$OUT/results.tsv"
NOTES=()
note() { NOTES+=("$*"); echo "note: $*" >&2; }
log() { echo "== $*" >&2; }

if [ ! -x /usr/bin/time ]; then
    if [ "$INSTALL" = 1 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq time >/dev/null 2>&1 || true
    fi
    [ -x /usr/bin/time ] || { echo "compare.sh: GNU time (/usr/bin/time) is required: apt-get install time" >&2; exit 1; }
fi

# ---------------------------------------------------------------------------------------------
# 1. Build

log "building apm-doctor and gen-monorepo (release)"
(cd "$ROOT" && cargo build --release --quiet -p apm-doctor --bin apm-doctor \
    && cargo build --release --quiet -p apm-doctor-benches --bin gen-monorepo)
APM="$TARGET/release/apm-doctor"
GEN="$TARGET/release/gen-monorepo"

# ---------------------------------------------------------------------------------------------
# 2. Trees

generator_hash() {
    (cd "$ROOT" && find benches/src -name '*.rs' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
}
GEN_HASH="$(generator_hash)"
IFS=',' read -r -a SIZE_LIST <<< "$SIZES"
declare -A LINES
for size in "${SIZE_LIST[@]}"; do
    tree="$TREES/$size"
    stamp="$TREES/$size.stamp"
    expected="$GEN_HASH $("$GEN" --count --lines "$size")"
    if [ -d "$tree" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$expected" ]; then
        log "tree $size: cached ($tree)"
    else
        log "tree $size: generating into $tree"
        rm -rf "$tree" "$stamp"
        "$GEN" "$tree" --lines "$size" >&2
        echo "$expected" > "$stamp"
    fi
    # "would write: N services, N files, N lines, N bytes"
    LINES[$size]="$(sed -E 's/.* ([0-9]+) lines.*/\1/' "$stamp")"
done

# ---------------------------------------------------------------------------------------------
# 3. Peers

RG=""; AST_GREP=""; SEMGREP=""
export PATH="$TOOLS/cargo/bin:$PATH"

find_rg() { command -v rg 2>/dev/null || true; }
RG="$(find_rg)"
if [ -z "$RG" ] && [ "$INSTALL" = 1 ]; then
    log "installing ripgrep"
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        { apt-get install -y -qq ripgrep || { apt-get update -qq && apt-get install -y -qq ripgrep; }; } \
            > "$TOOLS/ripgrep-install.log" 2>&1 || true
    fi
    RG="$(find_rg)"
    if [ -z "$RG" ]; then
        cargo install --quiet ripgrep --root "$TOOLS/cargo" > "$TOOLS/ripgrep-install.log" 2>&1 || true
        RG="$(find_rg)"
    fi
fi
[ -n "$RG" ] || note "ripgrep unavailable (see $TOOLS/ripgrep-install.log): no floor, ratios left blank"

# /usr/bin/sg is often shadow-utils' newgrp: only trust a binary that says it is ast-grep.
is_ast_grep() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q '^ast-grep'; }
find_ast_grep() {
    for c in "$TOOLS/ast-grep/node_modules/.bin/ast-grep" "$TOOLS/cargo/bin/ast-grep" "$(command -v ast-grep 2>/dev/null || true)"; do
        if [ -n "$c" ] && is_ast_grep "$c"; then echo "$c"; return; fi
    done
}
AST_GREP="$(find_ast_grep)"
if [ -z "$AST_GREP" ] && [ "$INSTALL" = 1 ]; then
    log "installing ast-grep"
    if command -v npm >/dev/null 2>&1; then
        npm install --prefix "$TOOLS/ast-grep" --no-save --no-audit --no-fund @ast-grep/cli \
            > "$TOOLS/ast-grep-install.log" 2>&1 || true
    fi
    AST_GREP="$(find_ast_grep)"
    if [ -z "$AST_GREP" ]; then
        log "installing ast-grep with cargo (several minutes)"
        cargo install --quiet ast-grep --locked --root "$TOOLS/cargo" >> "$TOOLS/ast-grep-install.log" 2>&1 || true
        AST_GREP="$(find_ast_grep)"
    fi
fi
[ -n "$AST_GREP" ] || note "ast-grep unavailable (see $TOOLS/ast-grep-install.log): skipped"

find_semgrep() {
    for c in "$TOOLS/semgrep-venv/bin/semgrep" "$(command -v semgrep 2>/dev/null || true)"; do
        if [ -n "$c" ] && [ -x "$c" ] && "$c" --version >/dev/null 2>&1; then echo "$c"; return; fi
    done
}
SEMGREP="$(find_semgrep)"
if [ -z "$SEMGREP" ] && [ "$INSTALL" = 1 ]; then
    log "installing semgrep into $TOOLS/semgrep-venv"
    { python3 -m venv "$TOOLS/semgrep-venv" && "$TOOLS/semgrep-venv/bin/pip" install -q semgrep; } \
        > "$TOOLS/semgrep-install.log" 2>&1 || true
    SEMGREP="$(find_semgrep)"
fi
[ -n "$SEMGREP" ] || note "semgrep unavailable (see $TOOLS/semgrep-install.log): skipped"
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

# ---------------------------------------------------------------------------------------------
# apm-doctor configurations

printf '# benches/compare.sh: no settings, the whole built-in pack\n' > "$OUT/full.toml"
# Audit pack only: disable every rule outside rules/audit except the tracer-init facts the
# audit rules read (svc.init).
{
    echo "# benches/compare.sh: the audit pack only"
    echo "[rules]"
    echo "disable = ["
    for f in "$ROOT"/rules/*/*.rhai; do
        id="$(grep -m1 -oE 'id: *"[^"]+"' "$f" | sed -E 's/.*"([^"]+)"/\1/')"
        cat="$(grep -m1 -oE 'category: *"[^"]+"' "$f" | sed -E 's/.*"([^"]+)"/\1/')"
        if [ -n "$id" ] && [ "$cat" != "audit" ] && [ "$id" != "tracer-init" ]; then
            echo "  \"$id\","
        fi
    done
    echo "]"
} > "$OUT/audit-only.toml"
# Finding rules a scan runs (`rules list`: id, severity, category, summary), without the
# alert-classification rules of `rca`, which scans never call.
ALL_RULES=()
while read -r id _ cat _; do
    [ "$cat" = "rca" ] || ALL_RULES+=("$id")
done < <("$APM" rules list)
TEN_RULE_FLAGS=()
for id in "${ALL_RULES[@]:0:10}"; do TEN_RULE_FLAGS+=(--rule "$id"); done

# ---------------------------------------------------------------------------------------------
# 4. Timing

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure TOOL SIZE CMD...: run CMD RUNS times; exit codes 0 and 1 (findings, no match) are
# success, and so is apm-doctor's 2 for a run that finished but reports a rule stopped by a
# sandbox limit (noted). Appends "TOOL SIZE WALL_S RSS_KIB" to results.tsv.
measure() {
    local tool="$1" size="$2"; shift 2
    local slug="${tool//[^a-zA-Z0-9]/_}-$size" walls=() rsss=() run status
    for run in $(seq 1 "$RUNS"); do
        status=0
        /usr/bin/time -f "%e %M" -o "$OUT/$slug.time" "$@" > "$OUT/$slug.out" 2> "$OUT/$slug.err" || status=$?
        if [ "$status" = 2 ] && grep -q 'the run is incomplete' "$OUT/$slug.err"; then
            if [ "$run" = 1 ]; then
                note "$tool on $size: incomplete run (exit 2), timed anyway: $(grep -m1 'rule-error' "$OUT/$slug.err" | cut -c1-240)"
            fi
        elif [ "$status" -gt 1 ]; then
            note "$tool on $size failed (exit $status, see $OUT/$slug.err): skipped"
            return 0
        fi
        read -r wall rss < <(tail -n 1 "$OUT/$slug.time")
        walls+=("$wall"); rsss+=("$rss")
        echo "   $tool $size run $run: ${wall}s, $((rss / 1024)) MiB" >&2
    done
    printf '%s\t%s\t%s\t%s\n' "$tool" "$size" \
        "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${rsss[@]}" | median)" >> "$OUT/results.tsv"
}

# The trees live under target/, which this repository's .gitignore lists: every tool is told
# not to honour ignore files, or some would skip the whole tree.
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for size in "${SIZE_LIST[@]}"; do
    tree="$TREES/$size"
    log "timing on $size (${LINES[$size]} lines), $RUNS runs each"
    measure "apm-doctor full" "$size" "$APM" scan "$tree" --config "$OUT/full.toml" --no-ignore --format json -o /dev/null --fail-on never
    measure "apm-doctor audit" "$size" "$APM" scan "$tree" --config "$OUT/audit-only.toml" --no-ignore --format json -o /dev/null --fail-on never
    measure "apm-doctor 10 rules" "$size" "$APM" scan "$tree" --config "$OUT/full.toml" "${TEN_RULE_FLAGS[@]}" --no-ignore --format json -o /dev/null --fail-on never
    # Incremental: one untimed run fills a fresh cache, then the unchanged tree is re-scanned.
    rm -rf "$OUT/cache-$size"
    "$APM" scan "$tree" --config "$OUT/full.toml" --no-ignore --format json -o /dev/null --fail-on never --cache "$OUT/cache-$size" 2> /dev/null || true
    measure "apm-doctor re-scan (--cache)" "$size" "$APM" scan "$tree" --config "$OUT/full.toml" --no-ignore --format json -o /dev/null --fail-on never --cache "$OUT/cache-$size"
    [ -z "$RG" ] || measure "ripgrep (audit regexes)" "$size" "$RG" --no-ignore -c -f "$COMPARE/audit-rules.txt" "$tree"
    [ -z "$AST_GREP" ] || measure "ast-grep (subset)" "$size" "$AST_GREP" scan -c "$COMPARE/ast-grep/sgconfig.yml" --no-ignore vcs --no-ignore parent --json=stream "$tree"
    [ -z "$SEMGREP" ] || measure "semgrep (subset)" "$size" "$SEMGREP" scan --metrics=off --disable-version-check --quiet --no-git-ignore \
        --config "$COMPARE/semgrep.yml" --json -j "$(nproc)" "$tree"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
# 5. Report

lookup() { awk -F'\t' -v t="$1" -v s="$2" -v c="$3" '$1 == t && $2 == s { print $c }' "$OUT/results.tsv"; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; else echo "-"; fi; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
TOOLS_ORDER=("apm-doctor full" "apm-doctor audit" "apm-doctor 10 rules" "apm-doctor re-scan (--cache)" "ripgrep (audit regexes)" "ast-grep (subset)" "semgrep (subset)")
{
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo); $(date -u +%Y-%m-%d); load average before/after: $LOAD_BEFORE / $LOAD_AFTER; median of $RUNS runs."
    echo
    echo "| tool | tree (lines) | wall s | peak RSS MiB | ratio to ripgrep floor |"
    echo "|---|---|---:|---:|---:|"
    for size in "${SIZE_LIST[@]}"; do
        floor="$(lookup "ripgrep (audit regexes)" "$size" 3)"
        for tool in "${TOOLS_ORDER[@]}"; do
            wall="$(lookup "$tool" "$size" 3)"
            [ -n "$wall" ] || continue
            rss="$(lookup "$tool" "$size" 4)"
            echo "| $tool | $size (${LINES[$size]}) | $wall | $(mib "$rss") | $(ratio "$wall" "$floor") |"
        done
    done
    echo
    echo "Scaling: seconds per 100k lines"
    echo
    echo "| tool | $(printf '%s | ' "${SIZE_LIST[@]}")"
    echo "|---|$(printf -- '---:|%.0s' "${SIZE_LIST[@]}")"
    for tool in "apm-doctor full" "apm-doctor audit" "ripgrep (audit regexes)"; do
        row="| $tool |"
        for size in "${SIZE_LIST[@]}"; do
            wall="$(lookup "$tool" "$size" 3)"
            if [ -n "$wall" ]; then
                row+=" $(awk -v w="$wall" -v l="${LINES[$size]}" 'BEGIN { printf "%.3f", w * 100000 / l }') |"
            else
                row+=" - |"
            fi
        done
        echo "$row"
    done
    echo
    echo "Rules: 10 rules (\`--rule\` x10: ${ALL_RULES[*]:0:10}; fact rules still run) versus all ${#ALL_RULES[@]} finding rules"
    echo
    echo "| tree | 10 rules s | all rules s | all / 10 |"
    echo "|---|---:|---:|---:|"
    for size in "${SIZE_LIST[@]}"; do
        ten="$(lookup "apm-doctor 10 rules" "$size" 3)"; all="$(lookup "apm-doctor full" "$size" 3)"
        if [ -n "$ten" ] && [ -n "$all" ]; then
            echo "| $size | $ten | $all | $(ratio "$all" "$ten") |"
        fi
    done
    echo
    echo "Incremental: a re-scan of the unchanged tree with \`--cache\` against the cold full scan"
    echo
    echo "| tree | cold s | re-scan s | re-scan / cold |"
    echo "|---|---:|---:|---:|"
    for size in "${SIZE_LIST[@]}"; do
        warm="$(lookup "apm-doctor re-scan (--cache)" "$size" 3)"; all="$(lookup "apm-doctor full" "$size" 3)"
        if [ -n "$warm" ] && [ -n "$all" ]; then
            echo "| $size | $all | $warm | $(awk -v a="$warm" -v b="$all" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "-" }') |"
        fi
    done
    if [ "${#NOTES[@]}" -gt 0 ]; then
        echo
        for n in "${NOTES[@]}"; do echo "- note: $n"; done
    fi
} > "$OUT/table.md"
cat "$OUT/table.md"
echo >&2
echo "(table in $OUT/table.md, raw medians in $OUT/results.tsv)" >&2
