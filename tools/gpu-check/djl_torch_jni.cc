// The native calls of DJL's PyTorch engine (ai.djl.pytorch.jni.PyTorchLibrary) that bgswap-djl makes,
// compiled against whatever libtorch the machine has. DJL publishes its JNI library for a few PyTorch
// versions only, and a JNI library built for another version crashes (PyTorch's C++ ABI changes
// between releases); this file lets the GPU checks run on a machine's own CUDA build of PyTorch.
// It is a check tool, not part of the library: a call that bgswap-djl does not make is missing here
// and fails with UnsatisfiedLinkError naming it.
#include <torch/script.h>
#include <torch/cuda.h>
#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR >= 2
template <typename X>
using Opt = std::optional<X>;
static constexpr auto NoValue = std::nullopt;
#else
template <typename X>
using Opt = c10::optional<X>;
static constexpr auto NoValue = c10::nullopt;
#endif

#include <string>
#include <vector>

#include <jni.h>

static jclass engine_exception = nullptr;

extern "C" JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) != JNI_OK) {
    return JNI_ERR;
  }
  jclass c = env->FindClass("ai/djl/engine/EngineException");
  engine_exception = static_cast<jclass>(env->NewGlobalRef(c));
  return JNI_VERSION_1_8;
}

#define BEGIN try {
#define END                                                           \
  }                                                                   \
  catch (const c10::Error& e) {                                       \
    env->ThrowNew(engine_exception, e.what_without_backtrace());      \
  }                                                                   \
  catch (const std::exception& e) {                                   \
    env->ThrowNew(engine_exception, e.what());                        \
  }
#define END_RETURN \
  END              \
  return 0;

using Tensor = torch::Tensor;
using Index = std::vector<torch::indexing::TensorIndex>;

static inline Tensor& T(jlong h) { return *reinterpret_cast<Tensor*>(h); }
static inline jlong H(const Tensor& t) { return reinterpret_cast<jlong>(new Tensor(t)); }

static std::vector<int64_t> Longs(JNIEnv* env, jlongArray a) {
  jsize n = env->GetArrayLength(a);
  std::vector<int64_t> v(n);
  if (n > 0) {
    env->GetLongArrayRegion(a, 0, n, reinterpret_cast<jlong*>(v.data()));
  }
  return v;
}

static torch::Device Dev(JNIEnv* env, jintArray a) {
  jint d[2];
  env->GetIntArrayRegion(a, 0, 2, d);
  auto type = static_cast<torch::DeviceType>(d[0]);
  return type == torch::DeviceType::CPU ? torch::Device(torch::kCPU) : torch::Device(type, static_cast<int8_t>(d[1]));
}

static torch::ScalarType ScalarType(jint t) {
  switch (t) {
    case 0: return torch::kFloat32;
    case 1: return torch::kFloat64;
    case 2: return torch::kFloat16;
    case 3: return torch::kUInt8;
    case 4: return torch::kInt32;
    case 5: return torch::kInt8;
    case 6: return torch::kInt64;
    case 7: return torch::kBool;
    case 8: return torch::kComplexFloat;
    default: throw std::invalid_argument("unsupported DJL data type " + std::to_string(t));
  }
}

static jint DType(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return 0;
    case torch::kFloat64: return 1;
    case torch::kFloat16: return 2;
    case torch::kUInt8: return 3;
    case torch::kInt32: return 4;
    case torch::kInt8: return 5;
    case torch::kInt64: return 6;
    case torch::kBool: return 7;
    default: return 8;
  }
}

static torch::TensorOptions Options(JNIEnv* env, jint dtype, jintArray device, jboolean grad) {
  auto o = torch::TensorOptions().device(Dev(env, device)).requires_grad(grad == JNI_TRUE);
  if (dtype != 8) {
    o = o.dtype(ScalarType(dtype));
  }
  return o;
}

