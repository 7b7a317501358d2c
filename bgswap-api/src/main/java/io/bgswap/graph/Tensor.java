package io.bgswap.graph;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor (weights, biases, zero points) held in a plain Java array, row-major. Float
 * data lives in {@link #floats()}, 8-bit data in {@link #bytes()} (unsigned values for
 * {@link DataType#UINT8}), 32-bit integers in {@link #ints()} and 64-bit integers in
 * {@link #longs()}; the other arrays are {@code null}. Stored half-precision or quantised weights
 * are converted to one of these types by the importer.
 *
 * <p>Immutable by contract: the arrays are not copied, and nobody may write to them after
 * construction. Thread-safe under that contract.
 */
public final class Tensor {
    private final DataType type;
    private final int[] shape;
    private final float[] floats;
    private final byte[] bytes;
    private final int[] ints;
    private final long[] longs;

    private Tensor(DataType type, int[] shape, float[] floats, byte[] bytes, int[] ints, long[] longs) {
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape.clone();
        this.floats = floats;
        this.bytes = bytes;
        this.ints = ints;
        this.longs = longs;
        long n = elementCount(this.shape);
        long stored = floats != null ? floats.length : bytes != null ? bytes.length : ints != null ? ints.length : longs.length;
        if (n != stored) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "tensor of shape " + Arrays.toString(shape)
                    + " needs " + n + " values but holds " + stored);
        }
    }

    /**
     * @param shape dimensions
     * @param data  values, row-major
     * @return a float tensor
     */
    public static Tensor ofFloats(int[] shape, float[] data) {
        return new Tensor(DataType.FLOAT32, shape, Objects.requireNonNull(data), null, null, null);
    }

    /**
     * @param type  {@link DataType#UINT8} or {@link DataType#INT8}
     * @param shape dimensions
     * @param data  values, row-major
     * @return an 8-bit tensor
     */
    public static Tensor ofBytes(DataType type, int[] shape, byte[] data) {
        if (type != DataType.UINT8 && type != DataType.INT8) {
            throw new IllegalArgumentException("byte data needs UINT8 or INT8, not " + type);
        }
        return new Tensor(type, shape, null, Objects.requireNonNull(data), null, null);
    }

    /**
     * @param shape dimensions
     * @param data  values, row-major
     * @return an int32 tensor
     */
    public static Tensor ofInts(int[] shape, int[] data) {
        return new Tensor(DataType.INT32, shape, null, null, Objects.requireNonNull(data), null);
    }

    /**
     * @param shape dimensions
     * @param data  values, row-major
     * @return an int64 tensor
     */
    public static Tensor ofLongs(int[] shape, long[] data) {
        return new Tensor(DataType.INT64, shape, null, null, null, Objects.requireNonNull(data));
    }

    /**
     * @param shape dimensions
     * @return the number of elements
     */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** @return element type */
    public DataType type() {
        return type;
    }

    /** @return a copy of the dimensions */
    public int[] shape() {
        return shape.clone();
    }

    /** @return number of dimensions */
    public int rank() {
        return shape.length;
    }

    /**
     * @param axis dimension index
     * @return its size
     */
    public int dim(int axis) {
        return shape[axis];
    }

    /** @return number of elements */
    public int size() {
        return (int) elementCount(shape);
    }

    /** @return float data, or {@code null} unless {@link DataType#FLOAT32} */
    public float[] floats() {
        return floats;
    }

    /** @return 8-bit data, or {@code null} unless UINT8/INT8 */
    public byte[] bytes() {
        return bytes;
    }

    /** @return int32 data, or {@code null} unless {@link DataType#INT32} */
    public int[] ints() {
        return ints;
    }

    /** @return int64 data, or {@code null} unless {@link DataType#INT64} */
    public long[] longs() {
        return longs;
    }

    /**
     * @return the values as floats (a copy for non-float types; 8-bit unsigned values read 0..255)
     */
    public float[] toFloats() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes != null ? (type == DataType.UINT8 ? bytes[i] & 0xFF : bytes[i])
                    : ints != null ? ints[i] : longs[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor[" + type + " " + Arrays.toString(shape) + "]";
    }
}
