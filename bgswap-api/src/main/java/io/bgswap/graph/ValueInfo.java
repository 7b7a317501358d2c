package io.bgswap.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * Name, type and static shape of a graph input or output.
 *
 * @param name  the value's name
 * @param type  element type
 * @param shape dimensions (batch first); all known, graphs have static shapes
 */
public record ValueInfo(String name, DataType type, int[] shape) {
    public ValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueInfo v && name.equals(v.name) && type == v.type && Arrays.equals(shape, v.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
