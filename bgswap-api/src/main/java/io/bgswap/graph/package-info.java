/**
 * The engine-neutral model graph: a small, typed, immutable description of a network (inputs,
 * constant weights as plain arrays, operators with exact semantics, outputs) that importers read
 * model files into and that every backend runs on its own engine. This is what lets an
 * application swap the inference engine by changing which backend is on the classpath, for every
 * built-in model.
 */
package io.bgswap.graph;