#define FN(ret, name, ...) extern "C" JNIEXPORT ret JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_##name(JNIEnv* env, jobject, ##__VA_ARGS__)

// ---- system
FN(jboolean, torchIsGradMode) { BEGIN return c10::GradMode::is_enabled(); END_RETURN }
FN(void, torchSetGradMode, jboolean enable) { BEGIN c10::GradMode::set_enabled(enable); END }
FN(jint, torchGetNumInteropThreads) { BEGIN return at::get_num_interop_threads(); END_RETURN }
FN(jint, torchGetNumThreads) { BEGIN return at::get_num_threads(); END_RETURN }
FN(void, torchSetNumInteropThreads, jint n) { BEGIN at::set_num_interop_threads(n); END }
FN(void, torchSetNumThreads, jint n) { BEGIN at::set_num_threads(n); END }
FN(void, torchShowConfig, jobject set) {
  BEGIN
  jmethodID add = env->GetMethodID(env->GetObjectClass(set), "add", "(Ljava/lang/Object;)Z");
  auto put = [&](const char* f) {
    jstring s = env->NewStringUTF(f);
    env->CallBooleanMethod(set, add, s);
    env->DeleteLocalRef(s);
  };
  if (torch::cuda::is_available()) put("CUDA");
  if (torch::cuda::cudnn_is_available()) put("CUDNN");
  if (at::hasMKL()) put("MKL");
  if (at::hasMKLDNN()) put("MKLDNN");
  if (at::hasOpenMP()) put("OPENMP");
  END
}

// ---- tensor basics
FN(jlongArray, torchSizes, jlong h) {
  BEGIN
  auto s = T(h).sizes();
  jlongArray r = env->NewLongArray(s.size());
  env->SetLongArrayRegion(r, 0, s.size(), reinterpret_cast<const jlong*>(s.data()));
  return r;
  END_RETURN
}
FN(jint, torchDType, jlong h) { BEGIN return DType(T(h).scalar_type()); END_RETURN }
FN(jintArray, torchDevice, jlong h) {
  BEGIN
  jintArray r = env->NewIntArray(2);
  jint d[] = {static_cast<jint>(T(h).device().type()), T(h).device().index()};
  env->SetIntArrayRegion(r, 0, 2, d);
  return r;
  END_RETURN
}
FN(jint, torchLayout, jlong h) {
  BEGIN
  auto l = T(h).layout();
  return l == torch::kStrided ? 0 : l == torch::kSparse ? 1 : 2;
  END_RETURN
}
FN(jboolean, torchIsContiguous, jlong h) { BEGIN return T(h).is_contiguous(); END_RETURN }
FN(jlong, torchToContiguous, jlong h) { BEGIN return H(T(h).contiguous()); END_RETURN }
FN(jlong, tensorClone, jlong h) {
  BEGIN
  torch::NoGradGuard g;
  return H(T(h).clone());
  END_RETURN
}
FN(jlong, torchTo, jlong h, jint dtype, jintArray device) {
  BEGIN
  torch::NoGradGuard g;
  return H(T(h).to(Dev(env, device), ScalarType(dtype), false));
  END_RETURN
}
FN(void, torchDeleteTensor, jlong h) { BEGIN delete reinterpret_cast<Tensor*>(h); END }
FN(jobject, torchDirectByteBuffer, jlong h) {
  BEGIN
  Tensor& t = T(h);
  return env->NewDirectByteBuffer(t.data_ptr(), static_cast<jlong>(t.nbytes()));
  END_RETURN
}

