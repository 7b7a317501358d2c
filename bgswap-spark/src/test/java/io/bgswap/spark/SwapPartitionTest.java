package io.bgswap.spark;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class SwapPartitionTest {
    @Test
    void hadoopConfigurationTravelsToExecutors() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.endpoint", "storage.example:9000");
        conf.setInt("io.file.buffer.size", 65536);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new SwapPartition.HadoopConf(conf));
        }
        SwapPartition.HadoopConf copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SwapPartition.HadoopConf) in.readObject();
        }
        assertThat(copy.get()).isNotSameAs(conf);
        assertThat(copy.get().get("fs.s3a.endpoint")).isEqualTo("storage.example:9000");
        assertThat(copy.get().getInt("io.file.buffer.size", 0)).isEqualTo(65536);
    }
}
