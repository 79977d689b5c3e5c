#!/usr/bin/env bash
# Makes the share-card font committed in fonts/: Noto Sans CJK JP (SIL OFL
# 1.1) cut down to the characters Japanese page titles use, so the binary
# carries a few MB instead of 40 and cards render the same on any machine.
#
# Needs Debian's fonts-noto-cjk (or the upstream .ttc/.otf, via NOTO_DIR)
# and fonttools' pyftsubset. Run from the repository root:
#
#     scripts/subset-font.sh
#
# Coverage: ASCII, Latin-1 punctuation, general punctuation, CJK symbols,
# hiragana, katakana, half- and full-width forms, and every character of
# JIS X 0208 and of Windows' CP932 (NEC and IBM extensions: ①, ㈱, 髙, 﨑).
set -euo pipefail

NOTO_DIR=${NOTO_DIR:-/usr/share/fonts/opentype/noto}
OUT=${OUT:-fonts}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT

"$PY" - "$chars" <<'PY'
import sys
chars = set()
def add_range(a, b):
    chars.update(chr(c) for c in range(a, b + 1))
add_range(0x20, 0x7E)        # ASCII
add_range(0xA0, 0xFF)        # Latin-1 (punctuation, é, ×, ÷)
add_range(0x2010, 0x2027)    # dashes, quotes, ellipsis
add_range(0x2030, 0x203B)    # ‰ ′ ″ ※
add_range(0x2190, 0x2193)    # arrows
add_range(0x3000, 0x303F)    # CJK symbols and punctuation
add_range(0x3041, 0x309F)    # hiragana
add_range(0x30A0, 0x30FF)    # katakana
add_range(0xFF01, 0xFF9F)    # full-width ASCII, half-width katakana
add_range(0xFFE0, 0xFFE6)    # full-width ¢ £ ¬ ￣ ¦ ¥
# Every two-byte character of EUC-JP (JIS X 0208) and of CP932.
for lead in range(0xA1, 0xFF):
    for trail in range(0xA1, 0xFF):
        try:
            chars.update(bytes([lead, trail]).decode("euc_jp"))
        except UnicodeDecodeError:
            pass
for lead in list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD)):
    for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFD)):
        try:
            chars.update(bytes([lead, trail]).decode("cp932"))
        except UnicodeDecodeError:
            pass
chars.discard("\x7f")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(f"{len(chars)} characters", file=sys.stderr)
PY

# One weight keeps the binary small: the card template sets everything in
# bold, which reads well at social-feed thumbnail sizes.
for weight in Bold; do
    pyftsubset "$NOTO_DIR/NotoSansCJK-$weight.ttc" \
        --font-number=0 \
        --text-file="$chars" \
        --layout-features='kern,palt,vert,locl' \
        --no-hinting \
        --name-IDs='*' \
        --output-file="$OUT/NotoSansCJKjp-$weight-subset.otf"
done
ls -l "$OUT"/*.otf
