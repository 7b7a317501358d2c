package io.bgswap.eval;

import io.bgswap.internal.AtomicFiles;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The per-image rows of an evaluation run and their means. Immutable and thread-safe.
 *
 * @param label a name for what was evaluated (e.g. {@code isnet-medium + closed-form})
 * @param rows  one row per image
 */
public record EvalReport(String label, List<EvalRow> rows) {
    private static final String[] COLUMNS = {"sad", "mse", "grad", "conn", "mad", "iou"};

    public EvalReport {
        Objects.requireNonNull(label, "label");
        rows = List.copyOf(rows);
    }

    /** @return the mean of every error over the rows (pixel counts are summed) */
    public MatteMetrics mean() {
        return new MatteMetrics(meanOf(r -> r.metrics().overall()), meanOf(r -> r.metrics().band()), meanVisible());
    }

    /** @return the mean of the per-image seconds */
    public double meanSeconds() {
        return rows.stream().mapToDouble(EvalRow::seconds).average().orElse(0);
    }

    private VisibleErrors meanVisible() {
        return new VisibleErrors(
                rows.stream().mapToDouble(r -> r.metrics().visible().seeThrough()).average().orElse(Double.NaN),
                rows.stream().mapToDouble(r -> r.metrics().visible().ghost()).average().orElse(Double.NaN),
                rows.stream().mapToLong(r -> r.metrics().visible().solidPixels()).sum(),
                rows.stream().mapToLong(r -> r.metrics().visible().clearPixels()).sum());
    }

    private ErrorSet meanOf(java.util.function.Function<EvalRow, ErrorSet> pick) {
        ToDoubleFunction<ToDoubleFunction<ErrorSet>> m = f -> rows.stream().map(pick).mapToDouble(f).average().orElse(Double.NaN);
        long pixels = rows.stream().map(pick).mapToLong(ErrorSet::pixels).sum();
        return new ErrorSet(m.applyAsDouble(ErrorSet::sad), m.applyAsDouble(ErrorSet::mse), m.applyAsDouble(ErrorSet::gradient),
                m.applyAsDouble(ErrorSet::connectivity), m.applyAsDouble(ErrorSet::mad), m.applyAsDouble(ErrorSet::iou), pixels);
    }

    /**
     * CSV with a header; one line per image and a last line named {@code MEAN}. Columns: name,
     * width, height, seconds, then sad, mse, grad, conn, mad, iou overall, then the same with the
     * suffix {@code _band}, then {@code see_through} and {@code ghost} as shares (0..1).
     *
     * @return the CSV text
     */
    public String csv() {
        StringBuilder sb = new StringBuilder("name,width,height,seconds");
        for (String c : COLUMNS) {
            sb.append(',').append(c);
        }
        for (String c : COLUMNS) {
            sb.append(',').append(c).append("_band");
        }
        sb.append(",see_through,ghost\n");
        for (EvalRow r : rows) {
            line(sb, r.name(), r.width(), r.height(), r.seconds(), r.metrics());
        }
        line(sb, "MEAN", 0, 0, meanSeconds(), mean());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, int w, int h, double s, MatteMetrics m) {
        sb.append(name).append(',').append(w).append(',').append(h).append(',').append(fmt(s));
        for (ErrorSet e : new ErrorSet[] {m.overall(), m.band()}) {
            sb.append(',').append(fmt(e.sad())).append(',').append(fmt(e.mse())).append(',').append(fmt(e.gradient()))
                    .append(',').append(fmt(e.connectivity())).append(',').append(fmt(e.mad())).append(',').append(fmt(e.iou()));
        }
        sb.append(',').append(fmt(m.visible().seeThrough())).append(',').append(fmt(m.visible().ghost())).append('\n');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * Writes {@link #csv()} atomically.
     *
     * @param file the target
     */
    public void writeCsv(Path file) {
        AtomicFiles.write(file, out -> {
            OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(csv());
            w.flush();
        });
    }

    /** @return a fixed-width table for a terminal: one line per image and the mean */
    public String table() {
        StringWriter sw = new StringWriter();
        PrintWriter out = new PrintWriter(sw);
        out.println(label);
        out.printf(Locale.ROOT, "%-14s %6s | %8s %9s %8s %8s %7s %6s | %8s %9s %8s %8s %7s %6s | %6s %6s%n", "image", "sec",
                "SAD", "MSE", "Grad", "Conn", "MAD", "IoU", "SAD.b", "MSE.b", "Grad.b", "Conn.b", "MAD.b", "IoU.b",
                "Thru%", "Ghost%");
        for (EvalRow r : rows) {
            row(out, r.name(), r.seconds(), r.metrics());
        }
        row(out, "MEAN", meanSeconds(), mean());
        out.println("SAD, Grad, Conn are sums / 1000; .b = boundary band; Thru% = see-through share of the solid interior,"
                + " Ghost% = opaque share of the clear background (both more than " + MatteEvaluator.VISIBLE_MARGIN
                + " px from the reference's edges)");
        out.flush();
        return sw.toString();
    }

    private static void row(PrintWriter out, String name, double s, MatteMetrics m) {
        ErrorSet o = m.overall();
        ErrorSet b = m.band();
        out.printf(Locale.ROOT, "%-14s %6.2f | %8.2f %9.5f %8.2f %8.2f %7.4f %6.4f | %8.2f %9.5f %8.2f %8.2f %7.4f %6.4f | %6.2f %6.2f%n",
                name, s, o.sad(), o.mse(), o.gradient(), o.connectivity(), o.mad(), o.iou(),
                b.sad(), b.mse(), b.gradient(), b.connectivity(), b.mad(), b.iou(),
                100 * m.visible().seeThrough(), 100 * m.visible().ghost());
    }
}
