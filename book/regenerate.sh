#!/usr/bin/env bash
# Regenerates the book's own figures and results files: runs every chapter's
# default command with --book, which writes into book/src/figures/<chapter>
# instead of target/figures/<chapter>. Appendix C describes it; the data
# variables must be set as it says. Arguments are passed on to every chapter,
# e.g. `book/regenerate.sh --quiet`.
set -euo pipefail
cd "$(dirname "$0")/.."

for main in chapters-code/ch*/src/main.rs; do
    package=$(basename "$(dirname "$(dirname "$main")")")
    # Only the chapters that write figures or results take --book.
    help=$(cargo run --quiet --release -p "$package" -- --help)
    if [[ $help == *--book* ]]; then
        echo "regenerate: cargo run --release -p $package -- --book $*"
        cargo run --quiet --release -p "$package" -- --book "$@"
    fi
done
