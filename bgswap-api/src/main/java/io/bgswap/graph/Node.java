package io.bgswap.graph;

import java.util.List;
import java.util.Objects;

/**
 * One operator application. Inputs and outputs are value names; an empty input name marks an
 * absent optional input (such as a missing bias).
 *
 * @param name    unique node name (for error messages)
 * @param op      the operator and its attributes
 * @param inputs  input value names, in the operator's order
 * @param outputs output value names
 */
public record Node(String name, Op op, List<String> inputs, List<String> outputs) {
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("node " + name + " has no output");
        }
    }

    /**
     * @param index input position
     * @return whether that input is given
     */
    public boolean hasInput(int index) {
        return index < inputs.size() && !inputs.get(index).isEmpty();
    }

    /** @return the first output's name */
    public String output() {
        return outputs.get(0);
    }
}
