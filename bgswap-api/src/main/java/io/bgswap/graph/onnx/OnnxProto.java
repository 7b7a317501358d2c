package io.bgswap.graph.onnx;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import io.bgswap.graph.HalfFloat;
import io.bgswap.graph.Tensor;
import io.bgswap.graph.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of the ONNX protobuf schema that the importer reads: {@code ModelProto},
 * {@code GraphProto}, {@code NodeProto}, {@code AttributeProto}, {@code TensorProto} and
 * {@code ValueInfoProto}, decoded from wire format by {@link ProtoReader}. Field numbers follow
 * {@code onnx.proto}. Float16 tensors are widened to float32 on reading (exactly), remembering
 * that they were stored as float16.
 */
final class OnnxProto {
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;

    private OnnxProto() {
    }

    record Model(long irVersion, Map<String, Long> opsets, Graph graph) {
    }

    record Graph(String name, List<NodeP> nodes, Map<String, Tensor> initializers, List<Value> inputs, List<Value> outputs) {
    }

    /** A graph input or output: name, element type and dims (-1 where symbolic or unknown). */
    record Value(String name, int elemType, long[] dims) {
    }

    record NodeP(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                 Map<String, Attribute> attributes) {
        Attribute attr(String key) {
            return attributes.get(key);
        }

        long i(String key, long def) {
            Attribute a = attributes.get(key);
            return a == null ? def : a.i;
        }

        String s(String key, String def) {
            Attribute a = attributes.get(key);
            return a == null || a.s == null ? def : a.s;
        }

        long[] ints(String key, long[] def) {
            Attribute a = attributes.get(key);
            return a == null || a.ints == null ? def : a.ints;
        }
    }

    static final class Attribute {
        String name;
        float f;
        long i;
        String s;
        Tensor t;
        float[] floats;
        long[] ints;
    }

    static Model parseModel(byte[] data) {
        ProtoReader r = new ProtoReader(data);
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.int64();
                case 7 -> graph = parseGraph(r.message());
                case 8 -> {
                    ProtoReader o = r.message();
                    String domain = "";
                    long version = 0;
                    while (o.next()) {
                        if (o.field() == 1) {
                            domain = o.string();
                        } else if (o.field() == 2) {
                            version = o.int64();
                        } else {
                            o.skip();
                        }
                    }
                    opsets.put(domain, version);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX file holds no graph");
        }
        return new Model(ir, opsets, graph);
    }