// ---- creation
FN(jlong, torchFromBlob, jobject buffer, jlongArray shape, jint dtype, jint layout, jintArray device, jboolean grad) {
  BEGIN
  auto o = torch::TensorOptions().requires_grad(grad == JNI_TRUE);
  if (dtype != 8) {
    o = o.dtype(ScalarType(dtype));
  }
  Tensor r = torch::from_blob(env->GetDirectBufferAddress(buffer), Longs(env, shape), o);
  auto d = Dev(env, device);
  if (!d.is_cpu()) {
    r = r.to(d);
  }
  return H(r);
  END_RETURN
}
FN(jlong, torchZeros, jlongArray shape, jint dtype, jint layout, jintArray device, jboolean grad) {
  BEGIN return H(torch::zeros(Longs(env, shape), Options(env, dtype, device, grad))); END_RETURN
}
FN(jlong, torchFull, jlongArray shape, jdouble value, jint dtype, jint layout, jintArray device, jboolean grad) {
  BEGIN return H(torch::full(Longs(env, shape), value, Options(env, dtype, device, grad))); END_RETURN
}

// ---- indexing
FN(jlong, torchIndexInit, jint n) {
  BEGIN
  auto* v = new Index();
  v->reserve(n);
  return reinterpret_cast<jlong>(v);
  END_RETURN
}
FN(void, torchDeleteIndex, jlong h) { BEGIN delete reinterpret_cast<Index*>(h); END }
FN(void, torchIndexAppendSlice, jlong h, jlong min, jlong max, jlong step, jint nulls) {
  BEGIN
  using torch::indexing::None;
  using torch::indexing::Slice;
  auto* v = reinterpret_cast<Index*>(h);
  if (nulls == 0) v->emplace_back(Slice(min, max, step));
  else if (nulls == 1) v->emplace_back(Slice(min, None, step));
  else if (nulls == 2) v->emplace_back(Slice(None, max, step));
  else v->emplace_back(Slice(None, None, step));
  END
}
FN(void, torchIndexAppendNoneEllipsis, jlong h, jboolean ellipsis) {
  BEGIN
  auto* v = reinterpret_cast<Index*>(h);
  if (ellipsis) v->emplace_back(torch::indexing::Ellipsis);
  else v->emplace_back(torch::indexing::None);
  END
}
FN(void, torchIndexAppendArray, jlong h, jlong array) {
  BEGIN reinterpret_cast<Index*>(h)->emplace_back(T(array)); END
}
FN(jlong, torchIndexAdvGet, jlong h, jlong index) {
  BEGIN return H(T(h).index(*reinterpret_cast<Index*>(index))); END_RETURN
}

// ---- shape
FN(jlong, torchReshape, jlong h, jlongArray shape) { BEGIN return H(T(h).reshape(Longs(env, shape))); END_RETURN }
FN(jlong, torchPermute, jlong h, jlongArray dims) { BEGIN return H(T(h).permute(Longs(env, dims))); END_RETURN }
FN(jlong, torchPad, jlong h, jlongArray pad, jdouble value) {
  BEGIN return H(torch::constant_pad_nd(T(h), Longs(env, pad), value)); END_RETURN
}
FN(jlong, torchCat, jlongArray handles, jlong dim) {
  BEGIN
  std::vector<Tensor> ts;
  for (int64_t p : Longs(env, handles)) {
    ts.push_back(T(p));
  }
  return H(torch::cat(ts, dim));
  END_RETURN
}

// ---- arithmetic
FN(jlong, torchAdd, jlong a, jlong b) { BEGIN return H(T(a).add(T(b))); END_RETURN }
FN(void, torchAddi, jlong a, jlong b) { BEGIN T(a).add_(T(b)); END }
FN(void, torchSubi, jlong a, jlong b) { BEGIN T(a).sub_(T(b)); END }
FN(jlong, torchMul, jlong a, jlong b) { BEGIN return H(T(a).mul(T(b))); END_RETURN }
FN(void, torchMuli, jlong a, jlong b) { BEGIN T(a).mul_(T(b)); END }
FN(jlong, torchTrueDivide, jlong a, jlong b) { BEGIN return H(torch::true_divide(T(a), T(b))); END_RETURN }
FN(void, torchTrueDividei, jlong a, jlong b) { BEGIN T(a).true_divide_(T(b)); END }
FN(jlong, torchMatmul, jlong a, jlong b) { BEGIN return H(T(a).matmul(T(b))); END_RETURN }
FN(jlong, torchClamp, jlong h, jlong min, jlong max) { BEGIN return H(torch::clamp(T(h), T(min), T(max))); END_RETURN }
FN(jlong, torchRound, jlong h) { BEGIN return H(T(h).round()); END_RETURN }
FN(jlong, torchSigmoid, jlong h) { BEGIN return H(T(h).sigmoid()); END_RETURN }
FN(jlong, torchNNRelu, jlong h) { BEGIN return H(torch::relu(T(h))); END_RETURN }

