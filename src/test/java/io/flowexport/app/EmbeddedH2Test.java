package io.flowexport.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddedH2Test {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:file:./data/demo;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE | data/demo.mv.db",
            "jdbc:h2:file:./data/state;AUTO_SERVER=TRUE                       | data/state.mv.db",
            "jdbc:h2:./x/y                                                    | x/y.mv.db",
            "JDBC:H2:FILE:/abs/state                                          | /abs/state.mv.db",
    })
    void theFileOfAnEmbeddedDatabase(String url, String file) {
        assertThat(EmbeddedH2.file(url)).contains(Path.of(file).toAbsolutePath().normalize());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:mem:test", "jdbc:h2:tcp://localhost/~/state", "jdbc:h2:ssl://db/x", "jdbc:h2:zip:~/a.zip!/db",
            "jdbc:h2:nio:/x", "jdbc:postgresql://127.0.0.1:5432/test", "jdbc:h2:mem:",
    })
    void noFileForOtherUrls(String url) {
        assertThat(EmbeddedH2.file(url)).isEmpty();
    }
}