    private static Graph parseGraph(ProtoReader r) {
        String name = "";
        List<NodeP> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<Value> inputs = new ArrayList<>();
        List<Value> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(parseNode(r.message()));
                case 2 -> name = r.string();
                case 5 -> {
                    Named t = parseTensor(r.message());
                    inits.put(t.name, t.tensor);
                }
                case 11 -> inputs.add(parseValue(r.message()));
                case 12 -> outputs.add(parseValue(r.message()));
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private static NodeP parseNode(ProtoReader r) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string());
                case 2 -> out.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Attribute a = parseAttribute(r.message());
                    attrs.put(a.name, a);
                }
                case 7 -> domain = r.string();
                default -> r.skip();
            }
        }
        return new NodeP(name, op, domain, in, out, attrs);
    }

    private static Attribute parseAttribute(ProtoReader r) {
        Attribute a = new Attribute();
        ProtoReader.LongList ints = null;
        ProtoReader.FloatList floats = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> a.name = r.string();
                case 2 -> a.f = r.float32();
                case 3 -> a.i = r.int64();
                case 4 -> a.s = r.string();
                case 5 -> a.t = parseTensor(r.message()).tensor;
                case 7 -> {
                    floats = floats == null ? new ProtoReader.FloatList() : floats;
                    r.floats(floats);
                }
                case 8 -> {
                    ints = ints == null ? new ProtoReader.LongList() : ints;
                    r.int64s(ints);
                }
                default -> r.skip();
            }
        }
        a.ints = ints == null ? null : ints.toArray();
        a.floats = floats == null ? null : floats.toArray();
        return a;
    }

    private static Value parseValue(ProtoReader r) {
        String name = "";
        int elem = 0;
        List<Long> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() == 1) {
                name = r.string();
            } else if (r.field() == 2) {
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() != 1) {
                        type.skip();
                        continue;
                    }
                    ProtoReader tt = type.message();
                    while (tt.next()) {
                        if (tt.field() == 1) {
                            elem = (int) tt.int64();
                        } else if (tt.field() == 2) {
                            ProtoReader shape = tt.message();
                            while (shape.next()) {
                                if (shape.field() != 1) {
                                    shape.skip();
                                    continue;
                                }
                                ProtoReader dim = shape.message();
                                long v = -1;
                                while (dim.next()) {
                                    if (dim.field() == 1) {
                                        v = dim.int64();
                                    } else {
                                        dim.skip();
                                    }
                                }
                                dims.add(v);
                            }
                        } else {
                            tt.skip();
                        }
                    }
                }
            } else {
                r.skip();
            }
        }
        return new Value(name, elem, dims.stream().mapToLong(Long::longValue).toArray());
    }

    /** A tensor with its name and stored element type. */
    record Named(String name, int storedType, Tensor tensor) {
    }

    static Named parseTensor(ProtoReader r) {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int type = 0;
        String name = "";
        byte[] raw = null;
        ProtoReader.FloatList floatData = new ProtoReader.FloatList();
        ProtoReader.LongList intData = new ProtoReader.LongList();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> type = (int) r.int64();
                case 4 -> r.floats(floatData);
                case 5, 7 -> r.int64s(intData);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 14 -> external = r.int64() == 1;
                default -> r.skip();
            }
        }
        if (external) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX tensor " + name
                    + " keeps its data in an external file; bgswap reads self-contained ONNX files only");
        }
        long[] d = dims.toArray();
        int[] shape = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            shape[i] = Math.toIntExact(d[i]);
        }
        long count = Tensor.elementCount(shape);
        long[] ints = intData.toArray();
        int elementBytes = switch (type) {
            case FLOAT, INT32 -> 4;
            case FLOAT16 -> 2;
            case INT64 -> 8;
            default -> 1;
        };
        long held = raw != null ? raw.length / elementBytes : type == FLOAT ? floatData.toArray().length : ints.length;
        // A file that declares more values than it holds is damaged; refusing it here also keeps a
        // few bytes from asking for gigabytes.
        if (count < 0 || count > held) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX tensor " + name + " declares " + count
                    + " values but holds " + held + ": the file is damaged");
        }
        int n = (int) count;
        ByteBuffer b = raw == null ? null : ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = switch (type) {
            case FLOAT -> {
                float[] f = new float[n];
                if (b != null) {
                    b.asFloatBuffer().get(f);
                } else {
                    f = floatData.toArray();
                }
                yield Tensor.ofFloats(shape, f);
            }
            case FLOAT16 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = HalfFloat.toFloat(b != null ? b.getShort(2 * i) : (short) ints[i]);
                }
                yield Tensor.ofFloats(shape, f);
            }
            case UINT8, INT8 -> {
                byte[] v = new byte[n];
                for (int i = 0; i < n; i++) {
                    v[i] = b != null ? b.get(i) : (byte) ints[i];
                }
                yield Tensor.ofBytes(type == UINT8 ? DataType.UINT8 : DataType.INT8, shape, v);
            }
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = b != null ? b.getInt(4 * i) : (int) ints[i];
                }
                yield Tensor.ofInts(shape, v);
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = b != null ? b.getLong(8 * i) : ints[i];
                }
                yield Tensor.ofLongs(shape, v);
            }
            default -> throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "ONNX tensor " + name
                    + " has element type " + type + ", which bgswap does not read");
        };
        return new Named(name, type, t);
    }
}
