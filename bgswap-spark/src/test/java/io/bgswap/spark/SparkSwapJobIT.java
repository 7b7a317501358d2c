package io.bgswap.spark;

import io.bgswap.ErrorCode;
import io.bgswap.image.ArgbImage;
import io.bgswap.image.ImageFiles;
import io.bgswap.model.BuiltinModel;
import io.bgswap.model.ModelStore;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spark job on {@code local[2]} with the real selfie model, read offline from a model cache
 * prepared here (as a shared cluster cache directory would be) or shipped as a job archive.
 */
class SparkSwapJobIT {
    private static SparkSession spark;
    private static Path modelHome;
    private static List<Path> evalImages;

    @TempDir
    static Path shared;
    @TempDir
    Path work;

    @BeforeAll
    static void start() throws IOException {
        String eval = System.getProperty("bgswap.eval.dir");
        assumeTrue(eval != null && Files.isDirectory(Path.of(eval, "image")),
                "bgswap.eval.dir is not set or has no image/ directory: skipping the Spark integration tests");
        Path cached = ModelStore.defaultStore().cachePath(BuiltinModel.SELFIE);
        assumeTrue(Files.isRegularFile(cached),
                "The selfie model is not in the local cache (" + cached + "); run `bgswap models pull selfie` first");
        try (Stream<Path> s = Files.list(Path.of(eval, "image"))) {
            evalImages = s.filter(p -> p.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
        }
        assumeTrue(!evalImages.isEmpty(), "No JPEG images in " + eval + "/image");
        // a pre-filled cache directory, as a cluster would mount on every node
        modelHome = shared.resolve("bgswap-home");
        Files.createDirectories(modelHome.resolve("models"));
        Files.copy(cached, modelHome.resolve("models").resolve(BuiltinModel.SELFIE.cacheFileName()));
        spark = SparkSession.builder().master("local[2]").appName("bgswap-it")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private SwapJobOptions.Builder options(Path out) {
        return SwapJobOptions.builder(out.toString()).model("selfie").modelHome(modelHome.toString()).offline(true);
    }

    private Map<String, String> badFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Files.writeString(dir.resolve("notes.jpg"), "this is not an image\n");
        byte[] jpeg = Files.readAllBytes(evalImages.get(0));
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 3));
        Map<String, String> expected = new HashMap<>();
        expected.put("empty.jpg", ErrorCode.UNSUPPORTED_IMAGE.name());
        expected.put("notes.jpg", ErrorCode.UNSUPPORTED_IMAGE.name());
        expected.put("truncated.jpg", ErrorCode.TRUNCATED_IMAGE.name());
        return expected;
    }

    @Test
    void everyInputHasARowBadOnesTheirCodeAndOutputsAreComplete() throws IOException {
        Path bad = work.resolve("bad");
        Map<String, String> expectedCodes = badFiles(bad);
        Path out = work.resolve("out");
        Dataset<Row> inputs = BgSwapSparkJob.listImages(spark, evalImages.get(0).getParent().toString(), bad.toString())
                .where("path like '%.jpg'");
        SwapJobOptions options = options(out).background("#2a6f97").format("jpg").partitions(4).build();
        int loadsBefore = ExecutorSwappers.loads();

        BgSwapSparkJob.Summary summary = BgSwapSparkJob.run(inputs, options);

        // one model for both task threads and all four partitions (the first test may load it)
        assertThat(ExecutorSwappers.loads() - loadsBefore).isLessThanOrEqualTo(1);
        assertThat(summary.ok()).isEqualTo(evalImages.size());
        assertThat(summary.failed()).isEqualTo(3);
        List<Row> rows = spark.read().parquet(options.resultTable()).collectAsList();
        checkRows(rows, expectedCodes);
        Set<String> firstNames = listing(out);
        assertThat(firstNames).hasSize(evalImages.size()).allMatch(n -> n.endsWith(".jpg"));

        // a re-run (as a retried or speculative attempt would) overwrites the same names
        BgSwapSparkJob.run(inputs, options);
        assertThat(listing(out)).isEqualTo(firstNames);
        checkRows(spark.read().parquet(options.resultTable()).collectAsList(), expectedCodes);
    }

    @Test
    void pathTablesWithFewPartitionsAreSpreadAndTheListingIsKept() {
        SwapJobOptions options = options(work.resolve("unused")).build();
        int target = spark.sparkContext().defaultParallelism() * BgSwapSparkJob.PARTITIONS_PER_CORE;
        Dataset<Row> listed = BgSwapSparkJob.listImages(spark, evalImages.get(0).getParent().toString());
        int listedPartitions = listed.rdd().getNumPartitions();
        assertThat(listedPartitions).isEqualTo(Math.min(evalImages.size(), target));
        // the listing is used as it is: no shuffle, so the same partitions reach the tasks
        assertThat(BgSwapSparkJob.process(listed, options).rdd().getNumPartitions()).isEqualTo(listedPartitions);
        // a table of paths in one partition (one Parquet file, say) is spread over the cores
        Dataset<Row> onePartition = listed.coalesce(1);
        assertThat(BgSwapSparkJob.process(onePartition, options).rdd().getNumPartitions()).isEqualTo(target);
        // an explicit count always wins
        SwapJobOptions three = options(work.resolve("unused")).partitions(3).build();
        assertThat(BgSwapSparkJob.process(listed, three).rdd().getNumPartitions()).isEqualTo(3);
    }

    private void checkRows(List<Row> rows, Map<String, String> expectedCodes) {
        assertThat(rows).hasSize(evalImages.size() + expectedCodes.size());
        Set<String> seen = new TreeSet<>();
        for (Row r : rows) {
            String input = r.getAs("input_path");
            assertThat(seen.add(input)).as("one row per input: %s", input).isTrue();
            String name = input.substring(input.lastIndexOf('/') + 1);
            if (expectedCodes.containsKey(name)) {
                assertThat((String) r.getAs("status")).isEqualTo("FAILED");
                assertThat((String) r.getAs("error_code")).as(name).isEqualTo(expectedCodes.get(name));
                assertThat((String) r.getAs("output_path")).isNull();
            } else {
                assertThat((String) r.getAs("status")).as("%s: %s", name, r.getAs("error_message")).isEqualTo("OK");
                ArgbImage original = ImageFiles.read(Path.of(java.net.URI.create(input)));
                ArgbImage written = ImageFiles.read(Path.of((String) r.getAs("output_path")));
                assertThat(written.width()).isEqualTo(original.width()).isEqualTo((int) r.getAs("width"));
                assertThat(written.height()).isEqualTo(original.height()).isEqualTo((int) r.getAs("height"));
                assertThat((double) r.getAs("infer_ms")).isPositive();
                assertThat((double) r.getAs("encode_ms")).isPositive();
            }
        }
    }

    /** @return the output directory's entries, failing on any temporary file */
    private static Set<String> listing(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            Set<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(names).noneMatch(n -> n.endsWith(OutputFiles.TEMP_SUFFIX) || n.startsWith(OutputFiles.TEMP_PREFIX));
            return names;
        }
    }

    @Test
    void aTableOfPathsIsReadByTheTasksAndMissingFilesGetARow() throws IOException {
        Path bad = work.resolve("bad");
        badFiles(bad);
        List<String> paths = new ArrayList<>();
        evalImages.subList(0, 2).forEach(p -> paths.add(p.toString()));
        paths.add(bad.resolve("truncated.jpg").toUri().toString());
        paths.add(work.resolve("missing.jpg").toString());
        Dataset<Row> table = spark.createDataset(paths, Encoders.STRING()).toDF("path");
        Path out = work.resolve("out");
        SwapJobOptions options = options(out).matteOnly(true).build();

        BgSwapSparkJob.Summary s = BgSwapSparkJob.run(table, options);

        assertThat(s.ok()).isEqualTo(2);
        assertThat(s.failuresByCode()).containsEntry("TRUNCATED_IMAGE", 1L).containsEntry("IO_ERROR", 1L);
        assertThat(spark.read().parquet(options.resultTable()).select("input_path").as(Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrderElementsOf(paths);
        assertThat(listing(out)).hasSize(2).allMatch(n -> n.endsWith(".png"));
    }

    @Test
    void offlineWithoutTheModelInTheCacheFailsTheJobWithModelNotFound() throws IOException {
        Path emptyHome = work.resolve("empty-home");
        Files.createDirectories(emptyHome);
        SwapJobOptions options = SwapJobOptions.builder(work.resolve("out").toString())
                .model("selfie").modelHome(emptyHome.toString()).offline(true).build();
        Dataset<Row> table = spark.createDataset(List.of(evalImages.get(0).toString()), Encoders.STRING()).toDF("path");

        assertThatThrownBy(() -> BgSwapSparkJob.run(table, options)).hasStackTraceContaining(ErrorCode.MODEL_NOT_FOUND.name());
        // nothing was downloaded into the empty cache
        try (Stream<Path> s = Files.walk(emptyHome)) {
            assertThat(s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".tflite"))).isEmpty();
        }
    }

    @Test
    void modelCacheShippedAsAJobArchiveIsFoundThroughSparkFiles() throws IOException {
        Path zip = work.resolve("bgswap-models.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("models/" + BuiltinModel.SELFIE.cacheFileName()));
            Files.copy(modelHome.resolve("models").resolve(BuiltinModel.SELFIE.cacheFileName()), z);
            z.closeEntry();
        }
        spark.sparkContext().addArchive(zip.toUri() + "#shipped-bgswap-home");
        Path out = work.resolve("out");
        SwapJobOptions options = SwapJobOptions.builder(out.toString()).model("selfie")
                .modelHome("sparkfiles:shipped-bgswap-home").offline(true).background("blur").build();
        // the bytes read by Spark's binaryFile source, rather than by the task
        Dataset<Row> table = spark.read().format("binaryFile").load(evalImages.get(1).toString());

        BgSwapSparkJob.Summary s = BgSwapSparkJob.run(table, options);

        assertThat(s.ok()).as("%s", s).isEqualTo(1);
        assertThat(s.failed()).isZero();
        assertThat(s.failuresByCode()).isEmpty();
        assertThat(listing(out)).hasSize(1);
    }
}