// ---- reductions (overloads: whole tensor, or along one axis)
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMax__J(JNIEnv* env, jobject, jlong h) {
  BEGIN return H(T(h).max()); END_RETURN
}
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMax__JJZ(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  BEGIN return H(std::get<0>(T(h).max(dim, keep))); END_RETURN
}
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMin__J(JNIEnv* env, jobject, jlong h) {
  BEGIN return H(T(h).min()); END_RETURN
}
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMin__JJZ(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  BEGIN return H(std::get<0>(T(h).min(dim, keep))); END_RETURN
}
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMean__J(JNIEnv* env, jobject, jlong h) {
  BEGIN return H(T(h).mean()); END_RETURN
}
extern "C" JNIEXPORT jlong JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchMean__JJZ(JNIEnv* env, jobject, jlong h, jlong dim, jboolean keep) {
  BEGIN return H(T(h).mean(std::vector<int64_t>{dim}, keep)); END_RETURN
}

// ---- neural network
FN(jlong, torchNNConvNd, jlong input, jlong weight, jlong bias, jlongArray stride, jlongArray padding, jlongArray dilation,
    jint groups) {
  BEGIN
  Opt<Tensor> b;
  if (bias != 0) {
    b = T(bias);
  }
  auto s = Longs(env, stride);
  auto p = Longs(env, padding);
  auto d = Longs(env, dilation);
  return H(torch::convolution(T(input), T(weight), b, s, p, d, false, std::vector<int64_t>(s.size(), 0), groups));
  END_RETURN
}
FN(jlong, torchNNInterpolate, jlong h, jlongArray jsize, jint mode, jboolean align) {
  BEGIN
  auto size = Longs(env, jsize);
  const Tensor& x = T(h);
  if (x.dim() != 4) {
    throw std::invalid_argument("interpolation is built for 4-d input only");
  }
  switch (mode) {
    case 0: return H(torch::upsample_nearest2d(x, size));
    case 2: return H(torch::upsample_bilinear2d(x, size, align == JNI_TRUE));
    case 3: return H(torch::upsample_bicubic2d(x, size, align == JNI_TRUE));
    case 6: return H(torch::_upsample_nearest_exact2d(x, size));
    default: throw std::invalid_argument("interpolation mode " + std::to_string(mode) + " is not built");
  }
  END_RETURN
}
FN(jlong, torchNNMaxPool, jlong h, jlongArray kernel, jlongArray stride, jlongArray padding, jboolean ceil) {
  BEGIN
  auto k = Longs(env, kernel);
  std::vector<int64_t> dil(k.size(), 1);
  auto s = Longs(env, stride);
  auto p = Longs(env, padding);
  if (k.size() == 1) return H(torch::max_pool1d(T(h), k, s, p, dil, ceil));
  if (k.size() == 2) return H(torch::max_pool2d(T(h), k, s, p, dil, ceil));
  return H(torch::max_pool3d(T(h), k, s, p, dil, ceil));
  END_RETURN
}

// ---- TorchScript
struct NoGrad {
  torch::autograd::AutoGradMode autograd{false};
  torch::NoGradGuard no_grad;
};

static std::string Str(JNIEnv* env, jstring s) {
  const char* c = env->GetStringUTFChars(s, nullptr);
  std::string r(c);
  env->ReleaseStringUTFChars(s, c);
  return r;
}

