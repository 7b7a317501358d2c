package io.bgswap.graph;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An engine-neutral model: typed inputs and outputs, constant tensors (initializers) and nodes in
 * topological order. Importers build it from a model file; each backend turns it into its engine's
 * own program, and exporters write it in another format. The constructor checks that every node
 * reads only values defined before it and that every value is defined once.
 *
 * <p>Immutable and thread-safe (constant tensors are immutable by contract).
 *
 * @param name         model name
 * @param inputs       graph inputs (float32)
 * @param outputs      graph outputs
 * @param initializers constant tensors by value name
 * @param nodes        operator applications, in an order where inputs come first
 */
public record Graph(String name, List<ValueInfo> inputs, List<ValueInfo> outputs,
                    Map<String, Tensor> initializers, List<Node> nodes) {
    public Graph {
        Objects.requireNonNull(name, "name");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        initializers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nodes = List.copyOf(nodes);
        validate(name, inputs, outputs, initializers, nodes);
    }

    private static void validate(String name, List<ValueInfo> inputs, List<ValueInfo> outputs,
                                 Map<String, Tensor> initializers, List<Node> nodes) {
        Set<String> defined = new HashSet<>();
        for (ValueInfo in : inputs) {
            define(defined, in.name(), name, "graph input");
        }
        for (String c : initializers.keySet()) {
            define(defined, c, name, "initializer");
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + ": node " + n.name() + " ("
                            + n.op().opName() + ") reads '" + in + "' before anything defines it");
                }
            }
            for (String out : n.outputs()) {
                define(defined, out, name, "output of node " + n.name());
            }
        }
        for (ValueInfo out : outputs) {
            if (!defined.contains(out.name())) {
                throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + ": graph output '"
                        + out.name() + "' is never computed");
            }
        }
    }

    private static void define(Set<String> defined, String value, String model, String what) {
        if (value.isEmpty() || !defined.add(value)) {
            throw new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + model + ": value '" + value
                    + "' (" + what + ") is empty or defined twice");
        }
    }

    /**
     * @param valueName a value
     * @return the constant tensor of that name, or {@code null}
     */
    public Tensor constant(String valueName) {
        return initializers.get(valueName);
    }

    /**
     * @param valueName a graph output's name
     * @return its info
     */
    public ValueInfo output(String valueName) {
        return outputs.stream().filter(o -> o.name().equals(valueName)).findFirst().orElseThrow(() ->
                new BgSwapException(ErrorCode.UNSUPPORTED_MODEL, "Model " + name + " has no output '" + valueName + "'"));
    }

    /**
     * Keeps only the given outputs and the nodes and constants they need.
     *
     * @param keep names of outputs to keep, all of them outputs of this graph
     * @return the pruned graph (this graph when nothing changes)
     */
    public Graph withOutputs(List<String> keep) {
        List<ValueInfo> outs = new java.util.ArrayList<>();
        for (String k : keep) {
            outs.add(output(k));
        }
        Set<String> needed = new HashSet<>(keep);
        java.util.ArrayDeque<Node> kept = new java.util.ArrayDeque<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(needed::contains)) {
                kept.addFirst(n);
                needed.addAll(n.inputs());
            }
        }
        if (kept.size() == nodes.size() && outs.size() == outputs.size()) {
            return this;
        }
        Map<String, Tensor> inits = new LinkedHashMap<>();
        initializers.forEach((k, v) -> {
            if (needed.contains(k)) {
                inits.put(k, v);
            }
        });
        return new Graph(name, inputs, outs, inits, List.copyOf(kept));
    }
}
