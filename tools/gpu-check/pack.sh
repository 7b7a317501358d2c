#!/usr/bin/env bash
# Packs into DIR what run.sh needs on a CUDA machine: the bgswap-djl classes and tests, their
# dependencies (without DJL's native jars and without bgswap-onnx and ONNX Runtime), the JUnit console launcher,
# JNI headers, the built-in models named (from the local model cache) and, with JRE=1, a Java
# runtime made with jlink for machines that have none.
#
#   tools/gpu-check/pack.sh DIR [model ...]      default models: selfie selfie-landscape
set -euo pipefail
dir=${1:?usage: tools/gpu-check/pack.sh DIR [model ...]}
shift
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(selfie selfie-landscape)
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"/lib "$dir"/include "$dir"/cache/bgswap/models
dir=$(cd "$dir" && pwd)

cd "$root"
mvn -q -B -pl bgswap-djl -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/gpu-check-classpath.txt -Dmdep.includeScope=test
junit=$(sed -n "s:.*<junit.version>\(.*\)</junit.version>.*:\1:p" pom.xml)
platform="1.${junit#5.}"
mvn -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
    -DoutputDirectory="$dir/lib"

n=0
for entry in $(tr ':' '\n' < bgswap-djl/target/gpu-check-classpath.txt) bgswap-djl/target/classes bgswap-djl/target/test-classes; do
    case "$entry" in
        *onnxruntime*|*/bgswap-onnx/*|*pytorch-native*|*pytorch-jni*|*/junit-*|*/opentest4j-*|*/apiguardian-*|*/byte-buddy-*) ;;
        *.jar) cp "$entry" "$dir/lib/" ;;
        *) [ -d "$entry" ] && jar cf "$dir/lib/classes-$((n++)).jar" -C "$entry" . ;;
    esac
done

jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
cp "$jdk/include/jni.h" "$jdk/include/linux/jni_md.h" "$dir/include/"
mkdir -p "$dir/samples"
cp tools/gpu-check/djl_torch_jni.cc tools/gpu-check/run.sh "$dir/"
cp samples/portrait.jpg "$dir/samples/"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/bgswap/models"
for m in "${models[@]}"; do
    ls "$cache/$m"-*.* >/dev/null 2>&1 \
        || { echo "model $m is not in $cache: run 'java -jar bgswap-examples/target/bgswap.jar models pull $m' first" >&2; exit 1; }
    cp "$cache/$m"-*.* "$dir/cache/bgswap/models/"
done

if [ "${JRE:-0}" = 1 ]; then
    rm -rf "$dir/jre"
    jlink --add-modules java.base,java.desktop,java.logging,jdk.unsupported,java.xml --strip-debug \
        --no-header-files --no-man-pages --output "$dir/jre" \
        --exclude-files='**libjsound.so,**libsplashscreen.so,**libawt_xawt.so,**libfontmanager.so,**libjawt.so'
    # Libraries the image decoders link against, next to them (the runtime's rpath is $ORIGIN).
    for lib in libjpeg.so.62 liblcms2.so.2 libpng16.so.16 libgif.so.7; do
        path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
        [ -n "$path" ] && cp -L "$path" "$dir/jre/lib/"
    done
fi
du -sh "$dir"