extern "C" JNIEXPORT jlong JNICALL
Java_ai_djl_pytorch_jni_PyTorchLibrary_moduleLoad__Ljava_lang_String_2_3IZ_3Ljava_lang_String_2_3Ljava_lang_String_2Z(
    JNIEnv* env, jobject, jstring jpath, jintArray jdevice, jboolean map_location, jobjectArray names, jobjectArray values,
    jboolean) {
  BEGIN
  auto device = Dev(env, jdevice);
  std::unordered_map<std::string, std::string> extra;
  jsize n = env->GetArrayLength(names);
  for (jsize i = 0; i < n; i++) {
    extra[Str(env, static_cast<jstring>(env->GetObjectArrayElement(names, i)))] = "";
  }
  torch::jit::script::Module m;
  if (map_location) {
    m = torch::jit::load(Str(env, jpath), device, extra);
  } else {
    m = torch::jit::load(Str(env, jpath), NoValue, extra);
    m.to(device);
  }
  for (jsize i = 0; i < n; i++) {
    auto key = Str(env, static_cast<jstring>(env->GetObjectArrayElement(names, i)));
    env->SetObjectArrayElement(values, i, env->NewStringUTF(extra[key].c_str()));
  }
  return reinterpret_cast<jlong>(new torch::jit::script::Module(m));
  END_RETURN
}
FN(void, moduleEval, jlong h) { BEGIN reinterpret_cast<torch::jit::script::Module*>(h)->eval(); END }
FN(void, torchDeleteModule, jlong h) { BEGIN delete reinterpret_cast<torch::jit::script::Module*>(h); END }
FN(jlong, moduleRunMethod, jlong h, jstring name, jlongArray ivalues, jboolean train, jboolean) {
  BEGIN
  auto* m = reinterpret_cast<torch::jit::script::Module*>(h);
  std::vector<torch::IValue> inputs;
  for (int64_t p : Longs(env, ivalues)) {
    inputs.push_back(*reinterpret_cast<torch::IValue*>(p));
  }
  auto method = m->get_method(Str(env, name));
  torch::IValue out;
  if (train) {
    out = method(inputs);
  } else {
    NoGrad g;
    out = method(inputs);
  }
  return reinterpret_cast<jlong>(new torch::IValue(out));
  END_RETURN
}
FN(jlongArray, moduleGetParams, jlong h) {
  BEGIN
  std::vector<jlong> ps;
  for (const auto& t : reinterpret_cast<torch::jit::script::Module*>(h)->parameters()) {
    ps.push_back(H(t));
  }
  jlongArray r = env->NewLongArray(ps.size());
  env->SetLongArrayRegion(r, 0, ps.size(), ps.data());
  return r;
  END_RETURN
}
FN(jobjectArray, moduleGetParamNames, jlong h) {
  BEGIN
  std::vector<std::string> names;
  for (const auto& p : reinterpret_cast<torch::jit::script::Module*>(h)->named_parameters()) {
    names.push_back(p.name);
  }
  jobjectArray r = env->NewObjectArray(names.size(), env->FindClass("java/lang/String"), nullptr);
  for (size_t i = 0; i < names.size(); i++) {
    env->SetObjectArrayElement(r, i, env->NewStringUTF(names[i].c_str()));
  }
  return r;
  END_RETURN
}
FN(jlong, iValueFromTensor, jlong h) { BEGIN return reinterpret_cast<jlong>(new torch::IValue(T(h))); END_RETURN }
FN(jlong, iValueToTensor, jlong h) { BEGIN return H(reinterpret_cast<torch::IValue*>(h)->toTensor()); END_RETURN }
FN(jboolean, iValueIsTensor, jlong h) { BEGIN return reinterpret_cast<torch::IValue*>(h)->isTensor(); END_RETURN }
FN(void, torchDeleteIValue, jlong h) { BEGIN delete reinterpret_cast<torch::IValue*>(h); END }
