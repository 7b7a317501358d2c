#!/bin/sh
# Remakes the format test images of bgswap-api (src/test/resources/io/bgswap/image/formats).
# Needs a JDK 17 and the command-line tools of libwebp (Debian package `webp`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../bgswap-api/src/test/resources/io/bgswap/image/formats"
java "$here/MakeFormatSamples.java" "$out"
cd "$out"
cwebp -quiet -q 80 pattern.png -o lossy.webp
cwebp -quiet -lossless pattern.png -o lossless.webp
cwebp -quiet -lossless -exact pattern-alpha.png -o alpha-lossless.webp
cwebp -quiet -q 80 pattern-alpha.png -o alpha-lossy.webp
# the first 60 % of a lossy WebP: a download or copy that stopped early
head -c $(( $(wc -c < lossy.webp) * 6 / 10 )) lossy.webp > truncated.webp
# EXIF orientation 6 (turn a quarter clockwise), as a little-endian TIFF block
printf 'II\052\000\010\000\000\000\001\000\022\001\003\000\001\000\000\000\006\000\000\000\000\000\000\000' > exif-rotate-90.bin
webpmux -set exif exif-rotate-90.bin lossy.webp -o rotated.webp
rm exif-rotate-90.bin
cwebp -quiet -lossless p3.png -metadata icc -o p3.webp
# two frames, the pattern for 0.3 s then red: a reader must give the first
img2webp -lossless -d 300 frame-1.png frame-2.png -o animated.webp > /dev/null
rm pattern-alpha.png frame-1.png frame-2.png
