package io.bgswap.graph;

/** Element types of graph values and constants. */
public enum DataType {
    /** 32-bit IEEE float: every activation in a graph is of this type. */
    FLOAT32,
    /** Unsigned 8-bit integer (quantised weights and their zero points). */
    UINT8,
    /** Signed 8-bit integer. */
    INT8,
    /** Signed 32-bit integer. */
    INT32,
    /** Signed 64-bit integer (shapes, indices). */
    INT64
}
