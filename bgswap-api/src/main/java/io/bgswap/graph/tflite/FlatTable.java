package io.bgswap.graph.tflite;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Read access to one table of a FlatBuffers buffer: fields are looked up through the table's
 * vtable by their index in the schema, absent fields give the schema default. Only what the
 * TFLite importer needs (scalars, strings, vectors of scalars and of tables). Every offset is
 * bounds-checked, so a corrupt file fails with {@link ErrorCode#UNSUPPORTED_MODEL} instead of
 * reading garbage. Not thread-safe on its own; instances are cheap views.
 */
final class FlatTable {
    private final ByteBuffer buf;
    private final int pos;
    private final int vtable;
    private final int vtableSize;

    private FlatTable(ByteBuffer buf, int pos) {
        this.buf = buf;
        this.pos = pos;
        this.vtable = pos - checkedInt(buf, pos);
        check(vtable >= 0 && vtable + 4 <= buf.limit(), "vtable out of range");
        this.vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
    }

    /**
     * @param data the whole file
     * @return the root table
     */
    static FlatTable root(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        check(data.length >= 8, "file too short");
        return new FlatTable(b, checkedInt(b, 0));
    }

    /** @return the 4-byte file identifier after the root offset */
    static String identifier(byte[] data) {
        return data.length < 8 ? "" : new String(data, 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static int checkedInt(ByteBuffer b, int at) {
        check(at >= 0 && at + 4 <= b.limit(), "offset out of range");
        return b.getInt(at);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Corrupt TFLite flatbuffer: " + what);
        }
    }

    /** @return absolute position of field {@code index}, or 0 when absent */
    private int field(int index) {
        int slot = 4 + 2 * index;
        if (slot + 2 > vtableSize) {
            return 0;
        }
        int rel = Short.toUnsignedInt(buf.getShort(vtable + slot));
        return rel == 0 ? 0 : pos + rel;
    }

    boolean has(int index) {
        return field(index) != 0;
    }

    int getInt(int index, int def) {
        int f = field(index);
        return f == 0 ? def : checkedInt(buf, f);
    }

    int getByte(int index, int def) {
        int f = field(index);
        check(f < buf.limit(), "field out of range");
        return f == 0 ? def : buf.get(f);
    }

    boolean getBool(int index) {
        return getByte(index, 0) != 0;
    }

    private int indirect(int f) {
        return f + checkedInt(buf, f);
    }

    String getString(int index) {
        int f = field(index);
        if (f == 0) {
            return null;
        }
        int at = indirect(f);
        int len = checkedInt(buf, at);
        check(len >= 0 && at + 4 + len <= buf.limit(), "string out of range");
        byte[] b = new byte[len];
        buf.get(at + 4, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    FlatTable getTable(int index) {
        int f = field(index);
        return f == 0 ? null : new FlatTable(buf, indirect(f));
    }

    /** @return start of the vector's elements, and its length in {@code len[0]}; -1 when absent */
    private int vector(int index, int elementSize, int[] len) {
        int f = field(index);
        if (f == 0) {
            len[0] = 0;
            return -1;
        }
        int at = indirect(f);
        int n = checkedInt(buf, at);
        check(n >= 0 && at + 4 + (long) n * elementSize <= buf.limit(), "vector out of range");
        len[0] = n;
        return at + 4;
    }

    int vectorLength(int index) {
        int[] len = new int[1];
        vector(index, 4, len);
        return len[0];
    }

    int[] getInts(int index) {
        int[] len = new int[1];
        int at = vector(index, 4, len);
        int[] out = new int[len[0]];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getInt(at + 4 * i);
        }
        return out;
    }

    byte[] getBytes(int index) {
        int[] len = new int[1];
        int at = vector(index, 1, len);
        byte[] out = new byte[len[0]];
        if (at >= 0) {
            buf.get(at, out);
        }
        return out;
    }

    FlatTable getTable(int index, int element) {
        int[] len = new int[1];
        int at = vector(index, 4, len);
        check(element >= 0 && element < len[0], "vector index out of range");
        int slot = at + 4 * element;
        return new FlatTable(buf, slot + buf.getInt(slot));
    }
}
