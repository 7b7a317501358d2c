package io.bgswap.graph.onnx;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire format from a byte range: one field at a time with {@link #next()}, then the
 * value with one of the typed getters. Unknown fields are skipped with {@link #skip()}. Every
 * length is bounds-checked so that a corrupt file fails with {@link ErrorCode#UNSUPPORTED_MODEL}.
 * Not thread-safe; cheap to create for each nested message.
 */
final class ProtoReader {
    private final byte[] data;
    private int pos;
    private final int end;
    private int field;
    private int wireType;

    ProtoReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw corrupt();
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private static BgSwapException corrupt() {
        return new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Corrupt ONNX protobuf: a length runs past the end of its message");
    }

    /** @return whether a field was read (its number in {@link #field()}), false at the end */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw corrupt();
            }
            int b = data[pos++];
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw corrupt();
    }

    long int64() {
        return varint();
    }

    float float32() {
        if (pos + 4 > end) {
            throw corrupt();
        }
        float f = ByteBuffer.wrap(data, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        pos += 4;
        return f;
    }

    /** @return a reader over the length-delimited value */
    ProtoReader message() {
        int len = length();
        ProtoReader r = new ProtoReader(data, pos, len);
        pos += len;
        return r;
    }

    private int length() {
        long len = varint();
        if (len < 0 || pos + len > end) {
            throw corrupt();
        }
        return (int) len;
    }

    byte[] bytes() {
        int len = length();
        byte[] b = new byte[len];
        System.arraycopy(data, pos, b, 0, len);
        pos += len;
        return b;
    }

    String string() {
        int len = length();
        String s = new String(data, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Adds a repeated varint field's values (packed or not) to {@code into}. */
    void int64s(LongList into) {
        if (wireType == 2) {
            ProtoReader p = message();
            while (p.pos < p.end) {
                into.add(p.varint());
            }
        } else {
            into.add(varint());
        }
    }

    /** Adds a repeated float field's values (packed or not) to {@code into}. */
    void floats(FloatList into) {
        if (wireType == 2) {
            ProtoReader p = message();
            while (p.pos < p.end) {
                into.add(p.float32());
            }
        } else {
            into.add(float32());
        }
    }

    void skip() {
        switch (wireType) {
            case 0 -> varint();
            case 1 -> pos += 8;
            case 2 -> {
                int len = length(); // read first: pos moves past the length prefix
                pos += len;
            }
            case 5 -> pos += 4;
            default -> throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Corrupt ONNX protobuf: wire type " + wireType);
        }
        if (pos > end) {
            throw corrupt();
        }
    }

    /** A growable long array. */
    static final class LongList {
        private long[] v = new long[8];
        private int n;

        void add(long x) {
            if (n == v.length) {
                v = java.util.Arrays.copyOf(v, n * 2);
            }
            v[n++] = x;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(v, n);
        }
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] v = new float[8];
        private int n;

        void add(float x) {
            if (n == v.length) {
                v = java.util.Arrays.copyOf(v, n * 2);
            }
            v[n++] = x;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(v, n);
        }
    }
}
