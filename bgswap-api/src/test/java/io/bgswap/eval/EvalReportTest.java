package io.bgswap.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvalReportTest {
    private static MatteMetrics m(double sad, double iou) {
        return new MatteMetrics(new ErrorSet(sad, 0.01, 2, 3, 0.1, iou, 100), new ErrorSet(sad / 2, 0.02, 1, 1, 0.2, iou / 2, 10),
                new VisibleErrors(sad / 100, iou / 100, 50, 40));
    }

    @Test
    void meanAndCsv(@TempDir Path dir) throws Exception {
        EvalReport r = new EvalReport("test", List.of(new EvalRow("a", 4, 3, m(2, 0.8), 1.0),
                new EvalRow("b", 4, 3, m(4, 0.9), 3.0)));
        assertThat(r.mean().overall().sad()).isCloseTo(3.0, within(1e-12));
        assertThat(r.mean().overall().iou()).isCloseTo(0.85, within(1e-12));
        assertThat(r.mean().band().sad()).isCloseTo(1.5, within(1e-12));
        assertThat(r.mean().overall().pixels()).isEqualTo(200);
        assertThat(r.meanSeconds()).isEqualTo(2.0);
        assertThat(r.mean().visible().seeThrough()).isCloseTo(0.03, within(1e-12));
        assertThat(r.mean().visible().ghost()).isCloseTo(0.0085, within(1e-12));
        assertThat(r.mean().visible().solidPixels()).isEqualTo(100);
        Path csv = dir.resolve("out.csv");
        r.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("name,width,height,seconds,sad,mse,grad,conn,mad,iou,sad_band");
        assertThat(lines.get(3)).startsWith("MEAN,0,0,2.00000,3.00000,").endsWith(",0.0300000,0.00850000");
        assertThat(lines.get(0)).endsWith(",see_through,ghost");
        assertThat(r.table()).contains("MEAN").contains("Thru%").contains("3.00").contains("a ").contains("b ");
    }
}
