package io.bgswap.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bgswap.graph.Graph;
import io.bgswap.graph.Importers;
import io.bgswap.graph.Node;
import io.bgswap.model.ModelStore;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints where a model's time goes on DJL, per operator kind: {@code GraphProfile model [runs]}. */
public final class GraphProfile {
    private GraphProfile() {
    }

    public static void main(String[] args) {
        Graph g = Importers.load(ModelStore.defaultStore().source(args[0]));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long[] nanos = new long[g.nodes().size()];
        try (NDManager m = DjlRuntime.engine(0).newBaseManager(ai.djl.Device.cpu());
             GraphExecutor exec = new GraphExecutor(g, m)) {
            int[] shape = g.inputs().get(0).shape();
            float[] x = new float[(int) io.bgswap.graph.Tensor.elementCount(shape)];
            Arrays.fill(x, 0.3f);
            for (int r = 0; r < runs + 1; r++) {
                if (r == 1) {
                    Arrays.fill(nanos, 0);
                }
                long t0 = System.nanoTime();
                try (NDManager run = m.newSubManager()) {
                    NDArray in = run.create(x, new Shape(Arrays.stream(shape).asLongStream().toArray()));
                    exec.run(run, new NDArray[] {in}, g.outputs().get(0).name(), nanos);
                }
                System.out.printf(Locale.ROOT, "run %d: %.1f ms%n", r, (System.nanoTime() - t0) / 1e6);
            }
        }
        Map<String, long[]> byOp = new TreeMap<>();
        for (int i = 0; i < nanos.length; i++) {
            Node n = g.nodes().get(i);
            String key = n.op().opName();
            long[] acc = byOp.computeIfAbsent(key, k -> new long[2]);
            acc[0] += nanos[i];
            acc[1]++;
        }
        byOp.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-18s %4d nodes %9.2f ms/run%n", k, v[1], v[0] / 1e6 / runs));
    }
}
