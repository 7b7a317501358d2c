#!/usr/bin/env bash
# Runs on a CUDA machine with a Python PyTorch install, inside a folder made by pack.sh:
# compiles djl_torch_jni.cc against that PyTorch's libtorch, points DJL at it, runs the
# bgswap-djl tests that matter on a GPU (the GPU test included) and DeviceBench.
#
#   bash run.sh [DeviceBench model specs ...]     default: selfie:20:200 selfie-landscape:20:200
#
# Environment: PYTHON (default python3), JAVA (default: ./jre/bin/java, else java on PATH),
# CXX (default g++), BENCH_DUMP (folder for DeviceBench's output files, optional).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
py=${PYTHON:-python3}
java=${JAVA:-}
[ -n "$java" ] || { [ -x jre/bin/java ] && java=$here/jre/bin/java; } || java=java
torch=$("$py" -c "import torch, os; print(os.path.dirname(torch.__file__))") || { echo "no PyTorch for $py" >&2; exit 1; }
"$py" -c "import torch; print('PyTorch', torch.__version__, 'CUDA', torch.version.cuda, 'available', torch.cuda.is_available())"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

echo "== compiling the JNI library against $torch/lib"
for std in c++17 c++20; do
    ${CXX:-g++} -O2 -std=$std -shared -fPIC -w -Iinclude -I"$torch/include" -I"$torch/include/torch/csrc/api/include" \
        djl_torch_jni.cc -L"$torch/lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -Wl,-rpath,"$torch/lib" \
        -o libdjl_torch.so 2>compile.log && { echo "compiled as $std"; break; }
done
[ -f libdjl_torch.so ] || { grep -m10 -A3 error compile.log; exit 1; }
# DJL looks for its JNI library in the libtorch folder (PYTORCH_LIBRARY_PATH) first.
cp libdjl_torch.so "$torch/lib/libdjl_torch.so" || exit 1

site=$(dirname "$torch")
export LD_LIBRARY_PATH=$(ls -d "$site"/nvidia/*/lib "$site"/nvidia/cu*/lib* 2>/dev/null | paste -sd:)
export PYTORCH_LIBRARY_PATH="$torch/lib"
export PYTORCH_VERSION=$("$py" -c "import torch; print(torch.__version__.split('+')[0])")
export PYTORCH_FLAVOR=cu$("$py" -c "import torch; print((torch.version.cuda or '').replace('.', ''))")
export XDG_CACHE_HOME="$here/cache" DJL_CACHE_DIR="$here/djl-cache"

echo "== tests"
"$java" -Dbgswap.contract.isnet=false -cp "lib/*" org.junit.platform.console.ConsoleLauncher execute \
    --select-class io.bgswap.djl.DjlSessionTest --select-class io.bgswap.djl.DjlBackendContractIT \
    --select-class io.bgswap.djl.TorchScriptTest --select-class io.bgswap.djl.GraphExecutorTest \
    --details=tree --disable-banner --disable-ansi-colors
tests=$?

echo "== DeviceBench"
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(selfie:20:200 selfie-landscape:20:200)
dump=()
[ -n "${BENCH_DUMP:-}" ] && dump=(-Dbgswap.bench.dump="$BENCH_DUMP")
"$java" "${dump[@]}" -cp "lib/*" io.bgswap.djl.DeviceBench samples/portrait.jpg "${specs[@]}"
bench=$?
exit $((tests != 0 ? tests : bench))
