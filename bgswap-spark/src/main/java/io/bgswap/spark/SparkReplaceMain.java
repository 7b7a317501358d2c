package io.bgswap.spark;

import io.bgswap.BgSwapException;
import io.bgswap.ErrorCode;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code spark-submit} entry point. See {@code docs/spark.md}.
 *
 * <pre>
 * spark-submit --class io.bgswap.spark.SparkReplaceMain bgswap-spark-all.jar \
 *     --input hdfs:///photos --output hdfs:///photos-out --model selfie --background '#2a6f97' --format jpg
 * </pre>
 *
 * <p>Exit status: 0 when every input succeeded, 1 when some failed (see the result table), 2 on a
 * usage error, 3 when the job itself failed (model missing offline, executors lost, ...).
 */
public final class SparkReplaceMain {
    private SparkReplaceMain() {
    }

    /** @param args see {@link #usage()} */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (BgSwapException e) {
            System.err.println("bgswap: " + e.getMessage() + " [" + e.code() + "]");
            status = 2;
        } catch (NumberFormatException e) {
            System.err.println("bgswap: not a number: " + e.getMessage() + "\n" + usage());
            status = 2;
        } catch (RuntimeException e) {
            // the job itself failed (model missing offline, executors lost, ...): Spark has logged why
            System.err.println("bgswap: the Spark job failed: " + e);
            status = 3;
        }
        System.exit(status);
    }

    static String usage() {
        return String.join("\n",
                "Usage: spark-submit --class io.bgswap.spark.SparkReplaceMain JAR --input DIR | --paths TABLE --output DIR [options]",
                "  --input DIR          directory of images (listed recursively with Spark's binaryFile source)",
                "  --paths TABLE        Parquet table with a string column 'path' (instead of --input)",
                "  --output DIR         output directory for the images",
                "  --results DIR        Parquet result table (default OUTPUT/bgswap-results.parquet)",
                "  --model NAME         built-in model (default: bgswap.model / isnet-medium)",
                "  --backend NAME       onnx, djl, tf",
                "  --device DEV         cpu, gpu, gpu:N, auto",
                "  --threads N          CPU threads per inference (default 1: Spark runs one task per core)",
                "  --model-home DIR     model cache on the executors, or sparkfiles:NAME for a shipped archive",
                "  --offline            never download models on the executors",
                "  --tarballs DIR       npm pack tarballs on the executors, or sparkfiles: for shipped --files",
                "  --background BG      transparent, #rrggbb, blur[:R] or an image file on the executors (default transparent)",
                "  --format FMT         png or jpg (default png)",
                "  --quality Q          JPEG quality (default 0.92)",
                "  --matte              write the alpha matte instead of a composite",
                "  --max-megapixels MP  larger images become IMAGE_TOO_LARGE rows, checked before decoding (default 100)",
                "  --partitions N       input partitions (default 2 per core, or the input's if more)");
    }

    static int run(String[] args) {
        String input = null;
        String paths = null;
        String output = null;
        List<String[]> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--offline", "--matte" -> rest.add(new String[]{a, "true"});
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return 0;
                }
                default -> {
                    if (!a.startsWith("--") || i + 1 >= args.length) {
                        throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Unexpected argument " + a + "\n" + usage());
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--input" -> input = v;
                        case "--paths" -> paths = v;
                        case "--output" -> output = v;
                        default -> rest.add(new String[]{a, v});
                    }
                }
            }
        }
        if (output == null || (input == null) == (paths == null)) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Give --output and exactly one of --input, --paths\n" + usage());
        }
        SwapJobOptions.Builder b = SwapJobOptions.builder(output);
        for (String[] kv : rest) {
            String v = kv[1];
            switch (kv[0]) {
                case "--results" -> b.resultTable(v);
                case "--model" -> b.model(v);
                case "--backend" -> b.backend(v);
                case "--device" -> b.device(v);
                case "--threads" -> b.threads(parseInt(kv));
                case "--model-home" -> b.modelHome(v);
                case "--offline" -> b.offline(true);
                case "--tarballs" -> b.tarballs(v);
                case "--background" -> b.background(v);
                case "--format" -> b.format(v.toLowerCase(Locale.ROOT));
                case "--quality" -> b.quality(Float.parseFloat(v));
                case "--matte" -> b.matteOnly(true);
                case "--partitions" -> b.partitions(parseInt(kv));
                case "--max-megapixels" -> b.maxPixels((long) (Double.parseDouble(v) * 1_000_000));
                default -> throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, "Unknown option " + kv[0] + "\n" + usage());
            }
        }
        SwapJobOptions options = b.build();
        SparkSession spark = SparkSession.builder().appName("bgswap").getOrCreate();
        try {
            Dataset<Row> inputs = input != null ? BgSwapSparkJob.listImages(spark, input) : spark.read().parquet(paths);
            BgSwapSparkJob.Summary s = BgSwapSparkJob.run(inputs, options);
            System.out.printf(Locale.ROOT, "bgswap: %d ok, %d failed %s in %.1f s; result table %s%n",
                    s.ok(), s.failed(), s.failuresByCode(), s.seconds(), options.resultTable());
            return s.failed() > 0 ? 1 : 0;
        } finally {
            spark.stop();
        }
    }

    private static int parseInt(String[] kv) {
        try {
            return Integer.parseInt(kv[1]);
        } catch (NumberFormatException e) {
            throw new BgSwapException(ErrorCode.INVALID_ARGUMENT, kv[0] + " needs a whole number, got " + kv[1]);
        }
    }
}
